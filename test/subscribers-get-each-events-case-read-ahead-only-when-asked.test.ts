import 'reflect-metadata';
import { createCustomer, unique } from './support/factories';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { waitUntil } from './support/waiting';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const WITHOUT_CASE = `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id kind } }`;
// Asked for through a fragment on one kind, as a console asking only calls' cases would.
const WITH_CASE = `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id ...CallCase } }
  fragment CallCase on CallEvent { case { id status contactCount } }`;
const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created event { id case { id } } userErrors { message } } }`;

describe('timeline subscribers', () => {
  it("get each event's case when they ask for it, read with the events only while someone does", async () => {
    const customer = await createCustomer(server);
    const call = (day: number) => ({ customerId: customer.id, occurredAt: `2026-05-0${day}T09:00:00Z`, direction: 'INBOUND', outcome: 'ANSWERED', source: 'case-read-ahead', externalId: unique('call') });
    const record = async (day: number) => (await server.data(RECORD_CALL, { input: call(day) })).recordCall;
    const withoutClient = openClient(server.url);
    const withClient = openClient(server.url);
    try {
      // Nobody asks for cases: the events are read without them.
      const without = subscribe(withoutClient, WITHOUT_CASE, { id: customer.id });
      await untilSubscribed(server, 1);
      let before = { ...server.realtime.stats };
      const first = await record(1);
      await without.waitFor(1);
      expect(without.results[0].data.timelineEventAdded).toEqual({ id: first.event.id, kind: 'CALL' });
      expect(server.realtime.stats.eventsRead - before.eventsRead).toBe(1);
      expect(server.realtime.stats.eventsReadWithCase - before.eventsReadWithCase).toBe(0);

      // Someone asks: they get the case as it is after the event, read with the event.
      const withCase = subscribe(withClient, WITH_CASE, { id: customer.id });
      await untilSubscribed(server, 2);
      before = { ...server.realtime.stats };
      const second = await record(2);
      await withCase.waitFor(1);
      await without.waitFor(2);
      const stored = (await server.data(`query ($id: ID!) { node(id: $id) { ... on CallEvent { case { id status contactCount } } } }`, { id: second.event.id })).node.case;
      expect(stored).toMatchObject({ id: second.event.case.id });
      expect(withCase.results[0].data.timelineEventAdded).toEqual({ id: second.event.id, case: stored });
      expect(server.realtime.stats.eventsReadWithCase - before.eventsReadWithCase).toBe(1);

      // Once they leave, events are read without cases again.
      withCase.stop();
      await waitUntil(async () => server.realtime.subscriberCount === 1, 'the subscription asking for cases to end');
      before = { ...server.realtime.stats };
      await record(3);
      await without.waitFor(3);
      expect(server.realtime.stats.eventsRead - before.eventsRead).toBe(1);
      expect(server.realtime.stats.eventsReadWithCase - before.eventsReadWithCase).toBe(0);
    } finally {
      await Promise.all([withoutClient.dispose(), withClient.dispose()]);
    }
  });
});
