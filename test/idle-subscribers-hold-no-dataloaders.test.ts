import path from 'node:path';
import { unique } from './support/factories';
import { dataFrom, killServerProcesses, startServerProcessOn, type ServerProcess } from './support/processes';
import { openClient, sleep, subscribe, type Subscription } from './support/subscriptions';
import { createTestDatabase } from './support/test-database';

type Process = ServerProcess & { url: string; adminKey: string };
let database: { url: string; drop(): Promise<void> };
let server: Process;
beforeAll(async () => {
  database = await createTestDatabase();
  // Counted in a server process of its own: Jest's module sandbox hides its objects from v8.queryObjects.
  server = await startServerProcessOn(database.url, { NODE_OPTIONS: `--require ${path.join(__dirname, 'support', 'count-dataloaders.cjs')} --no-warnings` });
});
afterAll(async () => {
  killServerProcesses();
  await database.drop();
});

const FOLLOW = `subscription Follow($id: ID) { timelineEventAdded(customerId: $id) { id summary customer { displayName } case { status } } }`;

let asked = 0;
async function liveDataLoaders(): Promise<number> {
  const n = ++asked;
  server.child.kill('SIGUSR2');
  return (await server.waitForLog((line) => line.msg === 'live DataLoaders' && line.asked === n, 10_000)).count;
}

async function recordCall(customerId: string): Promise<void> {
  await dataFrom(server, `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created } }`, {
    input: { customerId, occurredAt: '2026-05-01T09:00:00Z', outcome: 'ANSWERED', durationSeconds: 60, source: 'pbx', externalId: unique('call') },
  });
}

describe('subscribers waiting for their next event', () => {
  it('hold none of the DataLoaders their subscription or their last event were read with', async () => {
    const customers: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      customers.push((await dataFrom(server, `mutation ($name: String!) { upsertCustomer(input: { displayName: $name }) { customer { id } } }`, { name: `Quiet ${n}` })).upsertCustomer.customer.id);
    }
    const clients = customers.map(() => openClient(server.url));
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
});
