/**
 * Relay global IDs: the type and its key, base64url-encoded so clients treat them as opaque.
 */
export type GlobalIdType = 'Customer' | 'TimelineEvent' | 'ApiKey' | 'AuditEntry' | 'User' | 'Case' | 'Webhook' | 'WebhookDelivery';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BIGINT = /^[1-9][0-9]{0,18}$/;
const KEY_FORMAT: Record<GlobalIdType, RegExp> = {
  Customer: UUID,
  TimelineEvent: BIGINT,
  ApiKey: UUID,
  AuditEntry: BIGINT,
  Case: UUID,
  Webhook: UUID,
  WebhookDelivery: BIGINT,
  /** A user of a company login: the subject of their token, as the issuer wrote it. */
  User: /^[\x21-\x7e]{1,150}$/,
};

export function toGlobalId(type: GlobalIdType, key: string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string): { type: GlobalIdType; key: string } | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return null;
  const type = decoded.slice(0, separator) as GlobalIdType;
  const key = decoded.slice(separator + 1);
  const format = KEY_FORMAT[type];
  if (!format || !format.test(key)) return null;
  return { type, key };
}

/** The key of a global ID of the given type, or null when the ID is malformed or of another type. */
export function keyOf(id: string, type: GlobalIdType): string | null {
  const parsed = fromGlobalId(id);
  return parsed && parsed.type === type ? parsed.key : null;
}
