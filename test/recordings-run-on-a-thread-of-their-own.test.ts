import 'reflect-metadata';
import type { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { loadConfig } from '../src/core/config';
import { ErrorCode } from '../src/core/errors';
import { EventKind } from '../src/core/enums';
import { newRequestScope, runInScope } from '../src/core/request-scope';
import { validateEvent } from '../src/ingest/event-validation';
import { RecordingThread, RecordingThreadFailure } from '../src/ingest/recording-thread';
import { keyOf } from '../src/relay/global-id';
import { callsFromNewPeople, createCustomer, unique } from './support/factories';
import { sleep } from './support/subscriptions';
import { startTestServer } from './support/test-server';
import { freePort } from './support/processes';
import { createTestDatabase } from './support/test-database';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const threadOn = (url: string) => new RecordingThread({ databaseUrl: url, config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }) });

/** One call of a new person, validated as the recorder hands it over. */
function validatedCall(): Parameters<RecordingThread['store']>[0][number] {
  const [{ call }] = callsFromNewPeople(1, 'thread');
  // As GraphQL hands it over: the DateTime scalar has made a Date of the timestamp.
  const input = { ...(call as { occurredAt: string }), occurredAt: new Date((call as { occurredAt: string }).occurredAt) };
  const validation = validateEvent(EventKind.CALL, input as never, ['input'], 'US');
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  return { event: validation.event, path: ['input'] };
}

async function withClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The backends of recording threads' pools in the test database. */
const recordingBackends = () =>
  withClient(async (client) => {
    const { rows } = await client.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'customer-timeline-recording'`);
    return rows.map((row: { pid: number }) => row.pid);
  });

describe('the recording thread', () => {
  it('stores on a pool of its own, and its statements count for the request that asked', async () => {
    const thread = threadOn(database.url);
    await thread.start();
    try {
      const scope = newRequestScope({ timeoutMs: 10_000, maxConnections: 1 });
      const [outcome] = await runInScope(scope, () => thread.store([validatedCall()]));
      expect(outcome).toMatchObject({ created: true, userErrors: [] });
      // The recording transaction's statements, from BEGIN to COMMIT, as if they had run on this thread.
      expect(scope.statements).toBeGreaterThanOrEqual(10);
      const stored = await withClient((client) => client.query('SELECT e.customer_id, s.position::text AS stream_position FROM timeline_event e JOIN timeline_stream s ON s.event_id = e.id WHERE e.id = $1', [outcome.row!.id]));
      expect(stored.rows).toEqual([{ customer_id: outcome.row!.customer_id, stream_position: outcome.row!.stream_position }]);
      const pools = await withClient((client) => client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'customer-timeline-recording'`));
      expect(pools.rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      await thread.stop();
    }
    const left = await withClient((client) => client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'customer-timeline-recording'`));
    expect(left.rows[0].n).toBe(0);
  });

  it('hands back a public error as the client will see it: TIMEOUT once the request is out of time, with nothing stored', async () => {
    const thread = threadOn(database.url);
    await thread.start();
    try {
      const item = validatedCall();
      const late = { ...newRequestScope({ timeoutMs: 10_000, maxConnections: 1 }), deadline: Date.now() - 1 };
      await expect(runInScope(late, () => thread.store([item]))).rejects.toMatchObject({ extensions: { code: ErrorCode.TIMEOUT } });
      const stored = await withClient((client) => client.query('SELECT count(*)::int AS n FROM timeline_event WHERE external_id = $1', [item.event.externalId]));
      expect(stored.rows[0].n).toBe(0);
    } finally {
      await thread.stop();
    }
  });

  it('fails to start, saying why, when its pool cannot connect', async () => {
    const nobody = `postgres://postgres@127.0.0.1:${await freePort()}/nothing`;
    const failure = await threadOn(nobody).start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RecordingThreadFailure);
    expect(failure).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails what a lost thread carried, and stores the next events on a new thread with a pool of its own', async () => {
    const thread = threadOn(database.url);
    // Jest's sandboxed `process` does not see the 'worker' event, so the thread is read off the instance.
    const threadOf = () => (thread as unknown as { thread: Promise<Worker> | null }).thread;
    try {
      await thread.start();
      const lost = (await threadOf())!;
      const [first] = await thread.store([validatedCall()]);
      expect(first.created).toBe(true);
      const lostBackends = await recordingBackends();
      expect(lostBackends).not.toHaveLength(0);

      // The thread dies (as on running out of memory) with a store on its way.
      const carried = validatedCall();
      const onItsWay = thread.store([carried]).catch((error: unknown) => error);
      await lost.terminate();
      const failure = await onItsWay;
      expect(failure).toBeInstanceOf(RecordingThreadFailure);
      expect((failure as Error).message).toMatch(/the recording thread exited/);
      // The caller cannot know whether it committed; sent again, the event is stored once.
      const [again] = await thread.store([carried]);
      expect(again.userErrors).toEqual([]);
      const carriedRows = await withClient((client) => client.query('SELECT id::text FROM timeline_event WHERE external_id = $1', [carried.event.externalId]));
      expect(carriedRows.rows).toEqual([{ id: again.row!.id }]);

      const [next] = await thread.store([validatedCall()]);
      expect(next).toMatchObject({ created: true, userErrors: [] });
      expect(await threadOf()).not.toBe(lost);
      // The lost thread's connections went with it.
      for (let waited = 0; ; waited += 50) {
        const left = (await recordingBackends()).filter((pid) => lostBackends.includes(pid));
        if (left.length === 0 || waited > 5000) {
          expect(left).toEqual([]);
          break;
        }
        await sleep(50);
      }
      expect(await recordingBackends()).not.toHaveLength(0);
    } finally {
      await thread.stop();
    }
  });

  it('refuses to store once stopped', async () => {
    const thread = threadOn(database.url);
    await thread.start();
    await thread.stop();
    await expect(thread.store([validatedCall()])).rejects.toThrow('the recording thread is stopping');
  });
});

describe('a server', () => {
  it('stores a single call while an import holds every connection the recording thread has for large batches', async () => {
    const server = await startTestServer({ DB_RECORDING_POOL_SIZE: '1', DB_LOCK_TIMEOUT_MS: '20000' });
    try {
      const importing = await createCustomer(server);
      const calling = await createCustomer(server);
      const call = (customerId: string) => ({ customerId, occurredAt: '2026-04-01T08:00:00Z', direction: 'INBOUND', outcome: 'ANSWERED', source: 'lanes', externalId: unique('lane') });
      // The import's customer is held by the test, so the import waits on the only batch connection.
      const holder = new Client({ connectionString: server.databaseUrl });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM customer WHERE id = $1 FOR UPDATE', [keyOf(importing.id, 'Customer')]);
      let imported = false;
      const importDone = server
        .data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events: Array.from({ length: 101 }, () => ({ call: call(importing.id) })) } })
        .finally(() => (imported = true));
      for (;;) {
        const { rows } = await holder.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'customer-timeline-recording' AND wait_event_type = 'Lock'`);
        if (rows[0].n > 0) break;
        await sleep(20);
      }

      const single = await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { created userErrors { message } } }`, { input: call(calling.id) });
      expect(single.recordCall).toEqual({ created: true, userErrors: [] });
      expect(imported).toBe(false);

      await holder.query('ROLLBACK');
      await holder.end();
      const { recordEvents } = await importDone;
      expect(recordEvents.results.filter((result: { created: boolean }) => result.created)).toHaveLength(101);
    } finally {
      await server.stop();
    }
  });
});
