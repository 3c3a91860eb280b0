import { unique } from './support/factories';
import { countingServer } from './support/counting-server';
import { dataFrom } from './support/processes';
import { openClient, sleep, subscribe, type Subscription } from './support/subscriptions';
import { waitUntil } from './support/waiting';

// An async hook on for the whole process; one credential holds every test socket.
const counted = countingServer('count-promises.cjs', 'promises made', { WS_MAX_CONNECTIONS_PER_CREDENTIAL: '64' });
const counts = counted.counts;

const promisesMade = async (): Promise<number> => (await counts()).promises;

const upsert = async (name: string) => (await dataFrom(counted.server(), `mutation ($name: String!) { upsertCustomer(input: { displayName: $name }) { customer { id } } }`, { name })).upsertCustomer.customer.id as string;
const recordCall = (customerId: string) =>
  dataFrom(counted.server(), `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created } }`, {
    input: { customerId, occurredAt: '2026-05-01T09:00:00Z', outcome: 'ANSWERED', durationSeconds: 60, source: 'pbx', externalId: unique('call') },
  });

describe('live subscribers', () => {
  it('are handed each event without a promise of their own', async () => {
    const few = await upsert('Followed Once');
    const many = await upsert('Followed By Many');
    const MORE = 20;
    const clients = Array.from({ length: MORE + 2 }, () => openClient(counted.server().url));
    const FOLLOW = `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id kind occurredAt summary streamCursor } }`;
    try {
      const ofFew: Subscription[] = [subscribe(clients[0], FOLLOW, { id: few })];
      const ofMany: Subscription[] = clients.slice(1).map((client) => subscribe(client, FOLLOW, { id: many }));
      const all = [...ofFew, ...ofMany];
      for (let attempt = 0; all.some((s) => s.results.length === 0); attempt++) {
        if (attempt === 100) throw new Error('the subscriptions never went live');
        await Promise.all([recordCall(few), recordCall(many)]);
        await sleep(100);
      }
      // The same calls, one at a time, to a customer with one subscriber and to one with 21: the
      // difference is what the 20 more deliveries of each event cost.
      const CALLS = 10;
      const promisesFor = async (customer: string, subscriptions: Subscription[]) => {
        const before = await promisesMade();
        for (let call = 0; call < CALLS; call++) {
          const seen = subscriptions.map((s) => s.results.length);
          await recordCall(customer);
          await waitUntil(async () => subscriptions.every((s, i) => s.results.length === seen[i] + 1), 'every delivery came');
        }
        return (await promisesMade()) - before;
      };
      const once = await promisesFor(few, ofFew);
      const manyTimes = await promisesFor(many, ofMany);
      // A subscriber's pull of its next item and its wait for the item's shared execution made
      // about three promises per delivery; a live subscriber now takes the item in the hub's turn
      // (none here).
      expect((manyTimes - once) / (CALLS * MORE)).toBeLessThan(0.5);
      for (const subscription of all) expect(new Set(subscription.results.map((r) => r.data!.timelineEventAdded.id)).size).toBe(subscription.results.length);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});
