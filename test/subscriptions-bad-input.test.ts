import type { Client } from 'graphql-ws';
import { toGlobalId } from '../src/relay/global-id';
import { createCustomer, unique } from './support/factories';
import { connectionInit, openClient, openRawSocket, sleep, subscribe, untilSubscribed, type Subscription } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let witnessClient: Client;
let witness: Subscription;
beforeAll(async () => {
  server = await startTestServer({ WS_CONNECTION_INIT_TIMEOUT_MS: '300', WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3' });
  // A well-behaved subscriber on its own socket, which nothing below may disturb.
  witnessClient = openClient(server.url);
  witness = subscribe(witnessClient, `subscription { timelineEventAdded { id } }`);
  await untilSubscribed(server, 1);
});
afterAll(async () => {
  await witnessClient.dispose();
  await server.stop();
});

/** Records one event and checks that the witness, and any given subscription, receive it. */
async function stillDelivering(...others: Subscription[]): Promise<void> {
  const customer = await createCustomer(server);
  const counts = [witness, ...others].map((subscription) => subscription.results.length);
  const { recordCall } = await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { id } } }`, {
    input: { customerId: customer.id, occurredAt: '2026-02-02T10:00:00Z', outcome: 'ANSWERED', source: 'pbx', externalId: unique('call') },
  });
  for (const [i, subscription] of [witness, ...others].entries()) {
    await subscription.waitFor(counts[i] + 1);
    expect(subscription.results.at(-1)!.data!.timelineEventAdded.id).toBe(recordCall.event.id);
  }
}

const ADDED = `subscription ($customerId: ID, $filter: TimelineFilter, $after: String) { timelineEventAdded(customerId: $customerId, filter: $filter, after: $after) { id } }`;

async function rejected(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<any[]> {
  const subscription = subscribe(client, query, variables);
  await subscription.waitForEnd();
  expect(subscription.results).toEqual([]);
  expect(Array.isArray(subscription.error)).toBe(true);
  return subscription.error;
}

describe('subscriptions given bad input', () => {
  it('answer a graphql-ws error message with a code, and keep the socket and every other subscription going', async () => {
    const client = openClient(server.url);
    const unknownCustomer = toGlobalId('Customer', '00000000-0000-4000-8000-000000000000');
    const forged = Buffer.from('ts1|12345678901234').toString('base64url');
    const cases: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
      ['unknown customer', ADDED, { customerId: unknownCustomer }, { code: 'NOT_FOUND' }],
      ['not a customer id', ADDED, { customerId: 'nope' }, { code: 'BAD_USER_INPUT', argument: 'customerId' }],
      ['unknown customer for changes', `subscription ($id: ID) { customerChanged(id: $id) { kind } }`, { id: unknownCustomer }, { code: 'NOT_FOUND' }],
      ['malformed filter', `subscription { timelineEventAdded(filter: { kinds: [NOPE] }) { id } }`, {}, { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' }],
      ['malformed filter variable', ADDED, { filter: { kinds: ['NOPE'] } }, { code: 'BAD_USER_INPUT' }],
      ['filter ending before it starts', ADDED, { filter: { since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' } }, { code: 'BAD_USER_INPUT', argument: 'filter' }],
      ['forged cursor', ADDED, { after: 'not-a-cursor' }, { code: 'BAD_USER_INPUT', argument: 'after' }],
      ['cursor from beyond the stream', ADDED, { after: forged }, { code: 'BAD_USER_INPUT', argument: 'after' }],
      ['unknown field', `subscription { timelineEventAdded { nope } }`, {}, { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' }],
      ['syntax error', `subscription { timelineEventAdded { id }`, {}, { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' }],
      ['query over WebSocket', `{ node(id: "x") { id } }`, {}, { code: 'BAD_USER_INPUT', reason: 'OPERATION_NOT_SUPPORTED' }],
    ];
    for (const [name, query, variables, extensions] of cases) {
      const errors = await rejected(client, query, variables);
      expect({ name, extensions: errors[0].extensions }).toEqual({ name, extensions: expect.objectContaining(extensions) });
      expect(errors[0].message).toEqual(expect.any(String));
    }

    // At most 3 subscriptions per connection: the 4th is refused, the 3 carry on.
    const open = [subscribe(client, ADDED), subscribe(client, ADDED), subscribe(client, ADDED)];
    await untilSubscribed(server, 4);
    const [tooMany] = await rejected(client, ADDED);
    expect(tooMany.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_SUBSCRIPTIONS' });

    await stillDelivering(...open);
    open.forEach((subscription) => subscription.stop());
    await client.dispose();
  });

  it('closes a socket that never sends connection_init with 4408, and only that socket', async () => {
    const raw = await openRawSocket(server.url);
    const started = Date.now();
    const { code } = await raw.closed;
    expect(code).toBe(4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await stillDelivering();
  });

  it('closes a socket that sends a message over 1 MiB with 1009, and only that socket', async () => {
    const raw = await openRawSocket(server.url);
    raw.socket.send(connectionInit(server.url));
    await until(() => raw.messages.some((m) => m.type === 'connection_ack'));
    raw.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { timelineEventAdded { id } } # ${'x'.repeat(1024 * 1024)}` } }));
    const { code } = await raw.closed;
    expect(code).toBe(1009);
    await stillDelivering();
  });

  it('closes a socket without the graphql-transport-ws protocol with 4406 and one that subscribes before connection_ack with 4401', async () => {
    const { default: WebSocket } = await import('ws');
    const plain = new WebSocket(server.url.replace(/^http/, 'ws'));
    const plainClosed = await new Promise<number>((resolve) => plain.once('close', (code) => resolve(code)));
    expect(plainClosed).toBe(4406);

    const raw = await openRawSocket(server.url);
    raw.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { timelineEventAdded { id } }' } }));
    expect((await raw.closed).code).toBe(4401);
    await stillDelivering();
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}
