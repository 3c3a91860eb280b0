import { Role, Scope } from '../core/access-scopes';
import { UserError, UserErrorCode, UserInputProblem } from '../core/errors';
import type { Database, Sql } from '../db/database';
import { apiKeyHash, apiKeyHint, newApiKeySecret } from './api-key-token';

/** An `api_key` row, less its hash. */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role | null;
  scopes: Scope[];
  hint: string;
  budget_capacity: number | null;
  budget_refill_per_second: number | null;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  demo: boolean;
}

const COLUMNS = `id, name, role, scopes, hint, budget_capacity, budget_refill_per_second, created_by, created_at, expires_at, last_used_at, revoked_at, demo`;

export interface NewApiKey {
  name: string;
  role: Role | null;
  scopes: Scope[];
  expiresAt: Date | null;
  budget?: { capacity: number; refillPerSecond: number } | null;
  /** Who creates it: a viewer id, `cli` or `demo`. */
  createdBy: string;
  demo?: boolean;
}

/** How often the last use of keys is written: one statement for every key used since, not one per request. */
const LAST_USED_FLUSH_MS = 30_000;

/** API keys: created (the secret is shown once), looked up by their hash, listed, revoked. */
export class ApiKeyService {
  private readonly usedSince = new Map<string, Date>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    /** The budget of keys that have none of their own. */
    readonly defaults: { capacity: number; refillPerSecond: number },
  ) {}

  /** Validates and stores a key; answers the row and its secret, which is never stored or shown again. */
  async create(key: NewApiKey, sql: Sql = this.db): Promise<{ row: ApiKeyRow; secret: string }> {
    const errors: UserError[] = [];
    const name = key.name.trim();
    if (name.length === 0 || name.length > 100 || !name.isWellFormed() || name.includes('\u0000')) {
      errors.push(UserError.of(UserErrorCode.INVALID, 'A key needs a name of 1 to 100 characters.', ['input', 'name']));
    }
    if (!key.role && key.scopes.length === 0) errors.push(UserError.of(UserErrorCode.REQUIRED, 'Give the key a role, scopes, or both.', ['input', 'role']));
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) errors.push(UserError.of(UserErrorCode.OUT_OF_RANGE, '`expiresAt` must be in the future.', ['input', 'expiresAt']));
    if (key.budget && (key.budget.capacity < 1 || key.budget.refillPerSecond < 1)) {
      errors.push(UserError.of(UserErrorCode.OUT_OF_RANGE, 'A budget needs a capacity and a refill of at least 1.', ['input', 'budget']));
    }
    if (errors.length > 0) throw new UserInputProblem(errors);
    const secret = newApiKeySecret();
    const [row] = await sql.query<ApiKeyRow>(
      `INSERT INTO api_key (name, role, scopes, secret_hash, hint, budget_capacity, budget_refill_per_second, created_by, expires_at, demo)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [name, key.role, [...new Set(key.scopes)], apiKeyHash(secret), apiKeyHint(secret), key.budget?.capacity ?? null, key.budget?.refillPerSecond ?? null, key.createdBy, key.expiresAt, key.demo ?? false],
    );
    return { row, secret };
  }

  /** The key a secret names, revoked and expired ones included (the caller decides); null when none. */
  async findBySecret(secret: string): Promise<ApiKeyRow | null> {
    const [row] = await this.db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_key WHERE secret_hash = $1`, [apiKeyHash(secret)]);
    return row ?? null;
  }

  async byId(id: string): Promise<ApiKeyRow | null> {
    const [row] = await this.db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_key WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Revokes a key (idempotently: revoking twice keeps the first time); null when no key has the id. */
  async revoke(id: string): Promise<ApiKeyRow | null> {
    const [row] = await this.db.query<ApiKeyRow>(
      `UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return row ?? null;
  }

  /** Keys newest first, keyset-paged by (created_at, id). */
  async list(limit: number, after: { createdAt: string; id: string } | null): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_key
       WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? null, limit],
    );
  }

  /** Which of these keys can no longer be used (revoked, expired, or gone). */
  async unusable(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.query<{ id: string }>(
      `SELECT wanted.id FROM unnest($1::uuid[]) AS wanted(id) LEFT JOIN api_key k ON k.id = wanted.id
       WHERE k.id IS NULL OR k.revoked_at IS NOT NULL OR (k.expires_at IS NOT NULL AND k.expires_at <= now())`,
      [[...ids]],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Remembers that a key was used; written in one statement for all keys every 30 s (and on stop). */
  noteUse(id: string): void {
    this.usedSince.set(id, new Date());
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flushUse().catch(() => undefined), LAST_USED_FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  async flushUse(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.usedSince.size === 0) return;
    const used = [...this.usedSince];
    this.usedSince.clear();
    await this.db.query(
      `UPDATE api_key k SET last_used_at = u.at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
       WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`,
      [used.map(([id]) => id), used.map(([, at]) => at)],
    );
  }
}
