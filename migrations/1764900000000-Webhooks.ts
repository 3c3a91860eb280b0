import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks and their outbox. A change's transaction writes one `webhook_delivery` per webhook
 * that wants it, so nothing committed is lost by a crash before it is sent. Its `id` follows
 * insertion, which for one customer is commit order (a customer's writes take its lock), and the
 * dispatcher sends a webhook's deliveries for one customer in that order. A bigint that only
 * grows keeps the outbox's inserts cheap: every recording writes into it.
 */
export class Webhooks1764900000000 implements MigrationInterface {
  name = 'Webhooks1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        topics text[] NOT NULL CHECK (cardinality(topics) > 0 AND topics <@ ARRAY['TIMELINE_EVENT_ADDED','CUSTOMER_CHANGED','CASE_CHANGED']),
        customer_id uuid REFERENCES customer (id),
        kinds text[],
        channels text[],
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        state text NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'PAUSED', 'DISABLED', 'DELETED')),
        state_reason text,
        state_changed_at timestamptz,
        includes_personal_data boolean NOT NULL,
        created_by text NOT NULL,
        consecutive_failures integer NOT NULL DEFAULT 0,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Changes are written for webhooks that may still send: active ones and paused ones (resumed, they send what they missed).
    await db.query(`CREATE INDEX webhook_receiving ON webhook (id) INCLUDE (topics, customer_id, kinds, channels) WHERE state IN ('ACTIVE', 'PAUSED')`);
    await db.query(`
      CREATE TABLE webhook_delivery (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        webhook_id uuid NOT NULL REFERENCES webhook (id),
        topic text NOT NULL,
        customer_id uuid NOT NULL,
        change jsonb NOT NULL,
        state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
        attempt integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_status integer,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX webhook_delivery_pending ON webhook_delivery (webhook_id, customer_id, id) WHERE state = 'PENDING'`);
    await db.query(`CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE state = 'PENDING'`);
    await db.query(`CREATE INDEX webhook_delivery_history ON webhook_delivery (webhook_id, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_delivery`);
    await db.query(`DROP TABLE webhook`);
  }
}
