import 'reflect-metadata';
import type { Client } from 'graphql-ws';
import { announceTimelineEvents } from '../src/changefeed/publisher';
import { EVENT_COLUMNS } from '../src/timeline/timeline.service';
import type { TimelineEventRow } from '../src/timeline/timeline-event.types';
import { keyOf, toGlobalId } from '../src/relay/global-id';
import { createCustomer, oneOfEachKind, unique } from './support/factories';
import { EVENT_FIELDS, USER_ERRORS } from './support/fragments';
import { openClient, sleep, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = openClient(server.url);
});
afterAll(async () => {
  await client.dispose();
  await server.stop();
});

const ADDED = `subscription ($customerId: ID, $filter: TimelineFilter, $after: String) {
  timelineEventAdded(customerId: $customerId, filter: $filter, after: $after) { ${EVENT_FIELDS} streamCursor customer { id } }
}`;
const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { id streamCursor } ${USER_ERRORS} } } }`;
const MERGE = `mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`;
const UNMERGE = `mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { ${USER_ERRORS} } }`;

async function record(events: Record<string, unknown>[]): Promise<{ created: boolean; event: { id: string; streamCursor: string } | null; userErrors: unknown[] }[]> {
  return (await server.data(RECORD_EVENTS, { input: { events } })).recordEvents.results;
}

function call(customerId: string, extra: Record<string, unknown> = {}) {
  return { call: { customerId, occurredAt: '2026-03-01T10:00:00Z', outcome: 'ANSWERED', source: 'pbx', externalId: unique('call'), ...extra } };
}

const idsOf = (results: { data?: any }[]) => results.map((r) => r.data.timelineEventAdded.id);

describe('timelineEventAdded', () => {
  it('delivers each committed event once, in commit order, to the subscribers it matches; a delivered event can be queried at once', async () => {
    const maya = await createCustomer(server);
    const noah = await createCustomer(server);
    const lookups: Promise<any>[] = [];
    const ofMaya = subscribe(client, ADDED, { customerId: maya.id }, (result) => {
      // Straight from the socket: the event is committed, so reading it must find it.
      lookups.push(server.data(`query ($id: ID!) { node(id: $id) { id } }`, { id: result.data!.timelineEventAdded.id }));
    });
    const ofEveryone = subscribe(client, ADDED);
    const callsAndEmails = subscribe(client, ADDED, { filter: { kinds: ['CALL', 'EMAIL'], channels: ['PHONE'] } });
    await untilSubscribed(server, 3);

    const first = await record(oneOfEachKind(maya.id));
    const second = await record(oneOfEachKind(noah.id));
    const third = await record([call(maya.id), call(noah.id)]);
    const recorded = [...first, ...second, ...third].map((r) => r.event!.id);

    await ofEveryone.waitFor(12);
    expect(idsOf(ofEveryone.results)).toEqual(recorded);
    await ofMaya.waitFor(6);
    expect(idsOf(ofMaya.results)).toEqual([...first.map((r) => r.event!.id), third[0].event!.id]);
    await callsAndEmails.waitFor(4);
    expect(idsOf(callsAndEmails.results)).toEqual([first[0], second[0], ...third].map((r) => r.event!.id));

    // The payload is the whole event, as queries return it.
    expect(ofMaya.results[0].data!.timelineEventAdded).toMatchObject({ __typename: 'CallEvent', kind: 'CALL', outcome: 'ANSWERED', customer: { id: maya.id } });
    expect(ofMaya.results[0].data!.timelineEventAdded.streamCursor).toBe(first[0].event!.streamCursor);
    expect((await Promise.all(lookups)).map((r) => r.node.id)).toEqual(idsOf(ofMaya.results));

    // Commit order is stream order, and the stream is what the table holds.
    const stored = await server.db.query(`SELECT event_id AS id FROM timeline_stream ORDER BY position`);
    expect(stored.map((r: any) => r.id)).toEqual(recorded.map((id) => keyOf(id, 'TimelineEvent')));

    await sleep(200);
    expect(ofEveryone.results).toHaveLength(12);
    for (const subscription of [ofMaya, ofEveryone, callsAndEmails]) subscription.stop();
  });

  it('announces nothing for repeats, for items that fail, or for a transaction that rolls back', async () => {
    const maya = await createCustomer(server);
    const before = server.realtime.subscriberCount;
    const events = subscribe(client, ADDED);
    await untilSubscribed(server, before + 1);

    const original = call(maya.id);
    const [stored] = await record([original]);
    expect(stored.created).toBe(true);

    // The same event again: answered as a repeat, not announced.
    const [repeat] = await record([original]);
    expect(repeat).toMatchObject({ created: false, event: { id: stored.event!.id } });
    // A batch whose only item fails in the database: nothing stored, nothing announced.
    const [missing] = await record([call(toGlobalId('Customer', '00000000-0000-4000-8000-000000000000'))]);
    expect(missing).toMatchObject({ created: false, event: null, userErrors: [{ code: 'NOT_FOUND' }] });
    // A transaction that announced its event and then rolled back.
    const rolledBack = await server.database.transaction(async (sql) => {
      const [row] = await sql.query<TimelineEventRow>(
        `WITH inserted AS (
           INSERT INTO timeline_event (customer_id, kind, channel, occurred_at, summary, details)
           VALUES ($1, 'CALL', 'PHONE', now(), 'never committed', '{"outcome":"MISSED"}') RETURNING *)
         SELECT ${EVENT_COLUMNS} FROM inserted e`,
        [keyOf(maya.id, 'Customer')],
      );
      await announceTimelineEvents(sql, [row]);
      throw new Error(`abort ${row.id}`);
    }).catch((error: Error) => error.message);
    expect(rolledBack).toMatch(/^abort \d+$/);

    const [next] = await record([call(maya.id)]);
    await events.waitFor(2);
    await sleep(200);
    expect(idsOf(events.results)).toEqual([stored.event!.id, next.event!.id]);
    events.stop();
  });

  it('resolves each delivered event with fresh DataLoaders: the customer is read as it is now, not cached from the last message', async () => {
    const maya = await createCustomer(server, { displayName: 'Maya' });
    const before = server.realtime.subscriberCount;
    const events = subscribe(client, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id customer { displayName version } } }`, { id: maya.id });
    await untilSubscribed(server, before + 1);

    await record([call(maya.id)]);
    await events.waitFor(1);
    await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { ${USER_ERRORS} } }`, { input: { id: maya.id, displayName: 'Maya Okafor' } });
    await record([call(maya.id)]);
    await events.waitFor(2);
    expect(events.results.map((r) => r.data!.timelineEventAdded.customer)).toEqual([
      { displayName: 'Maya', version: 1 },
      { displayName: 'Maya Okafor', version: 2 },
    ]);
    events.stop();
  });

  it('follows a merged-away customer to its survivor, and back after an unmerge', async () => {
    const merged = await createCustomer(server);
    const survivor = await createCustomer(server);
    const before = server.realtime.subscriberCount;
    const ofMerged = subscribe(client, ADDED, { customerId: merged.id });
    await untilSubscribed(server, before + 1);

    const [own] = await record([call(merged.id)]);
    expect((await server.data(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id } })).mergeCustomers.userErrors).toEqual([]);
    const [survivors] = await record([call(survivor.id)]);
    expect((await server.data(UNMERGE, { input: { mergedId: merged.id } })).unmergeCustomers.userErrors).toEqual([]);
    const [notAnyMore] = await record([call(survivor.id)]);
    const [ownAgain] = await record([call(merged.id)]);

    await ofMerged.waitFor(3);
    await sleep(200);
    expect(idsOf(ofMerged.results)).toEqual([own.event!.id, survivors.event!.id, ownAgain.event!.id]);
    expect(idsOf(ofMerged.results)).not.toContain(notAnyMore.event!.id);
    ofMerged.stop();
  });
});
