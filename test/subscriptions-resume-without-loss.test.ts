import 'reflect-metadata';
import { keyOf } from '../src/relay/global-id';
import { decodeStreamCursor } from '../src/changefeed/stream-cursor';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { openClient, sleep, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  // Small replay pages and a small bound, so that a replay spans many queries and can outrun
  // the live events it holds meanwhile.
  server = await startTestServer({ SUBSCRIPTION_REPLAY_PAGE_SIZE: '7', SUBSCRIPTION_MAX_QUEUED: '100' });
});
afterAll(() => server.stop());

const ADDED = `subscription ($customerId: ID, $filter: TimelineFilter, $after: String) {
  timelineEventAdded(customerId: $customerId, filter: $filter, after: $after) { id kind streamCursor }
}`;
const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { id streamCursor } ${USER_ERRORS} } } }`;

let minute = 0;
function event(customerId: string, kind: 'call' | 'email' = 'call') {
  const occurredAt = new Date(Date.UTC(2026, 0, 1) + minute++ * 60_000).toISOString();
  return kind === 'call'
    ? { call: { customerId, occurredAt, outcome: 'ANSWERED', source: 'pbx', externalId: unique('call') } }
    : { email: { customerId, occurredAt, fromAddress: 'maya@example.com', toAddresses: ['help@example.net'], source: 'mail', externalId: unique('mail') } };
}

async function record(events: Record<string, unknown>[]): Promise<string[]> {
  const { recordEvents } = await server.data(RECORD_EVENTS, { input: { events } });
  return recordEvents.results.map((r: any) => {
    if (!r.created) throw new Error(JSON.stringify(r.userErrors));
    return r.event.id;
  });
}

/** What the database holds after a stream cursor, in stream order: what a resumed subscriber must get. */
async function storedAfter(cursor: string, customerId?: string, kinds?: string[]): Promise<string[]> {
  const rows = await server.db.query(
    `SELECT e.id FROM timeline_stream s JOIN timeline_event e ON e.id = s.event_id
     WHERE s.position > $1 AND ($2::uuid IS NULL OR e.customer_id = $2) AND ($3::text[] IS NULL OR e.kind = ANY($3))
     ORDER BY s.position`,
    [decodeStreamCursor(cursor).toString(), customerId ? keyOf(customerId, 'Customer') : null, kinds ?? null],
  );
  return rows.map((r: any) => r.id);
}
const keysOf = (ids: string[]) => ids.map((id) => keyOf(id, 'TimelineEvent'));
const received = (results: { data?: any }[]) => results.map((r) => r.data.timelineEventAdded.id as string);

describe('resuming timelineEventAdded from a cursor', () => {
  it('after a disconnect, replays exactly what was committed meanwhile, then continues live', async () => {
    const maya = await createCustomer(server);
    const noah = await createCustomer(server);

    const firstClient = openClient(server.url);
    const before = server.realtime.subscriberCount;
    const first = subscribe(firstClient, ADDED, { customerId: maya.id, filter: { kinds: ['CALL'] } });
    await untilSubscribed(server, before + 1);
    const seen = await record([event(maya.id), event(maya.id, 'email'), event(maya.id)]);
    await first.waitFor(2);
    const lastCursor = first.results[1].data!.timelineEventAdded.streamCursor;
    expect(received(first.results)).toEqual([seen[0], seen[2]]);
    await firstClient.dispose();
    await first.waitForEnd();

    // While it is away: its customer's calls, her e-mails (filtered out) and someone else's calls.
    const missed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [call, , otherCall, secondCall] = await record([event(maya.id), event(maya.id, 'email'), event(noah.id), event(maya.id)]);
      missed.push(call, secondCall);
      void otherCall;
    }

    const secondClient = openClient(server.url);
    const resumed = subscribe(secondClient, ADDED, { customerId: maya.id, filter: { kinds: ['CALL'] }, after: lastCursor });
    await resumed.waitFor(missed.length);
    expect(received(resumed.results)).toEqual(missed);
    expect(keysOf(missed)).toEqual(await storedAfter(lastCursor, maya.id, ['CALL']));

    // Then live, with nothing repeated.
    const live = await record([event(maya.id), event(noah.id), event(maya.id)]);
    await resumed.waitFor(missed.length + 2);
    await sleep(200);
    expect(received(resumed.results)).toEqual([...missed, live[0], live[2]]);
    await secondClient.dispose();
  });

  it('loses and repeats nothing when events are committed while the replay runs', async () => {
    const customers = [await createCustomer(server), await createCustomer(server), await createCustomer(server)];
    const [start] = await record([event(customers[0].id)]);
    // A backlog that takes hundreds of replay queries to read.
    for (let batch = 0; batch < 6; batch++) await record(Array.from({ length: 200 }, (_, i) => event(customers[i % 3].id, i % 2 ? 'call' : 'email')));
    const { node } = await server.data(`query ($id: ID!) { node(id: $id) { ... on TimelineEvent { streamCursor } } }`, { id: start });
    const continuedBefore = server.realtime.stats.replaysContinued;

    // Writers keep committing, in batches and one by one, while the subscriber replays.
    let writing = true;
    const written: string[] = [];
    const writer = (size: number) =>
      (async () => {
        while (writing) written.push(...(await record(Array.from({ length: size }, (_, i) => event(customers[i % 3].id)))));
      })();
    const writers = [writer(20), writer(1), writer(5)];
    await sleep(50);

    const client = openClient(server.url);
    const replaying = subscribe(client, ADDED, { after: node.streamCursor });
    await replaying.waitFor(1200);
    await sleep(300);
    writing = false;
    await Promise.all(writers);
    expect(written.length).toBeGreaterThan(100);

    const expected = await storedAfter(node.streamCursor);
    await replaying.waitFor(expected.length);
    await sleep(300);
    const got = received(replaying.results);
    expect(new Set(got).size).toBe(got.length);
    expect(keysOf(got)).toEqual(expected);
    expect(got).toEqual(expect.arrayContaining(written));
    // The writers outran what the replay may hold at least once, so it went back to the database.
    expect(server.realtime.stats.replaysContinued).toBeGreaterThan(continuedBefore);
    await client.dispose();
  });

  it("replays a customer's events with those a merge gave them, and without those an unmerge took back", async () => {
    const survivor = await createCustomer(server);
    const merged = await createCustomer(server);
    const { recordEvents } = await server.data(RECORD_EVENTS, { input: { events: [event(survivor.id)] } });
    const cursor: string = recordEvents.results[0].event.streamCursor;
    const [mergedFirst, survivorOwn, mergedSecond] = await record([event(merged.id), event(survivor.id), event(merged.id)]);

    const { mergeCustomers } = await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, {
      input: { survivorId: survivor.id, mergedId: merged.id },
    });
    expect(mergeCustomers.userErrors).toEqual([]);
    const client = openClient(server.url);
    const afterMerge = subscribe(client, ADDED, { customerId: survivor.id, after: cursor });
    await afterMerge.waitFor(3);
    expect(received(afterMerge.results)).toEqual([mergedFirst, survivorOwn, mergedSecond]);
    expect(await storedAfter(cursor, survivor.id)).toEqual(keysOf([mergedFirst, survivorOwn, mergedSecond]));
    afterMerge.stop();

    const { unmergeCustomers } = await server.data(`mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { ${USER_ERRORS} } }`, {
      input: { mergedId: merged.id },
    });
    expect(unmergeCustomers.userErrors).toEqual([]);
    const survivorAgain = subscribe(client, ADDED, { customerId: survivor.id, after: cursor });
    const mergedAgain = subscribe(client, ADDED, { customerId: merged.id, after: cursor });
    await survivorAgain.waitFor(1);
    await mergedAgain.waitFor(2);
    await sleep(300);
    expect(received(survivorAgain.results)).toEqual([survivorOwn]);
    expect(received(mergedAgain.results)).toEqual([mergedFirst, mergedSecond]);
    await client.dispose();
  });
});
