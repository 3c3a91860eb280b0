import { toGlobalId } from '../src/relay/global-id';
import { createCustomer, unique } from './support/factories';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const FOLLOW = `subscription ($customerId: ID) { timelineEventAdded(customerId: $customerId) { id customer { id } } }`;

describe('subscriptions that register at the same moment', () => {
  it('each follow their own customer, and an unknown customer fails only its own subscription', async () => {
    const customers = await Promise.all(Array.from({ length: 6 }, () => createCustomer(server)));
    const unknown = toGlobalId('Customer', '00000000-0000-4000-8000-0000000000aa');
    const clients = [openClient(server.url), openClient(server.url)];
    try {
      // Sent together, so that they wait for the same turn of the server's delivery queue.
      const following = customers.map((customer, i) => subscribe(clients[i % 2], FOLLOW, { customerId: customer.id }));
      const lost = subscribe(clients[0], FOLLOW, { customerId: unknown });
      await lost.waitForEnd();
      expect(lost.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
      await untilSubscribed(server, customers.length);

      const recorded: string[] = [];
      for (const customer of customers) {
        const { recordCall } = await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { id } } }`, {
          input: { customerId: customer.id, occurredAt: '2026-03-01T10:00:00Z', outcome: 'ANSWERED', source: 'pbx', externalId: unique('call') },
        });
        recorded.push(recordCall.event.id);
      }
      for (const [i, subscription] of following.entries()) {
        await subscription.waitFor(1);
        expect(subscription.results.map((r) => r.data.timelineEventAdded)).toEqual([{ id: recorded[i], customer: { id: customers[i].id } }]);
      }
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});
