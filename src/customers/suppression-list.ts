import { createHmac } from 'node:crypto';
import type { Sql } from '../db/database';
import { identityKey } from './identity-matching';
import type { NormalisedIdentifier } from './identifier-normalisation';

/** The `server_secret` row holding the hash key when PRIVACY_HASH_KEY gives none (made by a migration). */
const SECRET_NAME = 'suppressed-identifier-hash';

/**
 * Identifiers of erased customers who asked not to be recorded again, kept only as keyed hashes
 * (HMAC-SHA256 of kind, namespace and normalised value): a write can be refused for naming one,
 * and the stored hashes give no value back without the key. The key is PRIVACY_HASH_KEY, or one
 * a migration made and kept in the database (which a real deployment should not rely on: with the key
 * next to the hashes, short values such as phone numbers can be found by trying them all).
 */
export class SuppressionList {
  private key: Promise<Buffer> | null = null;

  constructor(private readonly configuredKey: string | undefined) {}

  /** Which of these identifiers are suppressed, by identityKey. One statement (two the first time, to read the key). */
  async suppressedAmong(sql: Sql, identifiers: readonly NormalisedIdentifier[]): Promise<Set<string>> {
    if (identifiers.length === 0) return new Set();
    const key = await this.hashKey(sql);
    const byHash = new Map(identifiers.map((identifier) => [hashOf(key, identifier).toString('hex'), identityKey(identifier)]));
    const rows = await sql.query<{ hash: string }>(`SELECT encode(hash, 'hex') AS hash FROM suppressed_identifier WHERE hash = ANY($1::bytea[])`, [
      [...byHash.keys()].map((hex) => Buffer.from(hex, 'hex')),
    ]);
    return new Set(rows.map((row) => byHash.get(row.hash)!));
  }

  /** Adds these identifiers' hashes, inside the caller's transaction. */
  async suppress(sql: Sql, identifiers: readonly NormalisedIdentifier[]): Promise<void> {
    if (identifiers.length === 0) return;
    const key = await this.hashKey(sql);
    await sql.query(
      `INSERT INTO suppressed_identifier (hash, kind) SELECT * FROM unnest($1::bytea[], $2::text[]) ON CONFLICT (hash) DO NOTHING`,
      [identifiers.map((identifier) => hashOf(key, identifier)), identifiers.map((identifier) => identifier.kind)],
    );
  }

  /** The configured key, or the one the migrations stored; read once, on whichever connection asks first. */
  private hashKey(sql: Sql): Promise<Buffer> {
    if (this.configuredKey) return Promise.resolve(Buffer.from(this.configuredKey, 'utf8'));
    this.key ??= sql
      .query<{ secret: Buffer }>(`SELECT secret FROM server_secret WHERE name = $1`, [SECRET_NAME])
      .then(([row]) => {
        if (!row) throw new Error(`server_secret ${SECRET_NAME} is missing; the migrations make it`);
        return row.secret;
      })
      .catch((error) => {
        this.key = null;
        throw error;
      });
    return this.key;
  }
}

function hashOf(key: Buffer, identifier: NormalisedIdentifier): Buffer {
  return createHmac('sha256', key).update(`${identifier.kind}\u0000${identifier.namespace}\u0000${identifier.value}`).digest();
}
