import { Client } from 'pg';
import { Role } from '../src/core/access-scopes';
import { createCustomer } from './support/factories';
import { startTestServer, type TestServer } from './support/test-server';
import { waitUntil } from './support/waiting';

let server: TestServer;
let agent: { secret: string; id: string };
beforeAll(async () => {
  server = await startTestServer();
  agent = await server.createKey({ role: Role.AGENT, name: 'group commit agent' });
});
afterAll(() => server.stop());

const CARD = `query GroupedCard($id: ID!) { customer(id: $id) { displayName } }`;
const apiKeyId = (id: string) => Buffer.from(`ApiKey:${id}`).toString('base64url');

describe('audit entries of concurrent requests', () => {
  it('are written together while an INSERT is on its way, and no answer goes out before its own entry is committed', async () => {
    const customers = await Promise.all(Array.from({ length: 12 }, () => createCustomer(server)));
    // Holding a lock the INSERT needs keeps the first one waiting; the other requests finish meanwhile.
    const holder = new Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE audit_entry IN SHARE MODE');
      const answered: string[] = [];
      const first = server.as(agent.secret).data(CARD, { id: customers[0].id }).then(() => answered.push(customers[0].id));
      const waitingInserts = async () => {
        // (Not on the holder: inside its transaction the statistics views keep their first snapshot.)
        const rows = await server.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO audit_entry%'`);
        return rows[0].n === 1;
      };
      await waitUntil(waitingInserts, 'the first INSERT waits for the lock');
      const rest = customers.slice(1).map((customer) => server.as(agent.secret).data(CARD, { id: customer.id }).then(() => answered.push(customer.id)));
      // The others have run their reads and queued their entries behind the waiting INSERT.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered).toEqual([]);
      await holder.query('COMMIT');
      await Promise.all([first, ...rest]);
    } finally {
      await holder.end();
    }
    const rows = await server.db.query(
      `SELECT customer_id::text AS customer, xmin::text AS transaction FROM audit_entry WHERE actor_id = $1 AND operation_name = 'GroupedCard'`,
      [apiKeyId(agent.id)],
    );
    expect(rows.map((row: { customer: string }) => row.customer).sort()).toEqual(customers.map((c) => Buffer.from(c.id, 'base64url').toString().split(':')[1]).sort());
    // The first request's INSERT, then one for the eleven that queued behind it.
    expect(new Set(rows.map((row: { transaction: string }) => row.transaction)).size).toBe(2);
  });
});
