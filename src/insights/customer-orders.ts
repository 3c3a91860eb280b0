import type { Sql } from '../db/database';

/**
 * Each customer's paid orders, from their purchase events: an order is a (source, orderNumber);
 * it counts when it was ever PAID or FULFILLED, at the total of its latest such event; each
 * REFUNDED event takes its total back (a partial refund sends the amount refunded); an order whose
 * latest event is CANCELLED is kept but marked cancelled; PLACED alone is no order. `customer_order`
 * holds the result, and every write that changes a customer's purchases refreshes it here.
 */
const ORDERS_OF = (filter: string) => `
  SELECT customer_id, order_key,
         (array_agg(currency ORDER BY occurred_at DESC, id DESC) FILTER (WHERE status IN ('PAID','FULFILLED')))[1] AS currency,
         (array_agg(amount ORDER BY occurred_at DESC, id DESC) FILTER (WHERE status IN ('PAID','FULFILLED')))[1] AS paid,
         coalesce(sum(amount) FILTER (WHERE status = 'REFUNDED'), 0) AS refunded,
         (array_agg(status ORDER BY occurred_at DESC, id DESC))[1] = 'CANCELLED' AS cancelled,
         min(occurred_at) FILTER (WHERE status IN ('PAID','FULFILLED')) AS purchased_at,
         (array_agg(channel ORDER BY occurred_at, id) FILTER (WHERE status IN ('PAID','FULFILLED')))[1] AS channel
  FROM (SELECT e.id, e.customer_id, coalesce(e.source, '') || '|' || (e.details->>'orderNumber') AS order_key, e.details->>'status' AS status,
               e.details->'total'->>'currency' AS currency, (e.details->'total'->>'amount')::numeric AS amount, e.occurred_at, e.channel
        FROM timeline_event e WHERE e.kind = 'PURCHASE' AND ${filter}) p
  GROUP BY customer_id, order_key
  HAVING count(*) FILTER (WHERE status IN ('PAID','FULFILLED')) > 0`;

const COLUMNS = 'customer_id, order_key, currency, paid, refunded, cancelled, purchased_at, channel';

/** Works out these orders of these customers again (every order of theirs when `orderKeys` is null). Two statements. */
export async function refreshCustomerOrders(sql: Sql, customerKeys: readonly string[], orderKeys: readonly string[] | null = null): Promise<void> {
  if (customerKeys.length === 0) return;
  const customers = [...new Set(customerKeys)];
  if (orderKeys) {
    const keys = [...new Set(orderKeys)];
    await sql.query(`DELETE FROM customer_order WHERE customer_id = ANY($1::uuid[]) AND order_key = ANY($2::text[])`, [customers, keys]);
    await sql.query(
      `INSERT INTO customer_order (${COLUMNS}) ${ORDERS_OF(`e.customer_id = ANY($1::uuid[]) AND (coalesce(e.source, '') || '|' || (e.details->>'orderNumber')) = ANY($2::text[])`)}`,
      [customers, keys],
    );
    return;
  }
  await sql.query(`DELETE FROM customer_order WHERE customer_id = ANY($1::uuid[])`, [customers]);
  await sql.query(`INSERT INTO customer_order (${COLUMNS}) ${ORDERS_OF('e.customer_id = ANY($1::uuid[])')}`, [customers]);
}

/** The order an event's details name, as `customer_order.order_key` keys it. */
export function orderKeyOf(source: string | null, orderNumber: unknown): string {
  return `${source ?? ''}|${String(orderNumber)}`;
}

/** Every customer's orders anew (after a bulk load that bypassed recordings). */
export async function rebuildCustomerOrders(sql: Sql): Promise<void> {
  await sql.query(`DELETE FROM customer_order`);
  await sql.query(`INSERT INTO customer_order (${COLUMNS}) ${ORDERS_OF('true')}`);
}
