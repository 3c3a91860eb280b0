import { databaseState } from './support/database-state';
import { unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ DEFAULT_PHONE_REGION: 'GB' });
});
afterAll(() => server.stop());

const PAYLOAD = `created clientRef customer { id displayName version identifiers { kind value namespace verified source } } userErrors { field message code customerId }`;
const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { ${PAYLOAD} } }`;
const SYNC = `mutation ($input: SyncCustomersInput!) { syncCustomers(input: $input) { results { ${PAYLOAD} } } }`;
const REMOVE = `mutation ($input: RemoveIdentifierInput!) { removeIdentifier(input: $input) { ${PAYLOAD} } }`;

async function upsert(input: Record<string, unknown>) {
  return (await server.data(UPSERT, { input })).upsertCustomer;
}

describe('identifier normalisation', () => {
  it('reads one phone number in every common notation, with the default region for national numbers', async () => {
    const { customer } = await upsert({ displayName: 'Phone Person', identifiers: [{ kind: 'PHONE', value: '+44 20 7946 0958' }] });
    for (const value of ['0044 20-7946-0958', '020 7946 0958', '(020) 7946 0958', '+442079460958']) {
      const found = await server.data(`query ($v: String!) { customerByIdentifier(identifier: {kind: PHONE, value: $v}) { id } }`, { v: value });
      expect(found.customerByIdentifier?.id).toBe(customer.id);
    }
  });

  it('normalises e-mail, handles and WhatsApp ids, and names the field of an invalid one', async () => {
    const handle = unique('Runner').replace(/-/g, '_');
    const { customer, userErrors } = await upsert({
      displayName: 'Handles',
      identifiers: [
        { kind: 'EMAIL', value: `  ${handle}@Example.COM ` },
        { kind: 'SOCIAL', namespace: 'Instagram', value: `@${handle}` },
        { kind: 'SOCIAL', namespace: 'whatsapp', value: '020 7946 0999' },
        { kind: 'EXTERNAL_ID', namespace: 'salesforce', value: ' 003AbC ' },
      ],
    });
    expect(userErrors).toEqual([]);
    expect(customer.identifiers.map((i: any) => [i.kind, i.namespace, i.value])).toEqual([
      ['EMAIL', null, `${handle.toLowerCase()}@example.com`],
      ['SOCIAL', 'instagram', handle.toLowerCase()],
      ['SOCIAL', 'whatsapp', '+442079460999'],
      ['EXTERNAL_ID', 'salesforce', '003AbC'],
    ]);
    const invalid = await upsert({ displayName: 'Bad', identifiers: [{ kind: 'EMAIL', value: 'ok@example.com' }, { kind: 'PHONE', value: '12345' }] });
    expect(invalid.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'identifiers', '1', 'value'] })]);
  });
});

describe('identifier conflicts', () => {
  it('refuses an identifier another customer owns, naming that customer so the caller can merge', async () => {
    const email = `${unique('own')}@example.com`;
    const owner = (await upsert({ displayName: 'Owner', identifiers: [{ kind: 'EMAIL', value: email }] })).customer;
    const other = (await upsert({ displayName: 'Other', identifiers: [{ kind: 'EMAIL', value: `${unique('o')}@example.com` }] })).customer;
    const before = await databaseState(server.db);
    const taken = await upsert({ id: other.id, identifiers: [{ kind: 'EMAIL', value: email.toUpperCase() }] });
    expect(taken.userErrors).toEqual([expect.objectContaining({ code: 'IDENTIFIER_TAKEN', customerId: owner.id })]);
    // Identifiers matching two customers are the same error, never a silent merge.
    const both = await upsert({ identifiers: [{ kind: 'EMAIL', value: email }, { kind: 'EMAIL', value: other.identifiers[0].value }], displayName: 'Both' });
    expect(both.userErrors.map((e: any) => e.code)).toEqual(['IDENTIFIER_TAKEN', 'IDENTIFIER_TAKEN']);
    expect(both.userErrors.map((e: any) => e.customerId).sort()).toEqual([owner.id, other.id].sort());
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('removes an identifier and marks one verified', async () => {
    const email = `${unique('rm')}@example.com`;
    const { customer } = await upsert({ displayName: 'Removable', identifiers: [{ kind: 'EMAIL', value: email }, { kind: 'PHONE', value: '020 7946 0111' }] });
    const verified = await upsert({ id: customer.id, identifiers: [{ kind: 'PHONE', value: '+44 20 7946 0111', verified: true }] });
    expect(verified.customer.identifiers.find((i: any) => i.kind === 'PHONE').verified).toBe(true);
    expect(verified.customer.version).toBe(customer.version + 1);

    const removed = (await server.data(REMOVE, { input: { customerId: customer.id, identifier: { kind: 'EMAIL', value: email.toUpperCase() } } })).removeIdentifier;
    expect(removed.userErrors).toEqual([]);
    expect(removed.customer.identifiers.map((i: any) => i.kind)).toEqual(['PHONE']);
    const gone = await server.data(`query ($v: String!) { customerByIdentifier(identifier: {kind: EMAIL, value: $v}) { id } }`, { v: email });
    expect(gone.customerByIdentifier).toBeNull();

    const before = await databaseState(server.db);
    const again = (await server.data(REMOVE, { input: { customerId: customer.id, identifier: { kind: 'EMAIL', value: email } } })).removeIdentifier;
    expect(again.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'identifier'] });
    expect(await databaseState(server.db)).toEqual(before);
  });
});

describe('syncCustomers', () => {
  it('answers one result per item in order, stores the good ones, and changes nothing on replay', async () => {
    const prefix = unique('sync');
    const existing = (await upsert({ displayName: 'Taken', identifiers: [{ kind: 'EMAIL', value: `${prefix}-taken@example.com` }] })).customer;
    const customers = [
      { clientRef: 'r0', displayName: 'Ann', identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'hubspot', value: `${prefix}-0` }] },
      { clientRef: 'r1', displayName: '', identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'hubspot', value: `${prefix}-1` }] },
      { clientRef: 'r2', displayName: 'Bob', identifiers: [{ kind: 'EMAIL', value: `${prefix}-bob@example.com` }] },
      { clientRef: 'r3', displayName: 'Clash', identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'hubspot', value: `${prefix}-0` }, { kind: 'EMAIL', value: `${prefix}-taken@example.com` }] },
      { clientRef: 'r4', id: existing.id, displayName: 'Taken, renamed', expectedVersion: 99 },
      { clientRef: 'r5', id: existing.id, displayName: 'Taken, renamed', expectedVersion: existing.version },
    ];
    const results = (await server.data(SYNC, { input: { customers } })).syncCustomers.results;
    expect(results.map((r: any) => r.clientRef)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(results.map((r: any) => r.userErrors[0]?.code ?? 'OK')).toEqual(['OK', 'REQUIRED', 'OK', 'IDENTIFIER_TAKEN', 'CONFLICT', 'OK']);
    expect(results.map((r: any) => r.created)).toEqual([true, false, true, false, false, false]);
    expect(results[1].userErrors[0].field).toEqual(['input', 'customers', '1', 'displayName']);
    expect(results[5].customer.displayName).toBe('Taken, renamed');

    const before = await databaseState(server.db);
    const replay = (await server.data(SYNC, { input: { customers: [customers[0], customers[2], { ...customers[5], expectedVersion: undefined }] } })).syncCustomers.results;
    expect(replay.map((r: any) => [r.created, r.userErrors.length])).toEqual([
      [false, 0],
      [false, 0],
      [false, 0],
    ]);
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('refuses a batch over 500 whole', async () => {
    const before = await databaseState(server.db);
    const customers = Array.from({ length: 501 }, (_, i) => ({ displayName: `Bulk ${i}`, identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'hubspot', value: `bulk-${i}` }] }));
    const response = await server.graphql(SYNC, { input: { customers } });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('syncs 500 customers in one call', async () => {
    const prefix = unique('big');
    const customers = Array.from({ length: 500 }, (_, i) => ({ clientRef: String(i), displayName: `Bulk ${i}`, identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'hubspot', value: `${prefix}-${i}` }] }));
    const results = (await server.data(SYNC, { input: { customers } })).syncCustomers.results;
    expect(results.filter((r: any) => r.created)).toHaveLength(500);
    expect(results.map((r: any) => r.clientRef)).toEqual(customers.map((c) => c.clientRef));
  });
});

describe('consent history', () => {
  it('keeps every change, newest first, filterable by channel and paged', async () => {
    const { customer } = await upsert({ displayName: 'Consenting', identifiers: [{ kind: 'EMAIL', value: `${unique('c')}@example.com` }] });
    for (const [channel, granted] of [['EMAIL', true], ['SMS', true], ['EMAIL', false], ['EMAIL', true]] as const) {
      await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, { input: { customerId: customer.id, consents: [{ channel, granted }] } });
    }
    const page = async (after?: string) =>
      (await server.data(`query ($id: ID!, $after: String) { customer(id: $id) { preferences { consents { channel granted } consentHistory(channel: EMAIL, first: 2, after: $after) { edges { cursor node { channel granted } } pageInfo { hasNextPage endCursor } } } } }`, { id: customer.id, after })).customer.preferences;
    const first = await page();
    expect(first.consents).toEqual([{ channel: 'EMAIL', granted: true }, { channel: 'SMS', granted: true }]);
    expect(first.consentHistory.edges.map((e: any) => e.node.granted)).toEqual([true, false]);
    expect(first.consentHistory.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.consentHistory.pageInfo.endCursor);
    expect(second.consentHistory.edges.map((e: any) => e.node.granted)).toEqual([true]);
    expect(second.consentHistory.pageInfo.hasNextPage).toBe(false);
    const all = await server.data(`query ($id: ID!) { customer(id: $id) { consentHistory { edges { node { channel } } } } }`, { id: customer.id });
    expect(all.customer.consentHistory.edges.map((e: any) => e.node.channel)).toEqual(['EMAIL', 'EMAIL', 'SMS', 'EMAIL']);
  });
});
