import { Writable } from 'node:stream';
import { createLogger } from '../src/core/logger';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
const lines: string[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  server = await startTestServer({ LOG_LEVEL: 'debug' }, createLogger('debug', sink));
  // A fault of the deployment that quotes the row it fails on, as PostgreSQL's own errors do.
  await server.db.query(`
    CREATE FUNCTION explode() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.details->>'text' LIKE '%explode%' THEN RAISE EXCEPTION 'cannot store %', NEW.details::text USING ERRCODE = 'XX000', DETAIL = NEW.summary; END IF;
      RETURN NEW;
    END $$`);
  await server.db.query(`CREATE TRIGGER explode BEFORE INSERT ON timeline_event FOR EACH ROW EXECUTE FUNCTION explode()`);
});
afterAll(() => server.stop());

const CANARY = { email: 'canary.leak@example.com', handle: 'canary_leak', text: 'canary secret text, please explode', name: 'Canary Personname' };

describe('log lines', () => {
  it('hold no personal value, even for failing statements that quote them', async () => {
    const { upsertCustomer } = await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } ${USER_ERRORS} } }`, {
      input: { displayName: CANARY.name, identifiers: [{ kind: 'EMAIL', value: CANARY.email }] },
    });
    // Taken by another customer: a user error quoting the value, answered to its caller only.
    await server.graphql(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { ${USER_ERRORS} } }`, {
      input: { displayName: 'Someone', identifiers: [{ kind: 'EMAIL', value: CANARY.email }] },
    });
    // The database fails on the message and quotes it: an internal error for the client.
    const failed = await server.graphql(`mutation ($input: RecordSocialMessageInput!) { recordSocialMessage(input: $input) { created ${USER_ERRORS} } }`, {
      input: { customerId: upsertCustomer.customer.id, occurredAt: '2026-02-01T10:00:00Z', direction: 'INBOUND', platform: 'instagram', handle: CANARY.handle, text: CANARY.text },
    });
    expect(failed.errors?.[0]).toEqual({ message: 'Internal server error', path: ['recordSocialMessage'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(failed)).not.toContain('canary');
    await server.graphql(`query ($q: String!) { searchCustomers(query: $q) { edges { node { displayName } } } }`, { q: CANARY.email });
    await server.graphql(`query ($i: IdentifierInput!) { customerByIdentifier(identifier: $i) { displayName } }`, { i: { kind: 'SOCIAL', namespace: 'instagram', value: CANARY.handle } });
    await server.graphql(`query { customerByIdentifier(identifier: { kind: EMAIL, value: "not an e-mail ${CANARY.handle}" }) { id } }`);

    // Privacy requests, and credentials good and bad: logged by what they are, never by value.
    await server.graphql(`query ($id: ID!) { customerExport(id: $id) }`, { id: upsertCustomer.customer.id });
    await server.graphql(`mutation ($input: EraseCustomerInput!) { eraseCustomer(input: $input) { erasedAt } }`, { input: { customerId: upsertCustomer.customer.id, suppress: true } });
    await server.as('canary-token-that-is-no-key').graphql(`{ viewer { name } }`);

    // The failure was logged, by what it is.
    const unexpected = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'unexpected error while resolving');
    expect(unexpected).toEqual([expect.objectContaining({ err: expect.objectContaining({ code: 'XX000' }) })]);
    expect(lines.length).toBeGreaterThan(5);
    for (const value of ['canary', CANARY.email, CANARY.handle, 'Personname', 'secret text', server.adminKey, server.adminKey.slice(4, 20)]) {
      expect(lines.filter((line) => line.toLowerCase().includes(value.toLowerCase()))).toEqual([]);
    }
  });
});
