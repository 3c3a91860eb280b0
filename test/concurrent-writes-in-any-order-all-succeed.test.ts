import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const SYNC = `mutation ($input: SyncCustomersInput!) { syncCustomers(input: $input) { results { customer { id version } ${USER_ERRORS} } } }`;
const MERGE = `mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { survivor { id } ${USER_ERRORS} } }`;
const UNMERGE = `mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { restored { id } ${USER_ERRORS} } }`;
const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created ${USER_ERRORS} } }`;
const keyOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];

describe('concurrent writes to the same customers', () => {
  it('six syncs of the same 60 customers in opposite orders all succeed, and no update is lost', async () => {
    const emails = Array.from({ length: 60 }, () => `${unique('sync')}@example.com`);
    const customers = await Promise.all(emails.map((email) => createCustomer(server, { identifiers: [{ kind: 'EMAIL', value: email }] })));
    const ROUNDS = 3;
    for (let round = 0; round < ROUNDS; round++) {
      const syncs = Array.from({ length: 6 }, (_, writer) => {
        const items = emails.map((email, i) => ({ identifiers: [{ kind: 'EMAIL', value: email }], displayName: `Round ${round} writer ${writer} #${i}`, clientRef: String(i) }));
        return server.post(SYNC, { input: { customers: writer % 2 === 0 ? items : items.reverse() } });
      });
      for (const answer of await Promise.all(syncs)) {
        expect(answer.body.errors).toBeUndefined();
        for (const result of answer.body.data.syncCustomers.results) expect(result.userErrors).toEqual([]);
      }
    }
    // Every sync changed every customer's name once: versions count every write.
    const rows = await server.db.query(`SELECT version FROM customer WHERE id = ANY($1::uuid[])`, [customers.map((c) => keyOf(c.id))]);
    expect(rows.map((r: { version: number }) => r.version)).toEqual(Array(60).fill(1 + 6 * ROUNDS));
  });

  it('merges, unmerges and writes racing on the same two customers end consistent, with user errors at most', async () => {
    for (let round = 0; round < 6; round++) {
      const email = `${unique('pair')}@example.com`;
      const survivor = await createCustomer(server);
      const merged = await createCustomer(server, { identifiers: [{ kind: 'EMAIL', value: email }] });
      await server.data(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id } });
      const racing = [
        server.post(UNMERGE, { input: { mergedId: merged.id } }),
        server.post(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id } }),
        server.post(MERGE, { input: { survivorId: merged.id, mergedId: survivor.id } }),
        server.post(UNMERGE, { input: { mergedId: merged.id } }),
        ...Array.from({ length: 4 }, (_, i) =>
          server.post(RECORD_CALL, { input: { identifier: { kind: 'EMAIL', value: email }, occurredAt: '2026-02-01T10:00:00Z', outcome: 'MISSED', source: 'race', externalId: unique(`c${i}`) } }),
        ),
      ];
      for (const answer of await Promise.all(racing)) {
        expect(answer.body.errors).toBeUndefined();
        for (const payload of Object.values(answer.body.data) as { userErrors: { code: string }[] }[]) {
          for (const error of payload.userErrors) expect(['ALREADY_MERGED', 'NOT_MERGED']).toContain(error.code);
        }
      }
      // The ledger and the customers agree, and no event sits on a merged-away customer.
      const rows = await server.db.query(
        `SELECT c.id, c.merged_into, (SELECT m.survivor_id FROM customer_merge m WHERE m.merged_id = c.id AND m.unmerged_at IS NULL) AS ledger_survivor,
                (SELECT count(*)::int FROM timeline_event e WHERE e.customer_id = c.id) AS events
         FROM customer c WHERE c.id = ANY($1::uuid[])`,
        [[keyOf(survivor.id), keyOf(merged.id)]],
      );
      for (const row of rows) {
        expect(row.merged_into).toBe(row.ledger_survivor);
        if (row.merged_into) expect(row.events).toBe(0);
      }
      const [{ total }] = await server.db.query(`SELECT count(*)::int AS total FROM timeline_event WHERE customer_id = ANY($1::uuid[])`, [[keyOf(survivor.id), keyOf(merged.id)]]);
      expect(total).toBe(4);
    }
  });
});
