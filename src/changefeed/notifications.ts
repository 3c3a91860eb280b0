/**
 * What travels over PostgreSQL NOTIFY between the transactions that write and every server
 * process that has subscribers. Notifications carry keys only; a listening process loads the rows.
 * NOTIFY is transactional: a notification is delivered only when its transaction commits, and
 * notifications of different transactions arrive in commit order.
 */

/** Channel of recorded timeline events. */
export const TIMELINE_CHANNEL = 'timeline_event';
/** Channel of customer changes (profile, identifiers, preferences, merges). */
export const CUSTOMER_CHANNEL = 'customer_change';
/** Channel of webhooks paused, disabled or resumed, for admins (`webhookChanged`). */
export const WEBHOOK_CHANNEL = 'webhook_change';

/** A webhook's new state, as the dispatcher or an admin set it: {w: key, s: state, r: reason, t: time}. */
export interface WebhookChangeNotice {
  webhookKey: string;
  state: string;
  reason: string | null;
  at: Date;
}

/** SQL of a NOTIFY for a webhook row `row` (with id, state, state_reason): delivered if and when the transaction commits. */
export const notifyWebhookChangeSql = (row: string) =>
  `pg_notify('${WEBHOOK_CHANNEL}', json_build_object('w', ${row}.id, 's', ${row}.state, 'r', ${row}.state_reason, 't', now())::text)`;

export function parseWebhookPayload(payload: string): WebhookChangeNotice | null {
  try {
    const parsed = JSON.parse(payload) as { w?: unknown; s?: unknown; r?: unknown; t?: unknown };
    if (typeof parsed.w !== 'string' || typeof parsed.s !== 'string') return null;
    return { webhookKey: parsed.w, state: parsed.s, reason: typeof parsed.r === 'string' ? parsed.r : null, at: new Date(String(parsed.t)) };
  } catch {
    return null;
  }
}

/**
 * Key of the transaction-level advisory lock under which a recording transaction takes its stream
 * positions, as its very last step before COMMIT. Holding it until commit is what makes position
 * order the commit order. (Any constant no other code uses; this one spells "tl-st".)
 */
export const STREAM_LOCK_KEY = 0x746c2d7374;

/** PostgreSQL refuses payloads of 8000 bytes or more; stay clear of it. */
export const MAX_PAYLOAD_BYTES = 7800;

/** One recorded event: [stream position, event key, customer key at commit]. */
export type EventEntry = [position: string, eventKey: string, customerKey: string];

export interface TimelineNotification {
  events: EventEntry[];
}

export enum CustomerChangeKind {
  CREATED = 'CREATED',
  PROFILE_UPDATED = 'PROFILE_UPDATED',
  IDENTIFIERS_CHANGED = 'IDENTIFIERS_CHANGED',
  PREFERENCES_UPDATED = 'PREFERENCES_UPDATED',
  MERGED = 'MERGED',
  UNMERGED = 'UNMERGED',
  ERASED = 'ERASED',
}

/** A change to one customer, as the services announce it. */
export interface CustomerChangeNotice {
  kind: CustomerChangeKind;
  /** The customer the change is about. */
  customerKey: string;
  /** MERGED and UNMERGED: the (former) survivor. */
  survivorKey?: string | null;
  /** MERGED and UNMERGED: the customer merged away (or brought back). */
  mergedKey?: string | null;
}

/** A change as it arrives at a listener: the notice and its transaction's time. */
export interface CustomerChangeMessage extends CustomerChangeNotice {
  occurredAt: string;
}

/** Splits event entries into payloads under PostgreSQL's size limit. */
export function timelinePayloads(events: EventEntry[]): string[] {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const entry of events) {
    const encoded = JSON.stringify(entry);
    if (chunk.length > 0 && size + encoded.length + 16 > MAX_PAYLOAD_BYTES) {
      payloads.push(`{"e":[${chunk.join(',')}]}`);
      chunk = [];
      size = 0;
    }
    chunk.push(encoded);
    size += encoded.length + 1;
  }
  if (chunk.length > 0) payloads.push(`{"e":[${chunk.join(',')}]}`);
  return payloads;
}

export function parseTimelinePayload(payload: string): TimelineNotification | null {
  try {
    const parsed = JSON.parse(payload) as { e?: unknown };
    if (!Array.isArray(parsed.e)) return null;
    const events = parsed.e.filter(
      (entry): entry is EventEntry => Array.isArray(entry) && entry.length === 3 && entry.every((field) => typeof field === 'string'),
    );
    return { events };
  } catch {
    return null;
  }
}

export function parseCustomerPayload(payload: string): CustomerChangeMessage[] {
  try {
    const parsed = JSON.parse(payload) as { t?: unknown; c?: unknown };
    if (typeof parsed.t !== 'string' || !Array.isArray(parsed.c)) return [];
    const kinds = new Set<string>(Object.values(CustomerChangeKind));
    return parsed.c
      .filter((c): c is { k: CustomerChangeKind; c: string; s?: string; m?: string } => c && typeof c.c === 'string' && kinds.has(c.k))
      .map((c) => ({ kind: c.k, customerKey: c.c, survivorKey: c.s ?? null, mergedKey: c.m ?? null, occurredAt: parsed.t as string }));
  } catch {
    return [];
  }
}
