import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merging and unmerging customers, and fuzzy search.
 * - A merged customer stays as a row pointing at its survivor (`merged_into`, always the live
 *   root) so its id keeps resolving.
 * - `origin_customer_id` on events, identifiers and consent changes remembers whose they were
 *   before any merge moved them (NULL: never moved), which is what unmerge gives back.
 * - `customer_merge` is the ledger: every merge, with the profiles before and after it.
 */
export class CustomerMerges1763990000000 implements MigrationInterface {
  name = 'CustomerMerges1763990000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await db.query(`ALTER TABLE customer ADD COLUMN merged_into uuid REFERENCES customer (id), ADD COLUMN merged_at timestamptz`);
    await db.query(`CREATE INDEX customer_merged_into ON customer (merged_into) WHERE merged_into IS NOT NULL`);
    await db.query(`ALTER TABLE timeline_event ADD COLUMN origin_customer_id uuid REFERENCES customer (id)`);
    await db.query(`ALTER TABLE customer_identifier ADD COLUMN origin_customer_id uuid REFERENCES customer (id)`);
    await db.query(`ALTER TABLE consent_change ADD COLUMN origin_customer_id uuid REFERENCES customer (id)`);

    await db.query(`
      CREATE TABLE customer_merge (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        survivor_id uuid NOT NULL REFERENCES customer (id),
        merged_id uuid NOT NULL REFERENCES customer (id),
        merged_at timestamptz NOT NULL DEFAULT now(),
        unmerged_at timestamptz,
        survivor_before jsonb NOT NULL,
        merged_before jsonb NOT NULL,
        survivor_after jsonb NOT NULL,
        source text
      )`);
    await db.query(`CREATE UNIQUE INDEX customer_merge_active ON customer_merge (merged_id) WHERE unmerged_at IS NULL`);
    await db.query(`CREATE INDEX customer_merge_survivor ON customer_merge (survivor_id) WHERE unmerged_at IS NULL`);

    // Fuzzy name search and partial identifier search.
    await db.query(`CREATE INDEX customer_name_trgm ON customer USING gin (display_name gin_trgm_ops) WHERE merged_into IS NULL`);
    await db.query(`CREATE INDEX customer_identifier_value_trgm ON customer_identifier USING gin (value gin_trgm_ops)`);
    await db.query(`CREATE INDEX customer_identifier_value ON customer_identifier (value)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX customer_identifier_value`);
    await db.query(`DROP INDEX customer_identifier_value_trgm`);
    await db.query(`DROP INDEX customer_name_trgm`);
    await db.query(`DROP TABLE customer_merge`);
    await db.query(`ALTER TABLE consent_change DROP COLUMN origin_customer_id`);
    await db.query(`ALTER TABLE customer_identifier DROP COLUMN origin_customer_id`);
    await db.query(`ALTER TABLE timeline_event DROP COLUMN origin_customer_id`);
    await db.query(`DROP INDEX customer_merged_into`);
    await db.query(`ALTER TABLE customer DROP COLUMN merged_at, DROP COLUMN merged_into`);
  }
}
