import 'reflect-metadata';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created event { id streamCursor } ${USER_ERRORS} } }`;
const PAGE = (fields: string) => `query ($id: ID!) { customer(id: $id) { timeline(first: 5) { edges { node { ${fields} } } } } }`;

describe("an event's stream cursor", () => {
  it('is the same whichever way the event is read, and a page reads it (one statement) only when asked', async () => {
    const customer = await createCustomer(server);
    const client = openClient(server.url);
    const before = server.realtime.subscriberCount;
    const live = subscribe(client, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id streamCursor } }`, { id: customer.id });
    await untilSubscribed(server, before + 1);

    const call = { customerId: customer.id, occurredAt: '2026-03-01T10:00:00Z', outcome: 'ANSWERED', source: 'pbx', externalId: unique('call') };
    const { recordCall: recorded } = await server.data(RECORD_CALL, { input: call });
    // The same call again: answered from the stored event, found by its idempotency key.
    const { recordCall: repeated } = await server.data(RECORD_CALL, { input: call });
    const [delivered] = await live.waitFor(1);
    const page = await server.graphql(PAGE('id streamCursor'), { id: customer.id });
    const { node } = await server.data(`query ($id: ID!) { node(id: $id) { ... on TimelineEvent { streamCursor } } }`, { id: recorded.event.id });

    expect([recorded.created, repeated.created]).toEqual([true, false]);
    const cursor = recorded.event.streamCursor;
    expect(cursor).toEqual(expect.any(String));
    expect(repeated.event).toEqual({ id: recorded.event.id, streamCursor: cursor });
    expect(delivered.data!.timelineEventAdded).toEqual({ id: recorded.event.id, streamCursor: cursor });
    expect(page.errors).toBeUndefined();
    expect(page.data.customer.timeline.edges).toEqual([{ node: { id: recorded.event.id, streamCursor: cursor } }]);
    expect(node.streamCursor).toBe(cursor);

    // Pages leave positions out of their statement: asking for them costs one more, for the whole page.
    const plain = await server.graphql(PAGE('id'), { id: customer.id });
    expect(page.extensions?.sqlStatements).toBe((plain.extensions?.sqlStatements as number) + 1);
    await client.dispose();
  });
});
