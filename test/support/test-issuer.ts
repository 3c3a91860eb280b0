import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';

/**
 * A small OpenID Connect issuer on 127.0.0.1 for tests: discovery, an authorization endpoint that
 * signs the person in at once (or refuses, when told to), a token endpoint that checks the PKCE
 * verifier and answers an RS256 access token, and its keys. CORS is open, as a real issuer's is
 * for a browser client.
 */
export interface TestIssuer {
  /** The issuer URL, as tokens name it and AUTH_JWT_ISSUER must say. */
  issuer: string;
  jwksUrl: string;
  /** Who the next sign-in is, and with which role claim; `refuse` makes the next one fail with access_denied. */
  next: { subject: string; name: string; role: string; refuse?: boolean };
  /** The authorization requests it saw, for checking what the client asked. */
  authorizations: URLSearchParams[];
  stop(): Promise<void>;
}

export async function startTestIssuer(options: { clientId: string; audience: string; roleClaim?: string }): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-issuer-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; redirectUri: string; subject: string; name: string; role: string }>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuerUrl = `${origin}/realms/staff`;
  const state: TestIssuer = {
    issuer: issuerUrl,
    jwksUrl: `${issuerUrl}/keys`,
    next: { subject: 'priya-1', name: 'priya@shop.example', role: 'AGENT' },
    authorizations: [],
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  server.on('request', (req, res) => {
    void answer(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', '*');
    if (req.method === 'OPTIONS') return void res.end();
    const url = new URL(req.url ?? '/', origin);
    const json = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/realms/staff/.well-known/openid-configuration') {
      return json(200, {
        issuer: issuerUrl,
        authorization_endpoint: `${issuerUrl}/authorize`,
        token_endpoint: `${issuerUrl}/token`,
        jwks_uri: state.jwksUrl,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      });
    }
    if (url.pathname === '/realms/staff/keys') return json(200, { keys: [jwk] });
    if (url.pathname === '/realms/staff/authorize') {
      state.authorizations.push(url.searchParams);
      const redirect = new URL(url.searchParams.get('redirect_uri')!);
      redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
      if (state.next.refuse || url.searchParams.get('client_id') !== options.clientId || url.searchParams.get('code_challenge_method') !== 'S256') {
        redirect.searchParams.set('error', 'access_denied');
        redirect.searchParams.set('error_description', 'The administrator has not given you access.');
      } else {
        const code = crypto.randomBytes(16).toString('hex');
        codes.set(code, { challenge: url.searchParams.get('code_challenge')!, redirectUri: redirect.origin + redirect.pathname, ...state.next });
        redirect.searchParams.set('code', code);
      }
      res.statusCode = 302;
      res.setHeader('location', redirect.href);
      return void res.end();
    }
    if (url.pathname === '/realms/staff/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
      if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('client_id') !== options.clientId || form.get('redirect_uri') !== grant.redirectUri || challenge !== grant.challenge) {
        return json(400, { error: 'invalid_grant' });
      }
      const accessToken = await sign(privateKey, { sub: grant.subject, preferred_username: grant.name, [options.roleClaim ?? 'role']: grant.role });
      return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') ?? 'openid' });
    }
    json(404, { error: 'not_found' });
  }

  function sign(key: KeyLike, claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).setIssuer(issuerUrl).setAudience(options.audience).setIssuedAt().setExpirationTime('1h').sign(key);
  }

  return state;
}
