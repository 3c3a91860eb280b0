import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers, the identifiers that reach them, their consents, and one table of timeline events.
 * Events of every kind share a table so a timeline page is one index range scan; each kind's
 * own fields live in `details`.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE customer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        display_name text NOT NULL,
        given_name text,
        family_name text,
        locale text,
        time_zone text,
        preferred_channel text CHECK (preferred_channel IN ('PHONE','EMAIL','SOCIAL','SMS','CHAT','WEB','IN_STORE')),
        language text,
        contact_hours text,
        notes text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE customer_identifier (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer (id),
        kind text NOT NULL CHECK (kind IN ('EMAIL','PHONE','SOCIAL','EXTERNAL_ID')),
        namespace text NOT NULL DEFAULT '',
        value text NOT NULL CHECK (value <> ''),
        verified boolean NOT NULL DEFAULT false,
        source text,
        added_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customer_identifier_unique UNIQUE (kind, namespace, value)
      )`);
    await db.query(`CREATE INDEX customer_identifier_customer ON customer_identifier (customer_id)`);

    await db.query(`
      CREATE TABLE consent (
        customer_id uuid NOT NULL REFERENCES customer (id),
        channel text NOT NULL CHECK (channel IN ('PHONE','EMAIL','SOCIAL','SMS','CHAT','WEB','IN_STORE')),
        granted boolean NOT NULL,
        source text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, channel)
      )`);

    await db.query(`
      CREATE TABLE consent_change (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer (id),
        channel text NOT NULL,
        granted boolean NOT NULL,
        source text,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX consent_change_customer_channel ON consent_change (customer_id, channel, changed_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE timeline_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer (id),
        kind text NOT NULL CHECK (kind IN ('CALL','EMAIL','SOCIAL_MESSAGE','PURCHASE','SURVEY_RESPONSE')),
        channel text NOT NULL CHECK (channel IN ('PHONE','EMAIL','SOCIAL','SMS','CHAT','WEB','IN_STORE')),
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        direction text CHECK (direction IN ('INBOUND','OUTBOUND')),
        summary text NOT NULL,
        source text,
        external_id text,
        agent_id text,
        details jsonb NOT NULL
      )`);
    // Newest-first keyset pagination per customer reads this index in order and stops early.
    await db.query(`CREATE INDEX timeline_event_customer_order ON timeline_event (customer_id, occurred_at DESC, id DESC)`);
    // (source, externalId) makes a write idempotent; an event without a source has source ''.
    await db.query(
      `CREATE UNIQUE INDEX timeline_event_source_external_id ON timeline_event ((coalesce(source, '')), external_id) WHERE external_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE timeline_event`);
    await db.query(`DROP TABLE consent_change`);
    await db.query(`DROP TABLE consent`);
    await db.query(`DROP TABLE customer_identifier`);
    await db.query(`DROP TABLE customer`);
  }
}
