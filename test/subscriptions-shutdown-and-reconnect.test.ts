import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { connectionInit, openClient, openRawSocket, sleep, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { id } ${USER_ERRORS} } }`;

async function recordCall(server: TestServer, customerId: string): Promise<string> {
  const { recordCall } = await server.data(RECORD_CALL, {
    input: { customerId, occurredAt: '2026-05-01T12:00:00Z', outcome: 'VOICEMAIL', source: 'pbx', externalId: unique('call') },
  });
  return recordCall.event.id;
}

describe('the subscription server', () => {
  it('closes every socket with 1001 Going Away on stop, and the stop completes', async () => {
    const server = await startTestServer();
    let stopped = false;
    try {
      const client = openClient(server.url);
      const subscription = subscribe(client, `subscription { timelineEventAdded { id } }`);
      const idle = await openRawSocket(server.url);
      idle.socket.send(connectionInit(server.url));
      await untilSubscribed(server, 1);

      const started = Date.now();
      await server.stop();
      stopped = true;
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await idle.closed).code).toBe(1001);
      await subscription.waitForEnd();
      expect(subscription.error).toMatchObject({ code: 1001 });
      expect(server.realtime.subscriberCount).toBe(0);
      expect(server.realtime.isListening).toBe(false);
      await client.dispose();
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('delivers events committed while its LISTEN connection was down once it is back, and tells customerChanged subscribers to re-read', async () => {
    const server = await startTestServer();
    try {
      const maya = await createCustomer(server);
      const client = openClient(server.url);
      const events = subscribe(client, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }`, { id: maya.id });
      const changes = subscribe(client, `subscription { customerChanged { kind } }`);
      await untilSubscribed(server, 2);
      const before = await recordCall(server, maya.id);
      await events.waitFor(1);

      // Cut the listener off, as a database restart or a network blip would.
      const [{ ended }] = await server.db.query(
        `SELECT count(pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity WHERE application_name = 'customer-timeline-listener' AND datname = current_database()`,
      );
      expect(ended).toBe(1);
      const whileDown = [await recordCall(server, maya.id), await recordCall(server, maya.id)];

      await events.waitFor(3);
      const after = await recordCall(server, maya.id);
      await events.waitFor(4);
      await sleep(200);
      expect(events.results.map((r) => r.data!.timelineEventAdded.id)).toEqual([before, ...whileDown, after]);
      expect(server.realtime.stats.listenerLost).toBe(1);
      expect(server.realtime.isListening).toBe(true);

      // Changes have no positions to catch up from: those subscribers are told so.
      await changes.waitForEnd();
      expect(changes.error[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'CHANGE_FEED_INTERRUPTED' });
      await client.dispose();
    } finally {
      await server.stop();
    }
  });
});
