import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created event { id } ${USER_ERRORS} } }`;
const MERGE = `mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { survivor { id } ${USER_ERRORS} } }`;
const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } ${USER_ERRORS} } }`;
const PREFERENCES = `mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { preferences { notes } ${USER_ERRORS} } }`;
const TIMELINE = `query ($id: ID!) { customer(id: $id) { id timeline(first: 100) { edges { node { id } } } } }`;

const ROUNDS = 8;
/** The database key inside a global id, to look at the rows themselves. */
const keyOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];
const WRITERS = 15;

describe('writes racing a merge', () => {
  it('every acknowledged event recorded by the merged customer’s identifier is on the survivor', async () => {
    let acknowledged = 0;
    let visible = 0;
    let stranded = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const survivor = await createCustomer(server);
      const email = `${unique('merged')}@example.com`;
      const merged = await createCustomer(server, { identifiers: [{ kind: 'EMAIL', value: email }] });
      const writes = Array.from({ length: WRITERS }, (_, i) =>
        server.graphql(RECORD_CALL, {
          input: { identifier: { kind: 'EMAIL', value: email }, occurredAt: '2026-02-01T10:00:00Z', outcome: 'ANSWERED', source: 'race', externalId: unique(`call-${i}`) },
        }),
      );
      // The merge goes out among the writes, so some commit before it and some after.
      await new Promise((resolve) => setTimeout(resolve, round % 4));
      const merge = server.graphql(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id } });
      const [mergeResult, ...results] = await Promise.all([merge, ...writes]);
      expect(mergeResult.errors).toBeUndefined();
      expect(mergeResult.data.mergeCustomers.userErrors).toEqual([]);
      for (const result of results) {
        expect(result.errors).toBeUndefined();
        if (result.data.recordCall.created) acknowledged++;
      }
      const timeline = await server.data(TIMELINE, { id: survivor.id });
      visible += timeline.customer.timeline.edges.length;
      // Nothing stays behind on the merged-away customer.
      const [left] = await server.db.query(`SELECT count(*)::int AS n FROM timeline_event WHERE customer_id = $1`, [keyOf(merged.id)]);
      stranded += left.n;
    }
    expect({ acknowledged, visible, stranded }).toEqual({ acknowledged: ROUNDS * WRITERS, visible: ROUNDS * WRITERS, stranded: 0 });
  });

  it('profile and preference writes by the merged id racing a merge end on the survivor', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const survivor = await createCustomer(server);
      const merged = await createCustomer(server);
      const notes = Array.from({ length: WRITERS }, (_, i) => `note ${round}.${i}`);
      const writes = notes.map((note, i) =>
        i % 2 === 0
          ? server.graphql(PREFERENCES, { input: { customerId: merged.id, notes: [note] } })
          : server.graphql(UPSERT, { input: { id: merged.id, familyName: `Family ${note}` } }),
      );
      await new Promise((resolve) => setTimeout(resolve, round % 4));
      const [mergeResult, ...results] = await Promise.all([server.graphql(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id } }), ...writes]);
      expect(mergeResult.data.mergeCustomers.userErrors).toEqual([]);
      for (const result of results) expect(result.errors).toBeUndefined();
      // Once merged, the merged-away row is never written again: it still holds what the merge
      // ledger saw of it, and every later write went to the survivor.
      const [row] = await server.db.query(
        `SELECT c.notes = ARRAY(SELECT jsonb_array_elements_text(m.merged_before->'notes')) AND c.family_name IS NOT DISTINCT FROM m.merged_before->>'family_name' AS unchanged
         FROM customer c JOIN customer_merge m ON m.merged_id = c.id WHERE c.id = $1`,
        [keyOf(merged.id)],
      );
      expect(row.unchanged).toBe(true);
    }
  });
});
