import 'reflect-metadata';
import http from 'node:http';
import { Client } from 'pg';
import { loadConfig } from '../src/core/config';
import { ErrorCode } from '../src/core/errors';
import { EventKind } from '../src/core/enums';
import { newRequestScope, runInScope } from '../src/core/request-scope';
import { validateEvent } from '../src/ingest/event-validation';
import { RecordingThread, RecordingThreadFailure } from '../src/ingest/recording-thread';
import { callsFromNewPeople } from './support/factories';
import { bearerFor } from './support/credentials';
import { freePort, killServerProcesses, startServerProcessOn } from './support/processes';
import { sleep } from './support/subscriptions';
import { createTestDatabase } from './support/test-database';

let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  killServerProcesses();
  await database.drop();
});

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
      const stored = await withClient((client) => client.query('SELECT customer_id, stream_position::text FROM timeline_event WHERE id = $1', [outcome.row!.id]));
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

  it('refuses to store once stopped', async () => {
    const thread = threadOn(database.url);
    await thread.start();
    await thread.stop();
    await expect(thread.store([validatedCall()])).rejects.toThrow('the recording thread is stopping');
  });
});

describe('the built server', () => {
  it('commits and answers a recording in flight when SIGTERM comes, then stops its recording thread', async () => {
    const server = await startServerProcessOn(database.url, { SHUTDOWN_DELAY_MS: '500', DB_LOCK_TIMEOUT_MS: '20000' });
    const [{ call }] = callsFromNewPeople(1, 'sigterm');
    // The recording waits on a table the test holds locked, on the recording thread's connection.
    const lock = new Client({ connectionString: database.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE timeline_event IN ACCESS EXCLUSIVE MODE');
    const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: bearerFor(server.url) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created userErrors { message } } }`, variables: { input: call } }));
    });
    await withClient(async (client) => {
      for (let waiting = 0; waiting === 0; await sleep(20)) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'customer-timeline-recording' AND wait_event_type = 'Lock'`);
        waiting = rows[0].n;
      }
    });

    server.child.kill('SIGTERM');
    await server.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('shutting down'));
    await lock.query('ROLLBACK');
    await lock.end();

    expect(await answer).toMatchObject({ status: 200, body: { data: { recordCall: { created: true, userErrors: [] } } } });
    expect(await server.exited).toBe(0);
    const stored = await withClient((client) => client.query('SELECT count(*)::int AS n FROM timeline_event WHERE external_id = $1', [(call as { externalId: string }).externalId]));
    expect(stored.rows[0].n).toBe(1);
    const left = await withClient((client) => client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'customer-timeline-recording'`));
    expect(left.rows[0].n).toBe(0);
  });
});
