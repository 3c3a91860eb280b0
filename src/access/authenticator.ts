import { grantedScopes } from '../core/access-scopes';
import type { Viewer } from '../core/viewer';
import { toGlobalId } from '../relay/global-id';
import { apiKeyHash, isWellFormedApiKey, looksLikeApiKey } from './api-key-token';
import type { ApiKeyRow, ApiKeyService } from './api-keys.service';
import type { JwtVerifier } from './jwt-verifier';

/** The query budget of each kind of credential, unless a key sets its own (see the README's "Budgets"). */
export interface BudgetDefaults {
  apiKey: { capacity: number; refillPerSecond: number };
  jwt: { capacity: number; refillPerSecond: number };
}

/**
 * How long a verified key is trusted before it is read again: revoking a key takes effect on
 * every server process within this time (at once on the one that revoked it).
 */
export const KEY_CACHE_MS = 5000;
const KEY_CACHE_SIZE = 10_000;

/**
 * Turns an `Authorization` header into the viewer it names, or null: no header, a malformed
 * one, an unknown, expired or revoked key, a token that does not verify. Keys are checked for
 * shape and checksum before any lookup, so garbage costs no database round trip; a verified key
 * is cached for KEY_CACHE_MS.
 */
export class Authenticator {
  /** Verified keys by the hash of their secret (secrets are not kept). */
  private readonly cache = new Map<string, { viewer: Viewer | null; until: number }>();

  constructor(
    private readonly keys: ApiKeyService,
    private readonly jwt: JwtVerifier | null,
    private readonly budgets: BudgetDefaults,
  ) {}

  async authenticate(authorization: string | null | undefined): Promise<Viewer | null> {
    const token = bearerToken(authorization);
    if (!token) return null;
    if (looksLikeApiKey(token)) return this.apiKey(token);
    if (this.jwt && token.split('.').length === 3) return this.jsonWebToken(token);
    return null;
  }

  private readonly forgetListeners: ((apiKeyId: string) => void)[] = [];

  /** Forgets a key at once (after it was revoked here), and tells those who hold it open (WebSockets). */
  forget(apiKeyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.viewer?.apiKeyId === apiKeyId) this.cache.delete(hash);
    for (const listener of this.forgetListeners) listener(apiKeyId);
  }

  onForget(listener: (apiKeyId: string) => void): void {
    this.forgetListeners.push(listener);
  }

  /** Whether a viewer's credential may still be used now: not expired, and its key not revoked. */
  async stillValid(viewer: Viewer): Promise<boolean> {
    if (viewer.expiresAt && viewer.expiresAt.getTime() <= Date.now()) return false;
    if (!viewer.apiKeyId) return true;
    return !(await this.keys.unusable([viewer.apiKeyId])).has(viewer.apiKeyId);
  }

  private async apiKey(token: string): Promise<Viewer | null> {
    if (!isWellFormedApiKey(token)) return null;
    const now = Date.now();
    const hash = apiKeyHash(token).toString('hex');
    const cached = this.cache.get(hash);
    let viewer: Viewer | null;
    if (cached && cached.until > now) {
      viewer = cached.viewer;
    } else {
      const row = await this.keys.findBySecret(token);
      viewer = row && !row.revoked_at ? this.keyViewer(row) : null;
      if (this.cache.size >= KEY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { viewer, until: now + KEY_CACHE_MS });
    }
    if (!viewer || (viewer.expiresAt && viewer.expiresAt.getTime() <= now)) return null;
    this.keys.noteUse(viewer.apiKeyId!);
    return viewer;
  }

  private async jsonWebToken(token: string): Promise<Viewer | null> {
    const verified = await this.jwt!.verify(token);
    if (!verified) return null;
    return {
      id: toGlobalId('User', verified.subject),
      name: verified.name,
      role: verified.role,
      scopes: grantedScopes(verified.role, verified.scopes),
      credential: 'jwt',
      apiKeyId: null,
      expiresAt: verified.expiresAt,
      budget: this.budgets.jwt,
    };
  }

  private keyViewer(row: ApiKeyRow): Viewer {
    return {
      id: toGlobalId('ApiKey', row.id),
      name: row.name,
      role: row.role,
      scopes: grantedScopes(row.role, row.scopes),
      credential: 'api-key',
      apiKeyId: row.id,
      expiresAt: row.expires_at,
      budget:
        row.budget_capacity && row.budget_refill_per_second ? { capacity: row.budget_capacity, refillPerSecond: row.budget_refill_per_second } : this.budgets.apiKey,
    };
  }
}

/** The token of `Bearer <token>` (the scheme in any case), or null. */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (typeof authorization !== 'string' || authorization.length > 8192) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : null;
}
