import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access control and privacy:
 * - `api_key`: keys are stored only as the SHA-256 of the whole token (they are long random
 *   secrets, so a fast hash is enough), with a short hint to recognise them by;
 * - `audit_entry`: who saw or changed which customer, when, and how it ended. Append-only: a
 *   trigger refuses every UPDATE, DELETE and TRUNCATE, whoever asks;
 * - `suppressed_identifier`: keyed hashes of the identifiers of customers erased with
 *   `suppress: true`, so later writes naming them are refused without keeping the values;
 * - `server_secret`: the key of those hashes when PRIVACY_HASH_KEY does not give one;
 * - `customer.erased_at`: when the customer was erased.
 */
export class AccessAndPrivacy1764200000000 implements MigrationInterface {
  name = 'AccessAndPrivacy1764200000000';

  async up(db: QueryRunner): Promise<void> {
    const roles = `'AGENT','INTEGRATION','ANALYST','ADMIN'`;
    await db.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text CHECK (role IN (${roles})),
        scopes text[] NOT NULL DEFAULT '{}',
        secret_hash bytea NOT NULL UNIQUE,
        hint text NOT NULL,
        budget_capacity integer CHECK (budget_capacity > 0),
        budget_refill_per_second integer CHECK (budget_refill_per_second > 0),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        demo boolean NOT NULL DEFAULT false
      )`);
    await db.query(`CREATE INDEX api_key_listing ON api_key (created_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE audit_entry (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        actor_role text,
        actor_scopes text[] NOT NULL,
        action text NOT NULL CHECK (action IN ('READ','WRITE','EXPORT','ERASE','MERGE','UNMERGE')),
        customer_id uuid,
        operation_name text,
        field text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('OK','USER_ERROR','FORBIDDEN','FAILED'))
      )`);
    await db.query(`CREATE INDEX audit_entry_customer ON audit_entry (customer_id, id DESC) WHERE customer_id IS NOT NULL`);
    await db.query(`CREATE INDEX audit_entry_actor ON audit_entry (actor_id, id DESC)`);
    await db.query(`CREATE INDEX audit_entry_at ON audit_entry (at)`);
    await db.query(`
      CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()`);
    await db.query(`CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()`);

    await db.query(`
      CREATE TABLE suppressed_identifier (
        hash bytea PRIMARY KEY,
        kind text NOT NULL,
        suppressed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE server_secret (
        name text PRIMARY KEY,
        secret bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`ALTER TABLE customer ADD COLUMN erased_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customer DROP COLUMN erased_at`);
    await db.query(`DROP TABLE server_secret`);
    await db.query(`DROP TABLE suppressed_identifier`);
    await db.query(`DROP TABLE audit_entry`);
    await db.query(`DROP FUNCTION audit_entry_append_only()`);
    await db.query(`DROP TABLE api_key`);
  }
}
