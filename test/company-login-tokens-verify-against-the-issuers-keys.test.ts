import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { createCustomer } from './support/factories';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

const ISSUER = 'https://login.example.com/';
const AUDIENCE = 'customer-timeline';

let server: TestServer;
let jwks: http.Server;
let jwksRequests = 0;
let signingKey: KeyLike;
let strangerKey: KeyLike;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  jwks = http.createServer((req, res) => {
    jwksRequests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  server = await startTestServer({ AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_JWKS_URL: jwksUrl, AUTH_JWT_ROLE_CLAIM: 'https://timeline.example.com/role' });
});
afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => jwks.close(resolve));
});

const now = () => Math.floor(Date.now() / 1000);

function token(claims: Record<string, unknown> = {}, options: { key?: KeyLike; kid?: string; iss?: string; aud?: string; exp?: number | null; nbf?: number } = {}): Promise<string> {
  const jwt = new SignJWT({ preferred_username: 'priya@shop.example', 'https://timeline.example.com/role': 'AGENT', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
    .setSubject('user-123')
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt();
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now() + 300);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(options.key ?? signingKey);
}

const VIEWER = `{ viewer { id name role scopes } }`;

describe('a company-login token', () => {
  it('names the person and their role from the documented claims, and works like a key of that role', async () => {
    const answer = await server.as(await token()).post(VIEWER);
    expect(answer.status).toBe(200);
    expect(answer.body.data.viewer).toEqual({
      id: Buffer.from('User:user-123').toString('base64url'),
      name: 'priya@shop.example',
      role: 'AGENT',
      scopes: ['CASES_WRITE', 'CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'METRICS_READ', 'PII_READ'],
    });
    // A person's budget, not a machine's.
    expect(answer.headers.get('ratelimit-limit')).toBe('20000');
    const customer = await createCustomer(server, { displayName: 'Seen By Priya' });
    expect((await server.as(await token()).data(`query ($id: ID!) { customer(id: $id) { displayName } }`, { id: customer.id })).customer.displayName).toBe('Seen By Priya');
    const { auditLog } = await server.data(`query ($id: ID!) { auditLog(customerId: $id, first: 5) { edges { node { action actor { id name role } } } } }`, { id: customer.id });
    expect(auditLog.edges.map((e: any) => e.node)).toContainEqual({ action: 'READ', actor: { id: Buffer.from('User:user-123').toString('base64url'), name: 'priya@shop.example', role: 'AGENT' } });
  });

  it('takes scopes from `scope` or `scp` instead of a role', async () => {
    const spaced = await server.as(await token({ 'https://timeline.example.com/role': undefined, scope: 'openid customers_read metrics_read' })).data(VIEWER);
    expect(spaced.viewer).toMatchObject({ role: null, scopes: ['CUSTOMERS_READ', 'METRICS_READ'] });
    const listed = await server.as(await token({ 'https://timeline.example.com/role': 'nobody', scp: ['CUSTOMERS_READ'] })).data(VIEWER);
    expect(listed.viewer).toMatchObject({ role: null, scopes: ['CUSTOMERS_READ'] });
  });

  it('fetches the issuer keys once and keeps them', async () => {
    const before = jwksRequests;
    for (let i = 0; i < 5; i++) expect((await server.as(await token()).post(VIEWER)).status).toBe(200);
    expect(jwksRequests - before).toBe(0);
    expect(jwksRequests).toBe(1);
  });

  it.each([
    ['another issuer', () => token({}, { iss: 'https://evil.example.com/' })],
    ['another audience', () => token({}, { aud: 'someone-else' })],
    ['expired (beyond 30 s of clock tolerance)', () => token({}, { exp: now() - 120 })],
    ['not valid yet', () => token({}, { nbf: now() + 120 })],
    ['no expiry at all', () => token({}, { exp: null })],
    ['signed by another key under the same kid', () => token({}, { key: strangerKey })],
    ['a kid the issuer does not have', () => token({}, { kid: 'key-9' })],
    ['alg none', async () => `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-1' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })).toString('base64url')}.`],
    [
      'HS256 with the public key as its secret',
      async () =>
        new SignJWT({ 'https://timeline.example.com/role': 'ADMIN' })
          .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
          .setSubject('x')
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime(now() + 300)
          .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
    ],
    ['a tampered payload', async () => {
      const [header, , signature] = (await token()).split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'user-123', iss: ISSUER, aud: AUDIENCE, exp: now() + 300, 'https://timeline.example.com/role': 'ADMIN' })).toString('base64url');
      return `${header}.${payload}.${signature}`;
    }],
  ])('is refused with 401: %s', async (_, make) => {
    const answer = await server.as(await make()).post(VIEWER);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('is answered 503 SERVICE_UNAVAILABLE, not 401, while the issuer keys cannot be fetched', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cut = await startTestServer({ AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
    try {
      const answer = await cut.as(await token()).post(VIEWER);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toEqual(expect.any(String));
      expect(answer.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      // API keys do not depend on the issuer.
      expect((await cut.post(VIEWER)).status).toBe(200);
    } finally {
      await cut.stop();
    }
  });

  it('opens a WebSocket too', async () => {
    const customer = await createCustomer(server);
    const client = openClient(server.url, { connectionParams: { authorization: `Bearer ${await token()}` } });
    try {
      const changes = subscribe(client, `subscription ($id: ID) { customerChanged(id: $id) { kind } }`, { id: customer.id });
      await untilSubscribed(server, 1);
      await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { userErrors { code } } }`, { input: { id: customer.id, displayName: 'Changed' } });
      expect((await changes.waitFor(1))[0].data).toEqual({ customerChanged: { kind: 'PROFILE_UPDATED' } });
      changes.stop();
    } finally {
      await client.dispose();
    }
  });
});
