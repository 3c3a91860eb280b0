import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy requests:
 * - `audit_entry.reason`: the operator's words for an erasure (a ticket or request reference),
 *   kept with its audit entry; the API documents that it is not the place for personal data;
 * - the key of the suppressed identifiers' hashes, made here once (two random UUIDs: 244 random
 *   bits from PostgreSQL's strong random source), for deployments that give no PRIVACY_HASH_KEY.
 */
export class PrivacyRequests1764300000000 implements MigrationInterface {
  name = 'PrivacyRequests1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_entry ADD COLUMN reason text`);
    await db.query(
      `INSERT INTO server_secret (name, secret)
       VALUES ('suppressed-identifier-hash', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'))
       ON CONFLICT (name) DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM server_secret WHERE name = 'suppressed-identifier-hash'`);
    await db.query(`ALTER TABLE audit_entry DROP COLUMN reason`);
  }
}
