import crypto from 'node:crypto';

/** A new signing secret: shown once, to the admin who creates or rotates the webhook. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

/**
 * `X-Timeline-Signature: t=<unix seconds>,v1=<hex>`: HMAC-SHA256 over `t + "." + body` with the
 * webhook's secret. While a rotated-out secret is in its grace period, a second `v1=` is signed
 * with it, so receivers can switch secrets without losing a delivery.
 */
export function signatureHeader(secrets: readonly string[], body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return [`t=${t}`, ...secrets.map((secret) => `v1=${crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`)].join(',');
}
