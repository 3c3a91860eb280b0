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

const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { id streamCursor } ${USER_ERRORS} } } }`;
const keyOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];

type Result = { created: boolean; event: { id: string; streamCursor: string } | null; userErrors: { field: string[]; code: string }[] };

/** Recording transactions waiting for the lock on timeline_event, by their INSERT. */
async function insertsWaiting(): Promise<number> {
  const [{ n }] = await server.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO timeline_event%'`);
  return n;
}

describe('small batches of concurrent requests', () => {
  it('are stored in one transaction while another is on its way, each item answered on its own; a large batch goes alone', async () => {
    // A customer per request, so that no request waits for another's cases.
    const [first, a, b, c, large] = await Promise.all(Array.from({ length: 5 }, () => createCustomer(server)));
    const batch = (customerId: string, size: number, poisonAt = -1) =>
      Array.from({ length: size }, (_, i) => ({
        call: { customerId, occurredAt: '2026-02-01T10:00:00Z', outcome: 'ANSWERED', summary: i === poisonAt ? 'poison call' : `call ${i}`, source: 'grouped-batch', externalId: unique('call') },
      }));
    const record = (events: unknown[]) => server.data(RECORD_EVENTS, { input: { events } }).then((data) => data.recordEvents.results as Result[]);
    // Holding a lock the first INSERT needs keeps its transaction on its way; the other batches queue meanwhile.
    const holder = new Client({ connectionString: server.databaseUrl });
    await holder.connect();
    let answers: Result[][];
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE timeline_event IN SHARE MODE');
      const firstAnswer = record(batch(first.id, 2));
      await waitUntil(async () => (await insertsWaiting()) === 1, 'the first batch waits for the lock');
      const queued = [record(batch(a.id, 3)), record(batch(b.id, 3, 1)), record(batch(c.id, 3))];
      // 101 events: more than a shared transaction takes from one request, so it does not queue.
      const largeAnswer = record(batch(large.id, 101));
      await waitUntil(async () => (await insertsWaiting()) >= 2, 'the large batch waits for the lock in a transaction of its own');
      await waitUntil(async () => server.services.recorder.requestsWaiting === 3, 'the three small batches wait for the next shared transaction');
      await holder.query('COMMIT');
      answers = await Promise.all([firstAnswer, ...queued, largeAnswer]);
    } finally {
      await holder.end();
    }
    const [firstResults, aResults, bResults, cResults, largeResults] = answers;

    // The refused item fails alone, naming itself; every other item of every batch is stored.
    expect(bResults[1]).toEqual({ created: false, event: null, userErrors: [{ field: ['input', 'events', '1', 'call'], message: expect.any(String), code: 'REFUSED' }] });
    const stored = [...firstResults, ...aResults, bResults[0], bResults[2], ...cResults, ...largeResults];
    expect(stored.every((r) => r.created && r.userErrors.length === 0)).toBe(true);
    expect(new Set(stored.map((r) => r.event!.streamCursor)).size).toBe(stored.length);

    // Which transaction stored an event: its stream entry's (the events themselves go in under savepoints).
    const rows: { id: string; transaction: string; position: string }[] = await server.db.query(
      `SELECT e.id::text, s.xmin::text AS transaction, s.position::text AS position FROM timeline_event e JOIN timeline_stream s ON s.event_id = e.id WHERE e.source = 'grouped-batch'`,
    );
    expect(rows.map((row) => row.id).sort()).toEqual(stored.map((r) => keyOf(r.event!.id)).sort());
    const byKey = new Map(rows.map((row) => [row.id, row]));
    const transactionsOf = (results: Result[]) => new Set(results.filter((r) => r.event).map((r) => byKey.get(keyOf(r.event!.id))!.transaction));
    // The first batch's transaction; one for the three batches that queued behind it; the large batch's own.
    const [firstTx, queuedTx, largeTx] = [transactionsOf(firstResults), transactionsOf([...aResults, ...bResults, ...cResults]), transactionsOf(largeResults)];
    expect([firstTx.size, queuedTx.size, largeTx.size]).toEqual([1, 1, 1]);
    expect(new Set([...firstTx, ...queuedTx, ...largeTx]).size).toBe(3);
    // Each answer's stream cursor is its own event's; the queued batches come after the first, in the order they came.
    const positionOf = (r: Result) => BigInt(byKey.get(keyOf(r.event!.id))!.position);
    const queuedPositions = [...aResults, bResults[0], bResults[2], ...cResults].map(positionOf);
    expect(Math.min(...queuedPositions.map(Number))).toBeGreaterThan(Math.max(...firstResults.map(positionOf).map(Number)));
    expect(queuedPositions).toEqual([...queuedPositions].sort((x, y) => (x < y ? -1 : 1)));
  });
});
