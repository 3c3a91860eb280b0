import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { Role, Scope } from '../core/access-scopes';
import { serviceUnavailable } from '../core/errors';

export interface JwtSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Claim holding the role, e.g. "AGENT" (AUTH_JWT_ROLE_CLAIM). */
  roleClaim: string;
}

/** Signature algorithms accepted; `none` and HMAC (a shared secret the issuer would hold) are not. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

export interface VerifiedToken {
  subject: string;
  name: string;
  role: Role | null;
  scopes: Scope[];
  expiresAt: Date | null;
}

/**
 * OpenID Connect access or ID tokens from the company login of an agent console: the signature
 * checked against the issuer's JWKS (fetched once and cached; refetched when a token names a key
 * it does not know, at most every 30 s), `iss`, `aud`, `exp` and `nbf` checked with 30 s of clock
 * tolerance. The role comes from `roleClaim`; scopes from `scope` (space-separated, as OAuth 2
 * writes it) or `scp` (a list), in this API's scope names, either case.
 */
export class JwtVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: JwtSettings) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 3000 });
  }

  /**
   * The token's claims when it verifies; null when it does not (the reason is not the caller's
   * business). Throws SERVICE_UNAVAILABLE when the issuer's keys cannot be fetched: the token may
   * be fine, so the caller should retry rather than sign in again.
   */
  async verify(token: string): Promise<VerifiedToken | null> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: JWT_ALGORITHMS,
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (isBadToken(error)) return null;
      throw serviceUnavailable("The company login's signing keys cannot be fetched right now; retry in a few seconds.");
    }
    const roleValue = String(payload[this.settings.roleClaim] ?? '').toUpperCase();
    const role = (Object.values(Role) as string[]).includes(roleValue) ? (roleValue as Role) : null;
    const listed = typeof payload.scope === 'string' ? payload.scope.split(/\s+/) : Array.isArray(payload.scp) ? payload.scp.map(String) : [];
    const scopes = listed.map((scope) => scope.toUpperCase()).filter((scope): scope is Scope => (Object.values(Scope) as string[]).includes(scope));
    const name = typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub!;
    return { subject: payload.sub!, name, role, scopes, expiresAt: payload.exp ? new Date(payload.exp * 1000) : null };
  }
}

/** jose's codes for a token that is wrong in itself; anything else is the issuer's keys failing to arrive. */
const BAD_TOKEN = /^ERR_(JWT_|JWS_|JOSE_ALG_NOT_ALLOWED|JOSE_NOT_SUPPORTED|JWKS_NO_MATCHING_KEY|JWKS_MULTIPLE_MATCHING_KEYS)/;

function isBadToken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && BAD_TOKEN.test(code);
}
