import http from 'node:http';
import { newApiKeySecret } from '../src/access/api-key-token';
import { Role } from '../src/core/access-scopes';
import { USER_ERRORS } from './support/fragments';
import { openRawSocket, sleep } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const REFUSED = { errors: [{ message: expect.stringContaining('Authorization: Bearer'), extensions: { code: 'UNAUTHENTICATED' } }] };

async function ask(authorization: string | null, init: { method?: string; query?: string } = {}) {
  const method = init.method ?? 'POST';
  const query = init.query ?? '{ viewer { name } }';
  const url = method === 'GET' ? `${server.url}?query=${encodeURIComponent(query)}` : server.url;
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...(authorization === null ? {} : { authorization }) },
    body: method === 'GET' ? undefined : JSON.stringify({ query }),
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
}

const withWrongChecksum = (secret: string) => `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;

/** A key created and then made to have expired, without ever being used (so no server has cached it). */
async function expiredKey(): Promise<string> {
  const key = await server.createKey({ role: Role.ADMIN, expiresAt: new Date(Date.now() + 60_000) });
  await server.db.query(`UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
  return key.secret;
}

describe('a request without a valid credential', () => {
  it.each([
    ['no Authorization header', async () => null],
    ['another scheme', async () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['Bearer and nothing', async () => 'Bearer '],
    ['a token of another shape', async () => 'Bearer not-a-key'],
    ['a key whose checksum is wrong', async () => `Bearer ${withWrongChecksum(newApiKeySecret())}`],
    ['a well-formed key nobody issued', async () => `Bearer ${newApiKeySecret()}`],
    ['a JWT while company login is off', async () => 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    ['an expired key', async () => `Bearer ${await expiredKey()}`],
  ])('gets 401 UNAUTHENTICATED and nothing else: %s', async (_, authorization) => {
    const header = await authorization();
    for (const method of ['POST', 'GET']) {
      const answer = await ask(header, { method });
      expect(answer).toEqual({ status: 401, challenge: 'Bearer realm="customer-timeline"', body: REFUSED });
    }
  });

  it('gets 401 for a key revoked a moment ago, at once on the server that revoked it', async () => {
    const key = await server.createKey({ role: Role.AGENT });
    expect((await ask(`Bearer ${key.secret}`)).status).toBe(200);
    const revoked = await server.data(`mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } ${USER_ERRORS} } }`, {
      input: { id: Buffer.from(`ApiKey:${key.id}`).toString('base64url') },
    });
    expect(revoked.revokeApiKey.apiKey.revokedAt).toEqual(expect.any(String));
    expect(await ask(`Bearer ${key.secret}`)).toMatchObject({ status: 401, body: REFUSED });
  });

  it('is refused from its headers, before its body is read', async () => {
    // Announce 9 MiB, send 1 KiB, and wait: the answer comes without the rest.
    const { hostname, port, pathname } = new URL(server.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ hostname, port, path: pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(9 * 1024 * 1024) } }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      request.write(`{"query":"${'x'.repeat(1024)}`);
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual(REFUSED);
  });

  it('leaves the health endpoints open, which hold no data', async () => {
    expect((await fetch(server.url.replace('/graphql', '/healthz'))).status).toBe(200);
    expect((await fetch(server.url.replace('/graphql', '/readyz'))).status).toBe(200);
  });
});

describe('a WebSocket without a valid credential', () => {
  it.each([
    ['no payload', null],
    ['no authorization in the payload', {}],
    ['a key nobody issued', { authorization: `Bearer ${newApiKeySecret()}` }],
    ['a malformed token', { authorization: 'Bearer nope' }],
  ])('is closed with 4403: %s', async (_, payload) => {
    const { socket, messages, closed } = await openRawSocket(server.url);
    socket.send(JSON.stringify(payload === null ? { type: 'connection_init' } : { type: 'connection_init', payload }));
    expect((await closed).code).toBe(4403);
    expect(messages).toEqual([]);
  });

  it('gets connection_ack with a valid key, and cannot subscribe before it', async () => {
    const key = await server.createKey({ role: Role.ANALYST });
    const { socket, messages, closed } = await openRawSocket(server.url);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key.secret}` } }));
    for (let waited = 0; messages.length === 0 && waited < 5000; waited += 20) await sleep(20);
    expect(messages).toEqual([{ type: 'connection_ack' }]);
    socket.close(1000);
    await closed;

    const early = await openRawSocket(server.url);
    early.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { customerChanged { kind } }' } }));
    expect((await early.closed).code).toBe(4401);
  });
});
