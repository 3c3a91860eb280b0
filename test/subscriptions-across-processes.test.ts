import { keyOf } from '../src/relay/global-id';
import { unique } from './support/factories';
import { dataFrom, killServerProcesses, startServerProcessOn, type ServerProcess } from './support/processes';
import { openClient, sleep, subscribe, type Subscription } from './support/subscriptions';
import { createTestDatabase } from './support/test-database';
import { Client as PgClient } from 'pg';

type Process = ServerProcess & { url: string; adminKey: string };
let database: { url: string; drop(): Promise<void> };
let a: Process;
let b: Process;
beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([startServerProcessOn(database.url), startServerProcessOn(database.url)]);
});
afterAll(async () => {
  killServerProcesses();
  await database.drop();
});


async function record(server: Process, customerId: string, count = 1): Promise<string[]> {
  const { recordEvents } = await dataFrom(server, `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id } } } }`, {
    input: {
      events: Array.from({ length: count }, () => ({
        socialMessage: { customerId, occurredAt: '2026-06-01T08:00:00Z', platform: 'instagram', handle: '@maya', text: 'hi', source: 'ig', externalId: unique('dm') },
      })),
    },
  });
  return recordEvents.results.map((r: any) => r.event.id);
}

/** Records through `via` until every subscription has received something: they are live from here on. */
async function untilLive(via: Process, customerId: string, subscriptions: Subscription[]): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await record(via, customerId);
    await sleep(50);
    if (subscriptions.every((s) => s.results.length > 0)) return;
  }
  throw new Error('the subscriptions never went live');
}

async function streamOrder(): Promise<string[]> {
  const pg = new PgClient({ connectionString: database.url });
  await pg.connect();
  try {
    return (await pg.query(`SELECT event_id AS id FROM timeline_stream ORDER BY position`)).rows.map((r) => r.id);
  } finally {
    await pg.end();
  }
}

const ids = (subscription: Subscription) => subscription.results.map((r) => keyOf(r.data!.timelineEventAdded.id, 'TimelineEvent'));

describe('two server processes on one database', () => {
  it('deliver events recorded through either process to subscribers of both, in commit order', async () => {
    const { upsertCustomer } = await dataFrom(a, `mutation { upsertCustomer(input: { displayName: "Maya" }) { customer { id } } }`);
    const maya = upsertCustomer.customer.id;
    const clientA = openClient(a.url);
    const clientB = openClient(b.url);
    const onA = subscribe(clientA, `subscription { timelineEventAdded { id } }`);
    const onB = subscribe(clientB, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }`, { id: maya });
    const changesOnB = subscribe(clientB, `subscription ($id: ID) { customerChanged(id: $id) { kind customer { displayName } } }`, { id: maya });
    // Recorded through A, received on B: the first proof.
    await untilLive(a, maya, [onA, onB]);

    // Both processes write at once, in batches.
    const writes = await Promise.all([
      (async () => [...(await record(a, maya, 10)), ...(await record(a, maya, 1)), ...(await record(a, maya, 25))])(),
      // 250 events in one transaction take several notifications (PostgreSQL's payload limit).
      (async () => [...(await record(b, maya, 7)), ...(await record(b, maya, 250)), ...(await record(b, maya, 1))])(),
    ]);
    const all = await streamOrder();
    await onA.waitFor(all.length);
    await onB.waitFor(all.length);
    await sleep(300);
    // Each subscriber saw every committed event since it went live, exactly once, in commit order.
    expect(ids(onA)).toEqual(all.slice(all.length - onA.results.length));
    expect(ids(onB)).toEqual(all.slice(all.length - onB.results.length));
    expect(ids(onB)).toEqual(expect.arrayContaining(writes.flat().map((id) => keyOf(id, 'TimelineEvent'))));

    // A profile change made through A reaches B's customerChanged subscriber.
    await dataFrom(a, `mutation ($id: ID!) { upsertCustomer(input: { id: $id, displayName: "Maya Okafor" }) { customer { id } } }`, { id: maya });
    await changesOnB.waitFor(1);
    expect(changesOnB.results[0].data!.customerChanged).toEqual({ kind: 'PROFILE_UPDATED', customer: { displayName: 'Maya Okafor' } });
    await Promise.all([clientA.dispose(), clientB.dispose()]);
  });

  it('SIGTERM closes that process\'s sockets with 1001 and exits 0; the other process keeps delivering', async () => {
    const { upsertCustomer } = await dataFrom(a, `mutation { upsertCustomer(input: { displayName: "Noah" }) { customer { id } } }`);
    const noah = upsertCustomer.customer.id;
    const clientA = openClient(a.url);
    const clientB = openClient(b.url);
    const onA = subscribe(clientA, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }`, { id: noah });
    const onB = subscribe(clientB, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }`, { id: noah });
    await untilLive(b, noah, [onA, onB]);

    b.child.kill('SIGTERM');
    await onB.waitForEnd();
    expect(onB.error).toMatchObject({ code: 1001 });
    expect(await b.exited).toBe(0);

    const count = onA.results.length;
    const [afterwards] = await record(a, noah);
    await onA.waitFor(count + 1);
    expect(onA.results.at(-1)!.data!.timelineEventAdded.id).toBe(afterwards);
    await clientA.dispose();
  });
});
