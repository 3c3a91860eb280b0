import { Client } from 'pg';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { sleep } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

/** A session of the test's own that holds a table locked until released. */
async function lockTable(server: TestServer, table: string): Promise<{ release(): Promise<void> }> {
  const session = new Client({ connectionString: (server.db.options as { url: string }).url });
  await session.connect();
  await session.query('BEGIN');
  await session.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await session.query('ROLLBACK');
      await session.end();
    },
  };
}

/** How many of the server's pooled connections are waiting for a lock right now. */
async function serverConnectionsWaitingForLocks(server: TestServer): Promise<number> {
  const [row] = await server.db.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'customer-timeline' AND wait_event_type = 'Lock'`,
  );
  return row.n;
}

const TIMELINE = `query ($id: ID!) { customer(id: $id) { id timeline(first: 5) { edges { node { id } } } } }`;
const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created ${USER_ERRORS} } }`;

describe('a slow database', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DB_CONNECTIONS_PER_REQUEST: '2', DB_LOCK_TIMEOUT_MS: '20000', OPERATION_TIMEOUT_MS: '20000' });
  });
  afterAll(() => server.stop());

  it('lets one request hold at most DB_CONNECTIONS_PER_REQUEST connections, so others are still served', async () => {
    await createCustomer(server, { displayName: 'Ada Lovelace' });
    const lock = await lockTable(server, 'customer_identifier');
    try {
      const searches = Array.from({ length: 10 }, (_, i) => `s${i}: searchCustomers(query: "ada${i}") { edges { node { id } } }`).join(' ');
      const heavy = server.post(`{ ${searches} }`);
      let most = 0;
      for (let i = 0; i < 20; i++) {
        most = Math.max(most, await serverConnectionsWaitingForLocks(server));
        await sleep(25);
      }
      expect(most).toBe(2);
      // Another request needs a connection too (to a table nobody holds: a customer is read with
      // its identifiers, which are locked), and gets one while the first still waits.
      const other = await server.data(`{ apiKeys(first: 1) { edges { node { name } } } }`);
      expect(other.apiKeys.edges).toHaveLength(1);
      await lock.release();
      const answer = await heavy;
      expect(answer.body.errors).toBeUndefined();
      expect(Object.keys(answer.body.data)).toHaveLength(10);
    } finally {
      await lock.release().catch(() => undefined);
    }
  });
});

describe('time limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DB_LOCK_TIMEOUT_MS: '300', OPERATION_TIMEOUT_MS: '20000' });
  });
  afterAll(() => server.stop());

  it('answers TIMEOUT when a statement waits on a lock longer than DB_LOCK_TIMEOUT_MS', async () => {
    const customer = await createCustomer(server);
    const lock = await lockTable(server, 'timeline_event');
    try {
      const answer = await server.post(TIMELINE, { id: customer.id });
      // The timeline is read ahead in the customer's own statement, so that statement is the one that waited.
      expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'TIMEOUT' }, path: ['customer'] })]);
    } finally {
      await lock.release();
    }
  });
});

describe('the operation time limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DB_LOCK_TIMEOUT_MS: '20000', OPERATION_TIMEOUT_MS: '700' });
  });
  afterAll(() => server.stop());

  it('ends a read that would outlast OPERATION_TIMEOUT_MS with TIMEOUT', async () => {
    const customer = await createCustomer(server);
    const lock = await lockTable(server, 'timeline_event');
    try {
      const answer = await server.post(TIMELINE, { id: customer.id });
      expect(answer.body.errors?.[0].extensions?.code).toBe('TIMEOUT');
    } finally {
      await lock.release();
    }
  });

  it('rolls back a write that ran out of time: TIMEOUT, and nothing is stored', async () => {
    const customer = await createCustomer(server);
    const externalId = unique('late');
    const lock = await lockTable(server, 'timeline_event');
    let answer;
    try {
      answer = await server.post(RECORD_CALL, { input: { customerId: customer.id, occurredAt: '2026-02-01T10:00:00Z', outcome: 'ANSWERED', source: 'test', externalId } });
    } finally {
      await lock.release();
    }
    expect(answer.body.errors?.[0].extensions?.code).toBe('TIMEOUT');
    await sleep(200);
    const [row] = await server.db.query(`SELECT count(*)::int AS n FROM timeline_event WHERE external_id = $1`, [externalId]);
    expect(row.n).toBe(0);
  });
});

describe('a pool with no connection free', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DB_POOL_SIZE: '2', DB_CONNECTIONS_PER_REQUEST: '2', DB_ACQUIRE_TIMEOUT_MS: '300', DB_LOCK_TIMEOUT_MS: '20000', OPERATION_TIMEOUT_MS: '20000' });
  });
  afterAll(() => server.stop());

  it('answers TIMEOUT after DB_ACQUIRE_TIMEOUT_MS instead of waiting for ever', async () => {
    const customer = await createCustomer(server);
    const lock = await lockTable(server, 'customer_identifier');
    try {
      const searches = Array.from({ length: 4 }, (_, i) => `s${i}: searchCustomers(query: "someone${i}") { edges { node { id } } }`).join(' ');
      const heavy = server.post(`{ ${searches} }`);
      while ((await serverConnectionsWaitingForLocks(server)) < 2) await sleep(20);
      const starved = await server.post(`query ($id: ID!) { customer(id: $id) { displayName } }`, { id: customer.id });
      expect(starved.body.errors?.[0].extensions?.code).toBe('TIMEOUT');
      await lock.release();
      expect((await heavy).body.errors).toBeUndefined();
    } finally {
      await lock.release().catch(() => undefined);
    }
  });
});
