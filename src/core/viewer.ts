import type { Role, Scope } from './access-scopes';

/** How the caller proved who it is. */
export type CredentialKind = 'api-key' | 'jwt';

/** Who is calling: the credential the request carried, once verified. */
export interface Viewer {
  /** Global id of the credential's holder: the API key's id, or a `User` id made from the token's subject. */
  id: string;
  /** What the audit log and `viewer` show: the key's name, or the token's subject. */
  name: string;
  role: Role | null;
  scopes: ReadonlySet<Scope>;
  credential: CredentialKind;
  /** The key's own id (api-key credentials), for revocation and lastUsedAt. */
  apiKeyId: string | null;
  /** When the credential stops being valid; null for keys without an expiry. */
  expiresAt: Date | null;
  /** Its query budget: points it may hold, and points it gets back per second. */
  budget: { capacity: number; refillPerSecond: number };
}

export function can(viewer: Viewer | null | undefined, scope: Scope): boolean {
  return !!viewer && viewer.scopes.has(scope);
}
