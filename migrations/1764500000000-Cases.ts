import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases: one issue of a customer across channels.
 * - `support_case` ("case" is an SQL keyword): the case and its figures, which are derived from
 *   its history and its events by the service after every change (never written by hand);
 * - `case_history`: every change to a case, append-only. Only an erasure may rewrite it, and
 *   only the values it redacts (it sets `customer_timeline.erasing` for its transaction);
 * - `timeline_event.case_id` and `case_rule`: the case an interaction belongs to, and the rule
 *   that put it there;
 * - an index on e-mail and message thread ids, for rule 2 (same thread, same case).
 */
export class Cases1764500000000 implements MigrationInterface {
  name = 'Cases1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE support_case (
        id uuid PRIMARY KEY,
        number integer GENERATED ALWAYS AS IDENTITY UNIQUE,
        customer_id uuid NOT NULL REFERENCES customer (id),
        origin_customer_id uuid REFERENCES customer (id),
        follows_case_id uuid REFERENCES support_case (id),
        subject text NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN','PENDING','RESOLVED','CLOSED')),
        agent_id text,
        opened_at timestamptz NOT NULL,
        first_response_at timestamptz,
        last_response_at timestamptz,
        resolved_at timestamptz,
        reopen_count integer NOT NULL DEFAULT 0,
        contact_count integer NOT NULL DEFAULT 0,
        channels text[] NOT NULL DEFAULT '{}',
        last_activity_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX support_case_customer ON support_case (customer_id, opened_at DESC, id DESC)`);
    await db.query(`CREATE INDEX support_case_opened ON support_case (opened_at)`);
    await db.query(`CREATE INDEX support_case_resolved ON support_case (resolved_at) WHERE resolved_at IS NOT NULL`);
    await db.query(`CREATE INDEX support_case_live ON support_case (customer_id) WHERE status <> 'CLOSED'`);

    await db.query(`
      CREATE TABLE case_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES support_case (id),
        at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        change text NOT NULL CHECK (change IN ('OPENED','STATUS','REOPENED','SUBJECT','AGENT','EVENT_ADDED','EVENT_REMOVED')),
        status text CHECK (status IN ('OPEN','PENDING','RESOLVED','CLOSED')),
        value text,
        event_id bigint,
        rule text,
        actor text NOT NULL
      )`);
    await db.query(`CREATE INDEX case_history_case ON case_history (case_id, at, id)`);
    await db.query(`
      CREATE FUNCTION case_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('customer_timeline.erasing', true) = 'on' THEN RETURN NEW; END IF;
        RAISE EXCEPTION 'case_history is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history FOR EACH ROW EXECUTE FUNCTION case_history_append_only()`);
    await db.query(`CREATE TRIGGER case_history_no_truncate BEFORE TRUNCATE ON case_history FOR EACH STATEMENT EXECUTE FUNCTION case_history_append_only()`);

    await db.query(`
      ALTER TABLE timeline_event
        ADD COLUMN case_id uuid REFERENCES support_case (id),
        ADD COLUMN case_rule text CHECK (case_rule IN ('EXPLICIT','THREAD','OPEN_CASE','RECENTLY_RESOLVED','NEW_CASE','ABOUT_EVENT','OPENED_WITH','MOVED'))`);
    await db.query(`CREATE INDEX timeline_event_case ON timeline_event (case_id, occurred_at DESC, id DESC) WHERE case_id IS NOT NULL`);
    await db.query(`CREATE INDEX timeline_event_thread ON timeline_event (customer_id, (details->>'threadId')) WHERE details->>'threadId' IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX timeline_event_thread`);
    await db.query(`ALTER TABLE timeline_event DROP COLUMN case_rule, DROP COLUMN case_id`);
    await db.query(`DROP TABLE case_history`);
    await db.query(`DROP FUNCTION case_history_append_only()`);
    await db.query(`DROP TABLE support_case`);
  }
}
