import { Client } from 'pg';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { refuseEventsAboutPoison } from './support/refused-events';
import { startTestServer, type TestServer } from './support/test-server';
import { waitUntil } from './support/waiting';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await refuseEventsAboutPoison(server);
});
afterAll(() => server.stop());

const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created event { id streamCursor } ${USER_ERRORS} } }`;
const keyOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];

describe('single events of concurrent requests', () => {
  it('are stored in one transaction while another is on its way, each answered on its own, a refused one failing alone', async () => {
    const customers = await Promise.all(Array.from({ length: 10 }, () => createCustomer(server)));
    const call = (customerId: string, summary: string) => ({ customerId, occurredAt: '2026-02-01T10:00:00Z', outcome: 'ANSWERED', summary, source: 'grouped', externalId: unique('call') });
    // Holding a lock the first INSERT needs keeps its transaction on its way; the other calls queue meanwhile.
    const holder = new Client({ connectionString: server.databaseUrl });
    await holder.connect();
    let answers;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE timeline_event IN SHARE MODE');
      const first = server.data(RECORD_CALL, { input: call(customers[0].id, 'first call') });
      await waitUntil(async () => {
        const [{ n }] = await server.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO timeline_event%'`);
        return n === 1;
      }, 'the first call waits for the lock');
      const rest = customers.slice(1).map((customer, i) => server.data(RECORD_CALL, { input: call(customer.id, i === 4 ? 'poison call' : `call ${i}`) }));
      await waitUntil(async () => server.services.recorder.requestsWaiting === rest.length, 'the other calls wait for the next shared transaction');
      await holder.query('COMMIT');
      answers = await Promise.all([first, ...rest]);
    } finally {
      await holder.end();
    }
    const results = answers.map((answer) => answer.recordCall);
    expect(results[5]).toEqual({ created: false, event: null, userErrors: [{ field: ['input'], message: expect.any(String), code: 'REFUSED' }] });
    const stored = results.filter((_, i) => i !== 5);
    expect(stored.every((r) => r.created && r.userErrors.length === 0)).toBe(true);

    // Which transaction stored an event: its stream entry's (the events themselves go in under savepoints).
    const rows = await server.db.query(`SELECT e.id::text, s.xmin::text AS transaction, s.position::text AS position FROM timeline_event e JOIN timeline_stream s ON s.event_id = e.id WHERE e.source = 'grouped'`);
    expect(rows.map((row: { id: string }) => row.id).sort()).toEqual(stored.map((r) => keyOf(r.event.id)).sort());
    // The first call's transaction, then one for the eight that queued behind it.
    expect(new Set(rows.map((row: { transaction: string }) => row.transaction)).size).toBe(2);
    // Each answer's stream cursor is its own event's, and the queued ones come after the first.
    const positions = new Map(rows.map((row: { id: string; position: string }) => [row.id, BigInt(row.position)]));
    const firstPosition = positions.get(keyOf(stored[0].event.id))!;
    for (const r of stored.slice(1)) expect(positions.get(keyOf(r.event.id))! > firstPosition).toBe(true);
    expect(new Set(stored.map((r) => r.event.streamCursor)).size).toBe(stored.length);
  });
});
