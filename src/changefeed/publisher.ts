import type { Sql } from '../db/database';
import { CUSTOMER_CHANNEL, STREAM_LOCK_KEY, TIMELINE_CHANNEL, timelinePayloads, type CustomerChangeNotice, type EventEntry } from './notifications';
import { customerDeliveriesCte } from './webhook-outbox';

/** An event a transaction created, as its announcement needs it. */
export interface CreatedEvent {
  id: string;
  customer_id: string;
}

/**
 * Announces events a transaction created, as its last step before COMMIT: takes the stream lock,
 * gives the events their stream positions (in the order given) and queues the notification.
 * The lock is held until the transaction ends, so positions are handed out in commit order, and
 * NOTIFY goes out only if the transaction commits. (The events' webhook deliveries were written
 * by the statement that inserted them, outside the lock.) A position is a row of the narrow
 * `timeline_stream`, not a column of the event: the event row is written once. Answers each
 * event's stream position by key. Callers: only transactions that created events; nothing to do
 * for an empty list.
 */
export async function announceTimelineEvents(sql: Sql, events: readonly CreatedEvent[]): Promise<Map<string, string>> {
  if (events.length === 0) return new Map();
  // One round trip in the common case: the lock is held from this statement until COMMIT, so
  // every statement spent holding it delays every other recording transaction.
  const notifyHere = events.length <= EVENTS_PER_STATEMENT_NOTIFY;
  const rows = await sql.query<{ id: string; customer_id: string; stream_position: string }>(
    `WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(${STREAM_LOCK_KEY})),
     numbered AS MATERIALIZED (
       -- After the lock (the join waits for it), in the order given (unnest keeps array order).
       SELECT k.id, k.customer_id, nextval('timeline_event_stream_position') AS position
       FROM locked CROSS JOIN unnest($1::bigint[], $2::uuid[]) WITH ORDINALITY AS k(id, customer_id, n)
       ORDER BY k.n),
     positioned AS (
       INSERT INTO timeline_stream (position, event_id, customer_id) SELECT position, id, customer_id FROM numbered
       RETURNING position, event_id, customer_id)
     SELECT event_id::text AS id, customer_id::text, position::text AS stream_position,
       CASE WHEN $3 THEN (
         SELECT pg_notify($4, json_build_object('e', json_agg(json_build_array(p.position::text, p.event_id::text, p.customer_id::text) ORDER BY p.position))::text)
         FROM positioned p) END AS notified
     FROM positioned`,
    [events.map((e) => e.id), events.map((e) => e.customer_id), notifyHere, TIMELINE_CHANNEL],
    { genericPlan: true },
  );
  if (rows.length !== events.length) throw new Error('an event vanished before it could be announced');
  const positions = new Map(rows.map((row) => [row.id, row.stream_position]));
  if (notifyHere) return positions;
  const entries: EventEntry[] = rows.map((row) => [row.stream_position, row.id, row.customer_id]);
  // Large batches: notifications under PostgreSQL's payload limit, in stream order, queued by one
  // statement (the lock is still held: a round trip per notification would hold it longer).
  entries.sort((a, b) => compareStreamPositions(a[0], b[0]));
  await sql.query(
    `SELECT pg_notify($1, payload) FROM (SELECT payload FROM unnest($2::text[]) WITH ORDINALITY AS p(payload, n) ORDER BY n) ordered`,
    [TIMELINE_CHANNEL, timelinePayloads(entries)],
    { genericPlan: true },
  );
  return positions;
}

/** Up to this many events fit one notification (at most ~85 bytes each, under the 8000-byte limit); more are split in JavaScript. */
const EVENTS_PER_STATEMENT_NOTIFY = 80;

/**
 * Announces changes to customers, and writes their webhook deliveries, delivered when (and only
 * if) the transaction commits; inside a savepoint that is rolled back they vanish with it. Stamped with the transaction's time, which
 * is the `updated_at` the change wrote.
 */
export async function announceCustomerChanges(sql: Sql, changes: readonly CustomerChangeNotice[]): Promise<void> {
  if (changes.length === 0) return;
  const compact = changes.map((change) => ({
    k: change.kind,
    c: change.customerKey,
    ...(change.survivorKey ? { s: change.survivorKey } : {}),
    ...(change.mergedKey ? { m: change.mergedKey } : {}),
  }));
  // At most ~150 bytes per change: 40 changes stay well under the payload limit. One statement
  // for all of them: the deliveries, and the notifications in order.
  const chunks: string[] = [];
  for (let start = 0; start < compact.length; start += CHANGES_PER_NOTIFICATION) chunks.push(JSON.stringify(compact.slice(start, start + CHANGES_PER_NOTIFICATION)));
  await sql.query(
    `WITH ${customerDeliveriesCte('webhook_deliveries', '$2::json')}
     SELECT pg_notify($1, json_build_object('t', now(), 'c', chunk::json)::text)
     FROM (SELECT chunk FROM unnest($3::text[]) WITH ORDINALITY AS c(chunk, n) ORDER BY n) ordered`,
    [CUSTOMER_CHANNEL, JSON.stringify(compact), chunks],
  );
}

const CHANGES_PER_NOTIFICATION = 40;

export function announceCustomerChange(sql: Sql, change: CustomerChangeNotice): Promise<void> {
  return announceCustomerChanges(sql, [change]);
}

export function compareStreamPositions(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
