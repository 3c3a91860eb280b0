import 'reflect-metadata';
import { AuditLog } from '../src/access/audit-log.service';
import { Role } from '../src/core/access-scopes';
import { keyOf } from '../src/relay/global-id';
import { createCustomer, recordCallsFromNewPeople, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { aPersonEverywhere, needles } from './support/personal-data';
import { rowsReadBy } from './support/rows-read';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let agent: { secret: string; id: string };
let analyst: { secret: string; id: string };
beforeAll(async () => {
  server = await startTestServer({ EXPOSE_SQL_STATEMENT_COUNT: 'true' });
  agent = await server.createKey({ role: Role.AGENT, name: 'audited agent' });
  analyst = await server.createKey({ role: Role.ANALYST, name: 'audited analyst' });
});
afterAll(() => server.stop());

const apiKeyId = (id: string) => Buffer.from(`ApiKey:${id}`).toString('base64url');
const ENTRIES = `query ($customerId: ID, $actorId: ID, $since: DateTime, $until: DateTime, $first: Int, $after: String) {
  auditLog(customerId: $customerId, actorId: $actorId, since: $since, until: $until, first: $first, after: $after) {
    edges { node { id at action customerId operationName field outcome actor { id name role scopes } } }
    pageInfo { hasNextPage endCursor }
  } }`;
const entries = async (variables: Record<string, unknown>) => (await server.data(ENTRIES, { first: 100, ...variables })).auditLog.edges.map((e: any) => e.node);
const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id displayName } ${USER_ERRORS} } }`;

describe('the audit log', () => {
  it('records a read that showed personal data in clear: who, when, which customer, which operation', async () => {
    const person = await aPersonEverywhere(server);
    const before = new Date();
    await server.as(agent.secret).data(`query CardForAgent($id: ID!) { customer(id: $id) { displayName } }`, { id: person.id });
    const [entry] = await entries({ customerId: person.id, actorId: apiKeyId(agent.id) });
    expect(entry).toMatchObject({
      action: 'READ',
      customerId: person.id,
      operationName: 'CardForAgent',
      field: 'customer',
      outcome: 'OK',
      actor: { id: apiKeyId(agent.id), name: 'audited agent', role: 'AGENT', scopes: expect.arrayContaining(['PII_READ']) },
    });
    expect(new Date(entry.at).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    // A masked read shows nothing in clear, so it is not a read of personal data.
    await server.as(analyst.secret).data(`query ($id: ID!) { customer(id: $id) { displayName } }`, { id: person.id });
    expect(await entries({ customerId: person.id, actorId: apiKeyId(analyst.id) })).toEqual([]);
  });

  it('writes the entries of a 50-customer search in one statement: the same statements as for one customer', async () => {
    const name = unique('Audrey');
    for (let i = 0; i < 50; i++) await createCustomer(server, { displayName: `${name} ${i}` });
    const SEARCH = `query ($q: String!, $n: Int) { searchCustomers(query: $q, first: $n) { edges { node { id displayName } } } }`;
    const one = await server.as(agent.secret).graphql(SEARCH, { q: name, n: 1 });
    const fifty = await server.as(agent.secret).graphql(SEARCH, { q: name, n: 50 });
    expect(fifty.data.searchCustomers.edges).toHaveLength(50);
    expect(fifty.extensions?.sqlStatements).toBe(one.extensions?.sqlStatements);
    const [{ count }] = await server.db.query(`SELECT count(*)::int AS count FROM audit_entry WHERE actor_id = $1 AND field = 'searchCustomers'`, [apiKeyId(agent.id)]);
    expect(count).toBe(51);
  });

  it('records every write with its outcome: OK, USER_ERROR, FORBIDDEN and FAILED', async () => {
    const email = `${unique('aud')}@example.com`;
    const created = await server.as(agent.secret).data(UPSERT, { input: { displayName: 'Audit Me', identifiers: [{ kind: 'EMAIL', value: email }] } });
    const customerId = created.upsertCustomer.customer.id;
    const other = await createCustomer(server);
    // Taken by the first customer: a user error, about the customer the write named.
    await server.as(agent.secret).data(UPSERT, { input: { id: other.id, identifiers: [{ kind: 'EMAIL', value: email }] } });
    // An analyst may not write.
    await server.as(analyst.secret).graphql(UPSERT, { input: { id: customerId, displayName: 'Nope' } });
    // The database fails: FAILED, and the customer the input named.
    await server.db.query(`CREATE FUNCTION refuse_calls() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.source = 'broken-pbx' THEN RAISE EXCEPTION 'no' USING ERRCODE = 'XX000'; END IF; RETURN NEW; END $$`);
    await server.db.query(`CREATE TRIGGER refuse_calls BEFORE INSERT ON timeline_event FOR EACH ROW EXECUTE FUNCTION refuse_calls()`);
    const failed = await server.graphql(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { created } }`, { input: { customerId, occurredAt: '2026-04-01T10:00:00Z', outcome: 'MISSED', source: 'broken-pbx' } });
    expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');

    expect((await entries({ customerId })).filter((e: any) => e.action === 'WRITE').map((e: any) => [e.field, e.outcome, e.actor.role])).toEqual([
      ['recordCall', 'FAILED', 'ADMIN'],
      ['upsertCustomer', 'FORBIDDEN', 'ANALYST'],
      ['upsertCustomer', 'OK', 'AGENT'],
    ]);
    expect((await entries({ customerId: other.id })).filter((e: any) => e.action === 'WRITE').map((e: any) => [e.field, e.outcome])).toEqual([
      ['upsertCustomer', 'USER_ERROR'],
      ['upsertCustomer', 'OK'],
    ]);
  });

  it('records merges and unmerges for both customers, and lists a survivor with the customers merged into it', async () => {
    const survivor = await createCustomer(server);
    const merged = await createCustomer(server);
    await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { survivorId: survivor.id, mergedId: merged.id } });
    const both = (await entries({ customerId: survivor.id })).filter((e: any) => e.action === 'MERGE');
    expect(both.map((e: any) => e.customerId).sort()).toEqual([survivor.id, merged.id].sort());
    await server.data(`mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { mergedId: merged.id } });
    expect((await entries({ customerId: merged.id })).map((e: any) => e.action).slice(0, 2)).toEqual(['UNMERGE', 'MERGE']);
  });

  it('records what subscriptions deliver in clear', async () => {
    const customer = await createCustomer(server, { displayName: 'Sub Scriber' });
    const client = openClient(server.url, { connectionParams: { authorization: `Bearer ${agent.secret}` } });
    try {
      const events = subscribe(client, `subscription Follow($id: ID) { timelineEventAdded(customerId: $id) { id customer { displayName } } }`, { id: customer.id });
      await untilSubscribed(server, 1);
      await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { created } }`, { input: { customerId: customer.id, occurredAt: '2026-04-02T10:00:00Z', outcome: 'MISSED' } });
      await events.waitFor(1);
      events.stop();
      let read: any[] = [];
      for (const deadline = Date.now() + 10_000; read.length === 0 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        read = (await entries({ customerId: customer.id, actorId: apiKeyId(agent.id) })).filter((e: any) => e.action === 'READ');
      }
      expect(read).toEqual([expect.objectContaining({ field: 'timelineEventAdded', operationName: 'Follow', outcome: 'OK' })]);
    } finally {
      await client.dispose();
    }
  });

  it('filters by time and pages forwards', async () => {
    const customer = await createCustomer(server);
    const middle = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { ${USER_ERRORS} } }`, { input: { id: customer.id, displayName: 'Later' } });
    const all = await entries({ customerId: customer.id });
    expect(all.map((e: any) => e.field)).toEqual(['upsertCustomer', 'upsertCustomer']);
    expect((await entries({ customerId: customer.id, since: middle.toISOString() })).map((e: any) => e.id)).toEqual([all[0].id]);
    expect((await entries({ customerId: customer.id, until: middle.toISOString() })).map((e: any) => e.id)).toEqual([all[1].id]);
    const first = (await server.data(ENTRIES, { customerId: customer.id, first: 1 })).auditLog;
    const second = (await server.data(ENTRIES, { customerId: customer.id, first: 1, after: first.pageInfo.endCursor })).auditLog;
    expect([first.edges[0].node.id, second.edges[0].node.id]).toEqual(all.map((e: any) => e.id));
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('holds no personal values, variables or tokens, and cannot be changed, even by the database owner', async () => {
    const person = await aPersonEverywhere(server);
    await server.as(agent.secret).graphql(`query ($q: String!) { searchCustomers(query: $q) { edges { node { displayName } } } }`, { q: person.values.email });
    const rows = JSON.stringify(await server.db.query(`SELECT * FROM audit_entry`));
    expect([...needles(person.values), agent.secret, analyst.secret, server.adminKey].filter((value) => rows.includes(value))).toEqual([]);
    for (const statement of [`UPDATE audit_entry SET outcome = 'OK'`, `DELETE FROM audit_entry`, `TRUNCATE audit_entry`]) {
      await expect(server.db.query(statement)).rejects.toThrow(/append-only/);
    }
    const mutations = (await server.data(`{ __schema { mutationType { fields { name } } } }`)).__schema.mutationType.fields.map((f: any) => f.name);
    expect(mutations.filter((name: string) => /audit/i.test(name))).toEqual([]);
  });

  it('withholds an answer whose entries cannot be written: SERVICE_UNAVAILABLE, and nothing shown', async () => {
    const person = await aPersonEverywhere(server);
    await server.db.query(`CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.operation_name = 'WhileAuditIsDown' THEN RAISE EXCEPTION 'disk full' USING ERRCODE = '53100'; END IF; RETURN NEW; END $$`);
    await server.db.query(`CREATE TRIGGER audit_down BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_down()`);
    const answer = await server.as(agent.secret).post(`query WhileAuditIsDown($id: ID!) { customer(id: $id) { displayName } }`, { id: person.id });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toEqual(expect.any(String));
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toEqual([{ message: expect.any(String), extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) }]);
    expect(JSON.stringify(answer.body)).not.toContain(person.values.displayName);
    await server.db.query(`DROP TRIGGER audit_down ON audit_entry`);
  });

  it("finds one customer's entries (and those of customers merged into it) by key, not by walking back through everyone's", async () => {
    const survivor = await createCustomer(server);
    const merged = await createCustomer(server);
    await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { survivorId: survivor.id, mergedId: merged.id } });
    // Newer entries about 200 other people, which a walk back from the newest would read first.
    await recordCallsFromNewPeople(server, 200);
    const keyOfCustomer = (id: string) => keyOf(id, 'Customer')!;
    const { result, read } = await rowsReadBy(server.database, ['audit_entry'], (sql) =>
      new AuditLog(sql).list({ customerKey: keyOfCustomer(survivor.id), actorId: null, since: null, until: null }, 20, null),
    );
    const about = new Set(result.map((entry) => entry.customerId));
    expect(about).toEqual(new Set([survivor.id, merged.id]));
    // Newest first across both customers, by number (not as text).
    const positions = result.map((entry) => BigInt(keyOf(entry.id, 'AuditEntry')!));
    expect(positions).toEqual([...positions].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(read.audit_entry).toBeLessThanOrEqual(20);
  });

  it('is for AUDIT_READ only', async () => {
    const answer = await server.as(agent.secret).graphql(`{ auditLog(first: 1) { edges { node { id } } } }`);
    expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
