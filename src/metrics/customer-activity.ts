import type { Sql } from '../db/database';

/**
 * Each customer's first and last event (`customer_activity`), so that counting the customers
 * active in a range does not read every event of it. Recordings widen it in their transaction
 * with this statement (parameters `customers`, uuid[], and `at`, timestamptz[], one pair per
 * event; rows taken in customer order, so concurrent recordings never deadlock on it); merges
 * and unmerges, which move events between customers, work it out again from the events.
 */
export function activityWidening(customers: string, at: string): string {
  return `INSERT INTO customer_activity AS a (customer_id, first_event_at, last_event_at)
     SELECT customer_id, min(at), max(at) FROM unnest(${customers}::uuid[], ${at}::timestamptz[]) AS e(customer_id, at)
     GROUP BY customer_id ORDER BY customer_id
     ON CONFLICT (customer_id) DO UPDATE SET first_event_at = least(a.first_event_at, excluded.first_event_at), last_event_at = greatest(a.last_event_at, excluded.last_event_at)`;
}

/** These customers' first and last event, from their events (none: no row). Two statements. */
export async function refreshCustomerActivity(sql: Sql, customerKeys: readonly string[]): Promise<void> {
  const keys = [...new Set(customerKeys)].sort();
  if (keys.length === 0) return;
  await sql.query(`DELETE FROM customer_activity WHERE customer_id = ANY($1::uuid[])`, [keys]);
  await sql.query(
    `INSERT INTO customer_activity (customer_id, first_event_at, last_event_at)
     SELECT e.customer_id, min(e.occurred_at), max(e.occurred_at) FROM timeline_event e WHERE e.customer_id = ANY($1::uuid[]) GROUP BY e.customer_id`,
    [keys],
  );
}

/** Everyone's, anew (after a bulk load that bypassed recordings). */
export async function rebuildCustomerActivity(sql: Sql): Promise<void> {
  await sql.query(`DELETE FROM customer_activity`);
  await sql.query(`INSERT INTO customer_activity SELECT customer_id, min(occurred_at), max(occurred_at) FROM timeline_event GROUP BY customer_id`);
}
