import { createCustomer, unique } from './support/factories';
import { connectionInit, openClient, openRawSocket, sleep, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

const MAX_QUEUED = 10;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTION_MAX_QUEUED: String(MAX_QUEUED) });
});
afterAll(() => server.stop());

const ADDED = `subscription ($customerId: ID, $after: String) { timelineEventAdded(customerId: $customerId, after: $after) { id streamCursor ... on CallEvent { transcript } } }`;

describe('a subscriber that does not keep up', () => {
  it('is ended with RATE_LIMITED and the cursor to resume from; its socket and the other subscribers carry on; resuming loses nothing', async () => {
    const maya = await createCustomer(server);
    const witnessClient = openClient(server.url);
    const witness = subscribe(witnessClient, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }`, { id: maya.id });

    // A client that subscribes and then stops reading its socket.
    const slow = await openRawSocket(server.url);
    slow.socket.send(connectionInit(server.url));
    await until(() => slow.messages.some((m) => m.type === 'connection_ack'));
    slow.socket.send(JSON.stringify({ id: 'slow', type: 'subscribe', payload: { query: ADDED, variables: { customerId: maya.id } } }));
    await untilSubscribed(server, 2);
    slow.socket.pause();

    // Big events fill the socket buffers quickly; then the queue fills, and the bound ends it.
    const transcript = 'word '.repeat(40_000);
    const recorded: string[] = [];
    const endedBefore = server.realtime.stats.endedTooSlow;
    while (server.realtime.stats.endedTooSlow === endedBefore) {
      if (recorded.length > 2000) throw new Error('the slow subscriber was never ended');
      const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id } } } }`, {
        input: {
          events: Array.from({ length: 20 }, () => ({
            call: { customerId: maya.id, occurredAt: '2026-04-01T09:00:00Z', outcome: 'ANSWERED', transcript, source: 'pbx', externalId: unique('call') },
          })),
        },
      });
      recorded.push(...recordEvents.results.map((r: any) => r.event.id));
    }

    // The well-behaved subscriber of the same customer got everything.
    await witness.waitFor(recorded.length);
    expect(witness.results.map((r) => r.data!.timelineEventAdded.id)).toEqual(recorded);

    // Reading again, the slow one finds what was already on its way, then the error.
    slow.socket.resume();
    await until(() => slow.messages.some((m) => m.type === 'error'), 15_000);
    const nexts = slow.messages.filter((m) => m.type === 'next').map((m) => m.payload.data.timelineEventAdded);
    const [error] = slow.messages.find((m) => m.type === 'error').payload;
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'SUBSCRIBER_TOO_SLOW', limit: MAX_QUEUED });
    expect(error.message).toContain(`still had ${MAX_QUEUED} events waiting`);
    expect(nexts.length).toBeGreaterThan(0);
    expect(nexts.length).toBeLessThan(recorded.length);
    // Resume after the last event delivered.
    expect(error.extensions.resumeAfter).toBe(nexts.at(-1).streamCursor);
    // The socket stays open for its other subscriptions.
    expect(slow.socket.readyState).toBe(slow.socket.OPEN);

    const resumedClient = openClient(server.url);
    const resumed = subscribe(resumedClient, ADDED, { customerId: maya.id, after: error.extensions.resumeAfter });
    await resumed.waitFor(recorded.length - nexts.length);
    await sleep(200);
    expect([...nexts, ...resumed.results.map((r) => r.data!.timelineEventAdded)].map((e) => e.id)).toEqual(recorded);

    slow.socket.close();
    await Promise.all([witnessClient.dispose(), resumedClient.dispose()]);
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}
