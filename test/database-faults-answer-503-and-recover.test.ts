import type { Client } from 'graphql-ws';
import { Writable } from 'node:stream';
import { createLogger } from '../src/core/logger';
import { FaultProxy } from './support/fault-proxy';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { openClient, sleep, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let proxy: FaultProxy;
let client: Client;
const logs: Record<string, any>[] = [];

beforeAll(async () => {
  const admin = new URL(process.env.CT_TEST_ADMIN_URL!);
  proxy = new FaultProxy(admin.hostname, Number(admin.port || 5432));
  await proxy.start();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  server = await startTestServer(
    { DB_STATEMENT_TIMEOUT_MS: '1000', DB_ACQUIRE_TIMEOUT_MS: '1000', READYZ_TIMEOUT_MS: '500', OPERATION_TIMEOUT_MS: '5000', LOG_LEVEL: 'info' },
    createLogger('info', sink),
    { serverDatabaseUrl: (url) => proxy.urlFor(url) },
  );
  client = openClient(server.url);
});
afterAll(async () => {
  await client.dispose();
  await proxy.heal();
  await server.stop();
  await proxy.stop();
});

const READ = `query ($id: ID!) { customer(id: $id) { id displayName timeline(first: 3) { edges { node { id } } } } }`;
const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created event { id } ${USER_ERRORS} } }`;
const call = (customerId: string) => ({ customerId, occurredAt: '2026-02-01T10:00:00Z', outcome: 'ANSWERED', source: 'faults', externalId: unique('call') });

async function status(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.origin}${path}`);
  return { status: response.status, body: await response.json() };
}

/** Polls until `check` holds; the test's own timeout bounds it. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(100);
}

describe('when the database goes away', () => {
  let customerId: string;
  beforeAll(async () => {
    customerId = (await createCustomer(server, { displayName: 'Ada' })).id;
  });

  it('answers SERVICE_UNAVAILABLE with 503 and Retry-After, keeps /healthz up, turns /readyz red, and logs it once', async () => {
    await proxy.refuse();
    const answers = await Promise.all(Array.from({ length: 5 }, () => server.post(READ, { id: customerId })));
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toContain('SERVICE_UNAVAILABLE');
    }
    expect(await status('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await status('/readyz')).toMatchObject({ status: 503, body: { database: 'unreachable' } });
    expect(logs.filter((line) => line.msg?.startsWith('database unreachable'))).toHaveLength(1);
    expect(logs.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('recovers by itself when it is back, subscriptions included', async () => {
    const events = subscribe(client, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }`, { id: customerId });
    await proxy.heal();
    await eventually(async () => (await server.post(READ, { id: customerId })).status === 200);
    expect(await status('/readyz')).toMatchObject({ status: 200, body: { database: 'ok' } });
    expect(logs.filter((line) => line.msg === 'database reachable again')).toHaveLength(1);
    await untilSubscribed(server, 1);
    await eventually(async () => server.realtime.isListening);
    const { recordCall } = await server.data(RECORD_CALL, { input: call(customerId) });
    await events.waitFor(1);
    expect(events.results[0].data.timelineEventAdded.id).toBe(recordCall.event.id);
    events.stop();
  });
});

describe('behind a network partition', () => {
  it('fails requests within seconds instead of hanging, and /readyz within its own deadline', async () => {
    const customerId = (await createCustomer(server, { displayName: 'Grace' })).id;
    const events = subscribe(client, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }`, { id: customerId });
    await untilSubscribed(server, 1);
    proxy.partition();
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => server.post(READ, { id: customerId })));
      for (const answer of answers) expect(['TIMEOUT', 'SERVICE_UNAVAILABLE']).toContain(answer.body.errors?.[0].extensions?.code);
      const started = Date.now();
      expect((await status('/readyz')).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);
      // The LISTEN connection notices by its heartbeat and reconnects once the network is back.
      await eventually(async () => !server.realtime.isListening);
    } finally {
      await proxy.heal();
    }
    await eventually(async () => (await server.post(READ, { id: customerId })).status === 200 && server.realtime.isListening);
    const { recordCall } = await server.data(RECORD_CALL, { input: call(customerId) });
    await events.waitFor(1);
    expect(events.results.map((r) => r.data.timelineEventAdded.id)).toEqual([recordCall.event.id]);
    events.stop();
    expect(logs.filter((line) => line.level >= 50)).toEqual([]);
  });
});
