import type { Logger } from '../core/logger';
import { notifyWebhookChangeSql } from '../changefeed/notifications';
import type { Database } from '../db/database';
import { toGlobalId } from '../relay/global-id';
import { payloadsFor, type ClaimedDelivery } from './webhook-payloads';
import { retryDelayMs } from './webhook-retry';
import { WebhookSender, type SendResult } from './webhook-sender';
import { signatureHeader } from './webhook-signature';
import type { WebhookTopic } from './webhook.types';

export interface DispatcherSettings {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A delivery failing this long after it was written is given up. */
  retryForMs: number;
  pauseAfterFailures: number;
  pauseAfterMs: number;
  concurrency: number;
  concurrencyPerWebhook: number;
  pollMs: number;
  allowPrivateTargets: boolean;
  /** Finished deliveries older than this are deleted. */
  keepDeliveriesMs: number;
}

/** How often finished deliveries past their keeping time are deleted, and at most how many at once. */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 10_000;

interface Claimed extends ClaimedDelivery {
  url: string;
  secrets: string[];
  attempt: number;
}

interface Outcome {
  delivery: Claimed;
  result: SendResult;
  at: Date;
}

/** Claimed rows, as the claim statement answers them. */
interface ClaimRow {
  id: string;
  webhook_id: string;
  topic: WebhookTopic;
  customer_id: string;
  change: Record<string, string>;
  created_at: Date;
  attempt: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  includes_personal_data: boolean;
}

/**
 * Sends webhook deliveries; one runs in every server process and they share the work through
 * the database. A delivery is claimed with a lease (FOR UPDATE SKIP LOCKED, so two processes
 * never claim the same one) that outlasts the POST's deadline; a process that dies mid-send
 * leaves the lease to expire and another sends it again (at least once). Only the oldest pending
 * delivery of a webhook for a customer is ever claimed, so each receiver gets a customer's changes
 * in commit order. In-flight POSTs are bounded per process and per webhook, so a slow or dead
 * receiver holds at most its own share and never slows recording or other webhooks.
 */
export class WebhookDispatcher {
  private readonly sender: WebhookSender;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private inFlight = 0;
  private readonly inFlightPerWebhook = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();
  private outcomes: Outcome[] = [];
  private flushing: Promise<void> | null = null;
  private waitingForDatabase = false;
  private prunedAt = 0;
  private wokenWhileBusy = false;

  /** Counters since start, for logs, tests and benchmarks. */
  readonly stats = { attempts: 0, delivered: 0, failed: 0, paused: 0 };

