import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What metrics read, shaped for reading:
 * `customer_activity`: each customer's first and last event, for counting active customers;
 * `customer_order`: each customer's paid orders, worked out from their purchase events (see
 * src/insights/customer-orders.ts for the rules) and kept current by every write that changes a
 * customer's purchases: a recording, a merge, an unmerge, an erasure. Lifetime value, order
 * values and the lifecycle stages of insights and experience metrics are read from it, so a
 * year's metrics do not scan every purchase event. Also: events by time with their customer
 * and channel in the index (active customers counted from the index alone), and purchases by order.
 */
export class MetricReadModels1764700000000 implements MigrationInterface {
  name = 'MetricReadModels1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE customer_order (
        customer_id uuid NOT NULL REFERENCES customer (id),
        order_key text NOT NULL,
        currency text NOT NULL,
        paid numeric NOT NULL,
        refunded numeric NOT NULL,
        cancelled boolean NOT NULL,
        purchased_at timestamptz NOT NULL,
        channel text NOT NULL,
        PRIMARY KEY (customer_id, order_key)
      )`);
    await db.query(`CREATE INDEX customer_order_purchased ON customer_order (purchased_at)`);
    await db.query(`CREATE INDEX timeline_event_purchase_order ON timeline_event (customer_id, (coalesce(source, '') || '|' || (details->>'orderNumber'))) WHERE kind = 'PURCHASE'`);
    await db.query(`DROP INDEX timeline_event_occurred`);
    await db.query(`CREATE INDEX timeline_event_occurred ON timeline_event (occurred_at) INCLUDE (customer_id, channel)`);
    // Cases' figures by when they opened and resolved, and a case's last response by its id, each
    // from its index alone.
    await db.query(`DROP INDEX support_case_opened`);
    await db.query(`DROP INDEX support_case_resolved`);
    await db.query(`CREATE INDEX support_case_opened ON support_case (opened_at) INCLUDE (channels, first_response_at, resolved_at, reopen_count)`);
    await db.query(`CREATE INDEX support_case_resolved ON support_case (resolved_at) INCLUDE (opened_at, channels, contact_count, reopen_count) WHERE resolved_at IS NOT NULL`);
    await db.query(`CREATE INDEX support_case_response ON support_case (id) INCLUDE (last_response_at)`);
    await db.query(`
      CREATE TABLE customer_activity (
        customer_id uuid PRIMARY KEY REFERENCES customer (id),
        first_event_at timestamptz NOT NULL,
        last_event_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX customer_activity_last ON customer_activity (last_event_at) INCLUDE (first_event_at)`);
    await db.query(`INSERT INTO customer_activity SELECT customer_id, min(occurred_at), max(occurred_at) FROM timeline_event GROUP BY customer_id`);
    await db.query(`
      INSERT INTO customer_order (customer_id, order_key, currency, paid, refunded, cancelled, purchased_at, channel)
      SELECT customer_id, order_key,
             (array_agg(currency ORDER BY occurred_at DESC, id DESC) FILTER (WHERE status IN ('PAID','FULFILLED')))[1],
             (array_agg(amount ORDER BY occurred_at DESC, id DESC) FILTER (WHERE status IN ('PAID','FULFILLED')))[1],
             coalesce(sum(amount) FILTER (WHERE status = 'REFUNDED'), 0),
             (array_agg(status ORDER BY occurred_at DESC, id DESC))[1] = 'CANCELLED',
             min(occurred_at) FILTER (WHERE status IN ('PAID','FULFILLED')),
             (array_agg(channel ORDER BY occurred_at, id) FILTER (WHERE status IN ('PAID','FULFILLED')))[1]
      FROM (SELECT e.id, e.customer_id, coalesce(e.source, '') || '|' || (e.details->>'orderNumber') AS order_key, e.details->>'status' AS status,
                   e.details->'total'->>'currency' AS currency, (e.details->'total'->>'amount')::numeric AS amount, e.occurred_at, e.channel
            FROM timeline_event e WHERE e.kind = 'PURCHASE') p
      GROUP BY customer_id, order_key
      HAVING count(*) FILTER (WHERE status IN ('PAID','FULFILLED')) > 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE customer_activity`);
    await db.query(`DROP INDEX support_case_response`);
    await db.query(`DROP INDEX support_case_resolved`);
    await db.query(`DROP INDEX support_case_opened`);
    await db.query(`CREATE INDEX support_case_opened ON support_case (opened_at)`);
    await db.query(`CREATE INDEX support_case_resolved ON support_case (resolved_at) WHERE resolved_at IS NOT NULL`);
    await db.query(`DROP INDEX timeline_event_occurred`);
    await db.query(`CREATE INDEX timeline_event_occurred ON timeline_event (occurred_at)`);
    await db.query(`DROP INDEX timeline_event_purchase_order`);
    await db.query(`DROP TABLE customer_order`);
  }
}
