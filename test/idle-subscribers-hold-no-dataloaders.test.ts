import { unique } from './support/factories';
import { countingServer } from './support/counting-server';
import { dataFrom } from './support/processes';
import { openClient, sleep, subscribe, type Subscription } from './support/subscriptions';

const counted = countingServer('count-dataloaders.cjs', 'live DataLoaders');
const counts = counted.counts;

const FOLLOW = `subscription Follow($id: ID) { timelineEventAdded(customerId: $id) { id summary customer { displayName } case { status } } }`;

/** DataLoaders alive after a full collection, and made since the server started. */
async function dataLoaders(): Promise<{ count: number; made: number }> {
  const line = await counts();
  return { count: line.count, made: line.made };
}
const liveDataLoaders = async () => (await dataLoaders()).count;

async function recordCall(customerId: string): Promise<void> {
  await dataFrom(counted.server(), `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created } }`, {
    input: { customerId, occurredAt: '2026-05-01T09:00:00Z', outcome: 'ANSWERED', durationSeconds: 60, source: 'pbx', externalId: unique('call') },
  });
}

describe('subscribers waiting for their next event', () => {
  it('hold none of the DataLoaders their subscription or their last event were read with', async () => {
    const customers: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      customers.push((await dataFrom(counted.server(), `mutation ($name: String!) { upsertCustomer(input: { displayName: $name }) { customer { id } } }`, { name: `Quiet ${n}` })).upsertCustomer.customer.id);
    }
    const clients = customers.map(() => openClient(counted.server().url));
    try {
      const subscriptions: Subscription[] = customers.map((id, i) => subscribe(clients[i], FOLLOW, { id }));
      // A subscription sees events committed after it registered: record until each has one.
      for (let attempt = 0; subscriptions.some((s) => s.results.length === 0); attempt++) {
        if (attempt === 100) throw new Error('the subscriptions never went live');
        await Promise.all(customers.map((id, i) => (subscriptions[i].results.length === 0 ? recordCall(id) : undefined)));
        await sleep(100);
      }
      // Each item was read with its customer (and case, if any), through DataLoaders of its own.
      subscriptions.forEach((s, i) => expect(s.results[0].data!.timelineEventAdded).toMatchObject({ customer: { displayName: `Quiet ${i + 1}` } }));
      await sleep(300);
      expect(await liveDataLoaders()).toBe(0);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('make no DataLoaders for items whose document asks only for what the event itself carries', async () => {
    const upsert = async (name: string) => (await dataFrom(counted.server(), `mutation ($name: String!) { upsertCustomer(input: { displayName: $name }) { customer { id } } }`, { name })).upsertCustomer.customer.id as string;
    const plain = await upsert('Plain Fields');
    const withCustomer = await upsert('Asks For Customer');
    const unfollowed = await upsert('Nobody Follows');
    const clients = [openClient(counted.server().url), openClient(counted.server().url)];
    try {
      // What the README tells a subscriber to keep (streamCursor) besides the event's own fields.
      const plainSubscription = subscribe(clients[0], `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id kind occurredAt summary streamCursor } }`, { id: plain });
      const customerSubscription = subscribe(clients[1], `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id customer { displayName } } }`, { id: withCustomer });
      for (let attempt = 0; plainSubscription.results.length === 0 || customerSubscription.results.length === 0; attempt++) {
        if (attempt === 100) throw new Error('the subscriptions never went live');
        await Promise.all([plain, withCustomer].map((id, i) => ([plainSubscription, customerSubscription][i].results.length === 0 ? recordCall(id) : undefined)));
        await sleep(100);
      }
      // Made by one recording alone, with nobody following its customer: the request's own.
      const madeBy = async (customer: string, subscription: Subscription | null) => {
        const before = (await dataLoaders()).made;
        const seen = subscription?.results.length ?? 0;
        await recordCall(customer);
        for (let waited = 0; subscription && subscription.results.length === seen; waited += 20) {
          if (waited > 10_000) throw new Error('the event never came');
          await sleep(20);
        }
        return (await dataLoaders()).made - before;
      };
      const request = await madeBy(unfollowed, null);
      expect(await madeBy(plain, plainSubscription)).toBe(request);
      // The count sees a delivery that does read through them.
      expect(await madeBy(withCustomer, customerSubscription)).toBeGreaterThan(request);
      expect(plainSubscription.results.at(-1)!.data!.timelineEventAdded.streamCursor).toEqual(expect.any(String));
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});