  constructor(
    private readonly db: Database,
    private readonly settings: DispatcherSettings,
    private readonly log: Logger,
  ) {
    this.sender = new WebhookSender(settings.timeoutMs, settings.allowPrivateTargets);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming, lets the POSTs in flight finish (each within its deadline) and records them. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.sending]);
    await this.flush();
    this.sender.close();
  }

  /** Look for work now rather than at the next poll. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    // Woken while claiming: that claim may have missed what woke it, so the next idle is skipped.
    else this.wokenWhileBusy = true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (Date.now() - this.prunedAt >= Math.min(PRUNE_EVERY_MS, this.settings.keepDeliveriesMs)) await this.prune();
        const free = this.settings.concurrency - this.inFlight;
        // With POSTs in flight, claim again once a quarter of the slots are free (or at the next
        // poll): fewer, larger claims cost the database less than one per finished POST.
        if (free <= 0 || (this.inFlight > 0 && free < this.settings.concurrency / 4 && !this.wokenWhileBusy)) {
          await this.idle(this.settings.pollMs);
          continue;
        }
        const claimed = await this.claim(Math.min(free, 500));
        this.waitingForDatabase = false;
        if (claimed.length === 0) {
          await this.idle(this.settings.pollMs);
          continue;
        }
        const bodies = await payloadsFor(this.db, claimed);
        for (const delivery of claimed) this.send(delivery, bodies.get(delivery.id)!);
      } catch (error) {
        if (!this.running) break;
        this.trouble(error, 'webhooks: could not claim deliveries; trying again shortly');
        await this.idle(1000);
      }
    }
  }

  /** Finished deliveries past WEBHOOK_KEEP_DELIVERIES: a bounded batch at a time, so the outbox does not grow for ever. */
  private async prune(): Promise<void> {
    this.prunedAt = Date.now();
    await this.db.query(
      `DELETE FROM webhook_delivery WHERE id IN (
         SELECT id FROM webhook_delivery WHERE state <> 'PENDING' AND created_at < now() - make_interval(secs => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [this.settings.keepDeliveriesMs / 1000, PRUNE_BATCH],
    );
  }

  /** The database away is an outage others report (warned once here); anything else is an error. */
  private trouble(error: unknown, message: string): void {
    const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
    if (code === 'SERVICE_UNAVAILABLE' || code === 'TIMEOUT') {
      if (!this.waitingForDatabase) this.log.warn({ code }, `${message} (the database is not answering)`);
      this.waitingForDatabase = true;
    } else this.log.error({ err: error }, message);
  }

  private idle(ms: number): Promise<void> {
    if (this.wokenWhileBusy) {
      this.wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wakeUp === done) self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const perWebhook = [...this.inFlightPerWebhook.entries()];
    const rows = await this.db.query<ClaimRow>(
      `WITH heads AS (
         -- Due deliveries, oldest first, that are the oldest pending one of their webhook for their
         -- customer (the only one that may go): found from the due index, each checked by one probe.
         SELECT d.id, d.webhook_id, d.next_attempt_at FROM webhook_delivery d
         WHERE d.state = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
           AND NOT EXISTS (SELECT 1 FROM webhook_delivery p WHERE p.webhook_id = d.webhook_id AND p.customer_id = d.customer_id AND p.state = 'PENDING' AND p.id < d.id)
         ORDER BY d.next_attempt_at LIMIT $1 * 4),
       ranked AS (
         SELECT h.id, h.webhook_id, h.next_attempt_at, row_number() OVER (PARTITION BY h.webhook_id ORDER BY h.next_attempt_at) AS n
         FROM heads h JOIN webhook w ON w.id = h.webhook_id AND w.state = 'ACTIVE'),
       due AS (
         SELECT d.id FROM webhook_delivery d JOIN ranked r ON r.id = d.id
         LEFT JOIN unnest($3::uuid[], $4::int[]) AS busy(webhook_id, sending) ON busy.webhook_id = r.webhook_id
         -- Rechecked on the locked row: another process may have claimed or finished it meanwhile.
         WHERE r.n <= $5 - coalesce(busy.sending, 0) AND d.state = 'PENDING' AND (d.lease_until IS NULL OR d.lease_until < now())
         ORDER BY r.next_attempt_at LIMIT $1
         FOR UPDATE OF d SKIP LOCKED),
       claimed AS (
         UPDATE webhook_delivery d SET lease_until = now() + make_interval(secs => $2), attempt = d.attempt + 1
         FROM due WHERE d.id = due.id
         RETURNING d.id::text, d.webhook_id, d.topic, d.customer_id, d.change, d.created_at, d.attempt)
       SELECT c.id, c.webhook_id, c.topic, c.customer_id, c.change, c.created_at, c.attempt, w.url, w.secret,
              CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END AS previous_secret, w.includes_personal_data
       FROM claimed c JOIN webhook w ON w.id = c.webhook_id`,
      [limit, (2 * this.settings.timeoutMs) / 1000, perWebhook.map(([id]) => id), perWebhook.map(([, n]) => n), this.settings.concurrencyPerWebhook],
    );
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      topic: row.topic,
      customerKey: row.customer_id,
      change: row.change,
      createdAt: row.created_at,
      includesPersonalData: row.includes_personal_data,
      url: row.url,
      secrets: row.previous_secret ? [row.secret, row.previous_secret] : [row.secret],
      attempt: row.attempt,
    }));
  }

  private send(delivery: Claimed, body: string): void {
    this.inFlight++;
    this.inFlightPerWebhook.set(delivery.webhookId, (this.inFlightPerWebhook.get(delivery.webhookId) ?? 0) + 1);
    this.stats.attempts++;
    const headers = {
      'x-timeline-delivery': toGlobalId('WebhookDelivery', delivery.id),
      'x-timeline-topic': delivery.topic,
      'x-timeline-attempt': String(delivery.attempt),
      'x-timeline-signature': signatureHeader(delivery.secrets, body, new Date()),
    };
    const sending = this.sender.send(delivery.url, body, headers).then((result) => {
      this.inFlight--;
      const left = (this.inFlightPerWebhook.get(delivery.webhookId) ?? 1) - 1;
      if (left === 0) this.inFlightPerWebhook.delete(delivery.webhookId);
      else this.inFlightPerWebhook.set(delivery.webhookId, left);
      this.outcomes.push({ delivery, result, at: new Date() });
      this.scheduleFlush();
    });
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    // A few milliseconds' outcomes in one transaction, rather than one each.
    this.flushing = new Promise<void>((resolve) => setTimeout(resolve, 20))
      .then(() => this.flush())
      .catch((error) => this.trouble(error, 'webhooks: could not record delivery outcomes; their leases will expire and they will be sent again'))
      .finally(() => {
        this.flushing = null;
        if (this.outcomes.length) this.scheduleFlush();
        // The next delivery of each customer just delivered may go now.
        this.wake();
      });
  }

  /** Writes what the POSTs answered: delivered, to be retried, given up; and the webhooks' failure counts, pauses and 410s. */
  private async flush(): Promise<void> {
    const outcomes = this.outcomes;
    this.outcomes = [];
    if (outcomes.length === 0) return;
    const now = Date.now();
    const ok = outcomes.map((o) => o.result.error === null);
    const giveUp = outcomes.map((o, i) => !ok[i] && now - o.delivery.createdAt.getTime() >= this.settings.retryForMs);
    const nextAt = outcomes.map((o) => new Date(now + retryDelayMs(o.delivery.attempt, this.settings.retryBaseMs, this.settings.retryMaxMs)));
    const perWebhook = new Map<string, { anySuccess: boolean; trailingFailures: number; gone: boolean }>();
    for (const [i, outcome] of outcomes.entries()) {
      const stat = perWebhook.get(outcome.delivery.webhookId) ?? { anySuccess: false, trailingFailures: 0, gone: false };
      if (ok[i]) {
        stat.anySuccess = true;
        stat.trailingFailures = 0;
      } else stat.trailingFailures++;
      if (outcome.result.status === 410) stat.gone = true;
      perWebhook.set(outcome.delivery.webhookId, stat);
    }
    this.stats.delivered += ok.filter(Boolean).length;
    this.stats.failed += ok.filter((x) => !x).length;
    const webhooks = [...perWebhook.entries()];
    const changed = await this.db.transaction(async (sql) => {
      await sql.query(
        `UPDATE webhook_delivery d SET
           state = CASE WHEN r.ok THEN 'DELIVERED' WHEN r.give_up THEN 'FAILED' ELSE 'PENDING' END,
           delivered_at = CASE WHEN r.ok THEN r.at END,
           next_attempt_at = CASE WHEN r.ok OR r.give_up THEN d.next_attempt_at ELSE r.next_at END,
           lease_until = NULL, last_status = r.status, last_error = r.error
         FROM unnest($1::bigint[], $2::boolean[], $3::int[], $4::text[], $5::timestamptz[], $6::boolean[], $7::timestamptz[]) AS r(id, ok, status, error, next_at, give_up, at)
         WHERE d.id = r.id AND d.state = 'PENDING'`,
        [outcomes.map((o) => o.delivery.id), ok, outcomes.map((o) => o.result.status), outcomes.map((o) => o.result.error), nextAt, giveUp, outcomes.map((o) => o.at)],
      );
      // A failed head holds back its customer's later deliveries for that webhook until its retry:
      // they wait as long, so they do not crowd the due index meanwhile.
      const retried = outcomes.map((o, i) => (!ok[i] && !giveUp[i] ? i : -1)).filter((i) => i >= 0);
      if (retried.length) {
        await sql.query(
          `UPDATE webhook_delivery s SET next_attempt_at = greatest(s.next_attempt_at, r.next_at)
           FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS r(webhook_id, customer_id, next_at)
           WHERE s.webhook_id = r.webhook_id AND s.customer_id = r.customer_id AND s.state = 'PENDING'`,
          [retried.map((i) => outcomes[i].delivery.webhookId), retried.map((i) => outcomes[i].delivery.customerKey), retried.map((i) => nextAt[i])],
        );
      }
      await sql.query(
        `UPDATE webhook w SET
           consecutive_failures = CASE WHEN s.any_success THEN s.failures ELSE w.consecutive_failures + s.failures END,
           failing_since = CASE WHEN s.failures = 0 THEN NULL WHEN s.any_success THEN now() ELSE coalesce(w.failing_since, now()) END
         FROM unnest($1::uuid[], $2::boolean[], $3::int[]) AS s(id, any_success, failures)
         WHERE w.id = s.id AND w.state <> 'DELETED'`,
        [webhooks.map(([id]) => id), webhooks.map(([, s]) => s.anySuccess), webhooks.map(([, s]) => s.trailingFailures)],
      );
      return sql.query<{ id: string; state: string; state_reason: string }>(
        `WITH changed AS (UPDATE webhook SET
           state = CASE WHEN id = ANY($1::uuid[]) THEN 'DISABLED' ELSE 'PAUSED' END,
           state_reason = CASE WHEN id = ANY($1::uuid[]) THEN 'the receiver answered 410 Gone'
                               ELSE consecutive_failures || ' failed attempts in a row since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
           state_changed_at = now(), updated_at = now()
         WHERE state = 'ACTIVE' AND id = ANY($2::uuid[])
           AND (id = ANY($1::uuid[]) OR (consecutive_failures >= $3 AND failing_since <= now() - make_interval(secs => $4)))
         RETURNING id, state, state_reason)
         -- Admins subscribed to webhookChanged hear of it when this commits.
         SELECT c.id, c.state, c.state_reason, ${notifyWebhookChangeSql('c')} FROM changed c`,
        [webhooks.filter(([, s]) => s.gone).map(([id]) => id), webhooks.map(([id]) => id), this.settings.pauseAfterFailures, this.settings.pauseAfterMs / 1000],
      );
    });
    for (const webhook of changed) {
      this.stats.paused++;
      this.log.warn({ webhookId: webhook.id, state: webhook.state, reason: webhook.state_reason }, `webhooks: a webhook was ${webhook.state === 'DISABLED' ? 'disabled' : 'paused'}`);
    }
  }
}
