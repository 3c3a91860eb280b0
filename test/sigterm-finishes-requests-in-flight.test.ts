import http from 'node:http';
import type net from 'node:net';
import { Client } from 'pg';
import { bearerFor } from './support/credentials';
import { killServerProcesses, startServerProcessOn } from './support/processes';
import { callsFromNewPeople } from './support/factories';
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

/** One HTTP request on `agent`, answering status, body and the socket it went over. */
function request(agent: http.Agent, url: string, method: string, body?: unknown): Promise<{ status: number; body: any; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { 'content-type': 'application/json', authorization: bearerFor(url) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, socket: req.socket! }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('SIGTERM', () => {
  it('turns /readyz red at once, closes idle keep-alive connections, and finishes the requests in flight', async () => {
    const server = await startServerProcessOn(database.url, { SHUTDOWN_DELAY_MS: '1500', DB_LOCK_TIMEOUT_MS: '20000' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const created = await request(agent, server.url, 'POST', { query: `mutation { upsertCustomer(input: { displayName: "Ada" }) { customer { id } } }` });
    const customerId = created.body.data.upsertCustomer.customer.id;
    // An idle keep-alive connection, and whether the server closes it.
    let idleClosed = false;
    created.socket.once('close', () => (idleClosed = true));

    // Requests in flight: they wait on a table locked by the test.
    const lock = new Client({ connectionString: database.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE timeline_event IN ACCESS EXCLUSIVE MODE');
    const busy = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const inFlight = Array.from({ length: 3 }, () =>
      request(busy, server.url, 'POST', { query: `query ($id: ID!) { customer(id: $id) { displayName timeline(first: 5) { edges { node { id } } } } }`, variables: { id: customerId } }),
    );
    await sleep(300);

    server.child.kill('SIGTERM');
    await server.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('shutting down'));
    const ready = await request(new http.Agent({ keepAlive: false }), server.url.replace('/graphql', '/readyz'), 'GET');
    expect(ready).toMatchObject({ status: 503, body: { status: 'stopping' } });
    while (!idleClosed) await sleep(20);

    await lock.query('ROLLBACK');
    await lock.end();
    for (const answer of await Promise.all(inFlight)) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.customer.displayName).toBe('Ada');
    }
    expect(await server.exited).toBe(0);
    agent.destroy();
    busy.destroy();
  });

  it('commits and answers a recording in flight, then stops the recording thread and its pool', async () => {
    const server = await startServerProcessOn(database.url, { SHUTDOWN_DELAY_MS: '500', DB_LOCK_TIMEOUT_MS: '20000' });
    const [{ call }] = callsFromNewPeople(1, 'sigterm');
    // The recording waits, on the recording thread's connection, for a table the test holds locked.
    const lock = new Client({ connectionString: database.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE timeline_event IN ACCESS EXCLUSIVE MODE');
    const recorded = request(new http.Agent({ keepAlive: false }), server.url, 'POST', {
      query: `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created userErrors { message } } }`,
      variables: { input: call },
    });
    for (;;) {
      const { rows } = await lock.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'customer-timeline-recording' AND wait_event_type = 'Lock'`);
      if (rows[0].n > 0) break;
      await sleep(20);
    }

    server.child.kill('SIGTERM');
    await server.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('shutting down'));
    await lock.query('ROLLBACK');

    expect(await recorded).toMatchObject({ status: 200, body: { data: { recordCall: { created: true, userErrors: [] } } } });
    expect(await server.exited).toBe(0);
    const stored = await lock.query('SELECT count(*)::int AS n FROM timeline_event WHERE external_id = $1', [(call as { externalId: string }).externalId]);
    expect(stored.rows[0].n).toBe(1);
    const recording = await lock.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'customer-timeline-recording'`);
    expect(recording.rows[0].n).toBe(0);
    await lock.end();
  });
});
