import WebSocket from 'ws';
import { Role } from '../src/core/access-scopes';
import { createCustomer } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { sleep, wsUrlOf } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WS_MAX_CONNECTIONS_PER_CREDENTIAL: '2', WS_ALLOWED_ORIGINS: 'https://console.example.com' });
});
afterAll(() => server.stop());

/** A socket that has sent connection_init with `secret`: resolves with what it got, and when it closes. */
function connect(secret: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(wsUrlOf(server.url), 'graphql-transport-ws', { headers });
  const messages: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const upgraded = new Promise<number>((resolve) => {
    socket.once('open', () => resolve(101));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
  });
  socket.on('error', () => undefined);
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${secret}` } })));
  const acknowledged = async () => {
    for (let waited = 0; !messages.some((m) => m.type === 'connection_ack') && waited < 5000; waited += 20) await sleep(20);
    return messages.some((m) => m.type === 'connection_ack');
  };
  return { socket, messages, closed, upgraded, acknowledged };
}

describe('a WebSocket', () => {
  it("from a browser is accepted from this server's own origin and the allowed ones, refused from any other", async () => {
    const key = await server.createKey({ role: Role.AGENT });
    const own = connect(key.secret, { origin: server.origin });
    const allowed = connect(key.secret, { origin: 'https://console.example.com' });
    const foreign = connect(key.secret, { origin: 'https://evil.example.net' });
    expect(await own.upgraded).toBe(101);
    expect(await allowed.upgraded).toBe(101);
    expect(await foreign.upgraded).toBe(403);
    own.socket.close();
    allowed.socket.close();
    await Promise.all([own.closed, allowed.closed]);
  });

  it('is one of at most N per credential on a process (close 1013 beyond); others are not held back', async () => {
    const key = await server.createKey({ role: Role.AGENT });
    const first = connect(key.secret);
    const second = connect(key.secret);
    expect(await first.acknowledged()).toBe(true);
    expect(await second.acknowledged()).toBe(true);
    const third = connect(key.secret);
    expect((await third.closed).code).toBe(1013);
    const someoneElse = connect((await server.createKey({ role: Role.AGENT })).secret);
    expect(await someoneElse.acknowledged()).toBe(true);
    // Closing one frees its place.
    first.socket.close();
    await first.closed;
    const again = connect(key.secret);
    expect(await again.acknowledged()).toBe(true);
    for (const held of [second, someoneElse, again]) held.socket.close();
  });

  it('is closed with 4403 when its key expires', async () => {
    const key = await server.createKey({ role: Role.AGENT, expiresAt: new Date(Date.now() + 1500) });
    const socket = connect(key.secret);
    expect(await socket.acknowledged()).toBe(true);
    const started = Date.now();
    expect((await socket.closed).code).toBe(4403);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('is closed with 4403 at once when its key is revoked here, and within 5 s when revoked elsewhere', async () => {
    const here = await server.createKey({ role: Role.AGENT });
    const elsewhere = await server.createKey({ role: Role.AGENT });
    const customer = await createCustomer(server);
    const a = connect(here.secret);
    const b = connect(elsewhere.secret);
    expect(await a.acknowledged()).toBe(true);
    expect(await b.acknowledged()).toBe(true);
    a.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription ($id: ID) { customerChanged(id: $id) { kind } }', variables: { id: customer.id } } }));

    await server.data(`mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { ${USER_ERRORS} } }`, { input: { id: Buffer.from(`ApiKey:${here.id}`).toString('base64url') } });
    expect((await a.closed).code).toBe(4403);
    // Another process (here: the database itself) revokes the second key.
    await server.db.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1`, [elsewhere.id]);
    const started = Date.now();
    expect((await b.closed).code).toBe(4403);
    expect(Date.now() - started).toBeLessThan(7000);
  }, 15_000);
});
