import type { Sql } from '../db/database';

/**
 * A data-modifying CTE named `name` that gives the events `inserted` returned (with `id` and
 * `customer_id`) their stream positions in id order, without the stream lock: for events written
 * straight into the table while nobody can be following the stream (demo data, benchmark loads).
 * Recordings are announced under the lock instead (publisher.ts).
 */
export function loadedEventPositionsCte(name: string, inserted: string): string {
  return `${name} AS (
    INSERT INTO timeline_stream (position, event_id, customer_id)
    SELECT nextval('timeline_event_stream_position'), id, customer_id FROM (SELECT id, customer_id FROM ${inserted} ORDER BY id) ordered)`;
}

/**
 * After a merge or an unmerge moved events between customers: their stream entries follow, so a
 * customer's replay (`timelineEventAdded(customerId:, after:)`) reads the events that are theirs
 * now. `fromCustomerKeys` are the customers events were moved away from.
 */
export async function followMovedEvents(sql: Sql, fromCustomerKeys: readonly string[]): Promise<void> {
  // Each event looked up by its key: a join left PostgreSQL free to hash the whole events table.
  await sql.query(
    `UPDATE timeline_stream s SET customer_id = (SELECT e.customer_id FROM timeline_event e WHERE e.id = s.event_id)
     WHERE s.customer_id = ANY($1::uuid[]) AND s.customer_id <> (SELECT e.customer_id FROM timeline_event e WHERE e.id = s.event_id)`,
    [fromCustomerKeys],
  );
}
