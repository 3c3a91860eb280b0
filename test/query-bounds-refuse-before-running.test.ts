import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { databaseState } from './support/database-state';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { openClient, subscribe, wsUrlOf } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let client: Client;
let customerId: string;
beforeAll(async () => {
  server = await startTestServer({ WS_MAX_CONNECTIONS: '3' });
  client = openClient(server.url);
  customerId = (await createCustomer(server)).id;
});
afterAll(async () => {
  await client.dispose();
  await server.stop();
});

/** customer → timeline → customer → timeline → ... `levels` timelines deep, each page `first`. */
function nested(levels: number, first: number | string): string {
  let inner = 'id displayName';
  for (let i = 0; i < levels; i++) inner = `id timeline(first: ${first}) { edges { node { summary customer { ${inner} } } } }`;
  return inner;
}

const limits = () => ({ depth: server.config.MAX_QUERY_DEPTH, aliases: server.config.MAX_QUERY_ALIASES, cost: server.config.MAX_QUERY_COST, tokens: server.config.MAX_QUERY_TOKENS });

describe('query bounds, checked before anything runs', () => {
  it('refuses a query nested deeper than MAX_QUERY_DEPTH, running no SQL', async () => {
    const answer = await server.post(`query Deep($id: ID!) { customer(id: $id) { ${nested(3, 100)} } }`, { id: customerId });
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', reason: 'MAX_DEPTH', cost: { requested: 14, limit: limits().depth } } }),
    ]);
    expect(answer.body.extensions?.sqlStatements).toBe(0);
  });

  it('refuses a query whose connections multiply past MAX_QUERY_COST, page sizes given as variables included', async () => {
    const query = `query Wide($id: ID!, $n: Int) { customer(id: $id) { ${nested(2, '$n')} } }`;
    const refused = await server.post(query, { id: customerId, n: 100 });
    expect(refused.status).toBe(400);
    const error = refused.body.errors![0];
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAX_COST', cost: { limit: limits().cost } });
    expect(error.extensions!.cost.requested).toBeGreaterThan(limits().cost);
    expect(refused.body.extensions?.sqlStatements).toBe(0);

    // The same document with small pages runs, and says what it cost.
    const allowed = await server.post(query, { id: customerId, n: 5 });
    expect(allowed.status).toBe(200);
    expect(allowed.body.errors).toBeUndefined();
    const cost = allowed.body.extensions!.cost!;
    expect(cost.requested).toBeLessThan(refused.body.errors![0].extensions!.cost.requested);
    expect(cost.limit).toBe(limits().cost);
    expect(cost.actual).toBeGreaterThan(0);
    expect(cost.actual).toBeLessThanOrEqual(cost.requested);
    // What is left of the credential's budget, in the answer and in its headers.
    expect(String(cost.remaining)).toBe(allowed.headers.get('ratelimit-remaining'));
    // Costs are remembered per document, but by page size: a small page of another customer
    // costs the same, and large pages after small ones are still refused.
    const other = await server.post(query, { id: Buffer.from('Customer:00000000-0000-4000-8000-000000000000').toString('base64url'), n: 5 });
    expect(other.body.extensions!.cost!.requested).toBe(cost.requested);
    expect((await server.post(query, { id: customerId, n: 100 })).body.errors![0].extensions).toMatchObject({ reason: 'MAX_COST' });
  });

  it('refuses more aliases than MAX_QUERY_ALIASES', async () => {
    const aliases = Array.from({ length: limits().aliases + 1 }, (_, i) => `a${i}: timeline(first: ${1 + i}) { edges { cursor } }`).join(' ');
    const answer = await server.post(`query Many($id: ID!) { customer(id: $id) { ${aliases} } }`, { id: customerId });
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'MAX_ALIASES', cost: { requested: limits().aliases + 1, limit: limits().aliases } });
  });

  it('refuses a document of more than MAX_QUERY_TOKENS tokens without reading it to the end', async () => {
    const fields = Array.from({ length: limits().tokens }, () => 'id').join(' ');
    const answer = await server.post(`{ customer(id: "${customerId}") { ${fields} } }`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAX_TOKENS', cost: { limit: limits().tokens } });
  });

  it('writes nothing for a mutation refused by its cost', async () => {
    const before = await databaseState(server.db);
    const events = Array.from({ length: 400 }, (_, i) => ({
      call: { customerId, occurredAt: '2026-02-01T10:00:00Z', outcome: 'ANSWERED', source: 'bounds', externalId: unique(`call-${i}`) },
    }));
    const answer = await server.post(
      `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { id customer { timeline(first: 100) { edges { node { id summary } } } } } ${USER_ERRORS} } } }`,
      { input: { events } },
    );
    expect(answer.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAX_COST' });
    expect(answer.body.extensions?.sqlStatements).toBe(0);
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('puts extensions.cost on every answer, errors included', async () => {
    const answer = await server.post(`query ($id: ID!) { customer(id: $id) { id displayName identifiers { kind value } } }`, { id: customerId });
    expect(answer.body.extensions!.cost).toEqual({ requested: expect.any(Number), actual: expect.any(Number), limit: limits().cost, remaining: expect.any(Number) });
    const invalid = await server.post(`{ nosuchfield }`);
    expect(invalid.body.extensions!.cost).toMatchObject({ requested: 0, actual: 0 });
  });

  it('holds a subscription over WebSocket to the same bounds', async () => {
    const deep = subscribe(client, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { customer { ${nested(3, 100)} } } }`, { id: customerId });
    await deep.waitForEnd();
    expect(deep.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'MAX_DEPTH' }) })]);

    const wide = subscribe(client, `subscription ($id: ID, $n: Int) { timelineEventAdded(customerId: $id) { customer { ${nested(2, '$n')} } } }`, { id: customerId, n: 100 });
    await wide.waitForEnd();
    expect(wide.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'MAX_COST' }) })]);

    const aliases = Array.from({ length: limits().aliases + 1 }, (_, i) => `a${i}: id`).join(' ');
    const many = subscribe(client, `subscription { timelineEventAdded { ${aliases} } }`);
    await many.waitForEnd();
    expect(many.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'MAX_ALIASES' }) })]);
  });

  it('accepts at most WS_MAX_CONNECTIONS sockets and refuses more at the upgrade', async () => {
    const open = (): Promise<WebSocket | number> =>
      new Promise((resolve) => {
        const socket = new WebSocket(wsUrlOf(server.url), 'graphql-transport-ws');
        socket.once('open', () => resolve(socket));
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      });
    // `client` may hold one already; fill up to the bound.
    const held: WebSocket[] = [];
    let refused: number | null = null;
    for (let i = 0; i < 4 && refused === null; i++) {
      const socket = await open();
      if (typeof socket === 'number') refused = socket;
      else held.push(socket);
    }
    expect(refused).toBe(503);
    expect(held.length).toBeLessThanOrEqual(3);
    for (const socket of held) socket.close();
  });
});
