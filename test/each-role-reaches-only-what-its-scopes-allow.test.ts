import { Role, Scope } from '../src/core/access-scopes';
import { databaseState } from './support/database-state';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { openClient, subscribe } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
const keys = {} as Record<Role | 'WRITE_ONLY', string>;
let ids: { customer: string; other: string; survivor: string; merged: string; key: string; email: string };

beforeAll(async () => {
  server = await startTestServer();
  for (const role of Object.values(Role)) keys[role] = (await server.createKey({ role, name: `${role} key` })).secret;
  keys.WRITE_ONLY = (await server.createKey({ role: null, scopes: [Scope.CUSTOMERS_WRITE], name: 'write-only key' })).secret;
  const email = `${unique('roles')}@example.com`;
  const customer = await createCustomer(server, { identifiers: [{ kind: 'EMAIL', value: email }] });
  const other = await createCustomer(server);
  const survivor = await createCustomer(server);
  const merged = await createCustomer(server);
  await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { survivorId: survivor.id, mergedId: merged.id } });
  const revocable = await server.createKey({ role: Role.ANALYST });
  ids = { customer: customer.id, other: other.id, survivor: survivor.id, merged: merged.id, key: Buffer.from(`ApiKey:${revocable.id}`).toString('base64url'), email };
});
afterAll(() => server.stop());

type Operation = { name: string; field: string; scope: string; document: string; variables: () => Record<string, unknown>; writes?: boolean };

/** Every kind of operation, with the scope it needs. */
const OPERATIONS: Operation[] = [
  { name: 'customer', field: 'customer', scope: 'CUSTOMERS_READ', document: `query ($id: ID!) { customer(id: $id) { id } }`, variables: () => ({ id: ids.customer }) },
  { name: 'customerByIdentifier', field: 'customerByIdentifier', scope: 'CUSTOMERS_READ', document: `query ($e: String!) { customerByIdentifier(identifier: { kind: EMAIL, value: $e }) { id } }`, variables: () => ({ e: ids.email }) },
  { name: 'searchCustomers', field: 'searchCustomers', scope: 'CUSTOMERS_READ', document: `query ($q: String!) { searchCustomers(query: $q) { edges { node { id } } } }`, variables: () => ({ q: ids.email }) },
  { name: 'node(customer)', field: 'node', scope: 'CUSTOMERS_READ', document: `query ($id: ID!) { node(id: $id) { id } }`, variables: () => ({ id: ids.customer }) },
  { name: 'node(api key)', field: 'node', scope: 'ADMIN', document: `query ($id: ID!) { node(id: $id) { id } }`, variables: () => ({ id: ids.key }) },
  { name: 'apiKeys', field: 'apiKeys', scope: 'ADMIN', document: `{ apiKeys(first: 2) { edges { node { id } } } }`, variables: () => ({}) },
  { name: 'auditLog', field: 'auditLog', scope: 'AUDIT_READ', document: `{ auditLog(first: 2) { edges { node { id } } } }`, variables: () => ({}) },
  { name: 'customerExport', field: 'customerExport', scope: 'PRIVACY', document: `query ($id: ID!) { customerExport(id: $id) }`, variables: () => ({ id: ids.customer }) },
  {
    name: 'upsertCustomer',
    field: 'upsertCustomer',
    scope: 'CUSTOMERS_WRITE',
    writes: true,
    document: `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { created ${USER_ERRORS} } }`,
    variables: () => ({ input: { displayName: 'New', identifiers: [{ kind: 'EMAIL', value: `${unique('new')}@example.com` }] } }),
  },
  {
    name: 'syncCustomers',
    field: 'syncCustomers',
    scope: 'CUSTOMERS_WRITE',
    writes: true,
    document: `mutation ($input: SyncCustomersInput!) { syncCustomers(input: $input) { results { created } } }`,
    variables: () => ({ input: { customers: [{ displayName: 'New', identifiers: [{ kind: 'EMAIL', value: `${unique('sync')}@example.com` }] }] } }),
  },
  {
    name: 'updatePreferences',
    field: 'updatePreferences',
    scope: 'CUSTOMERS_WRITE',
    writes: true,
    document: `mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`,
    variables: () => ({ input: { customerId: ids.other, notes: [unique('note')] } }),
  },
  {
    name: 'recordCall',
    field: 'recordCall',
    scope: 'EVENTS_WRITE',
    writes: true,
    document: `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created ${USER_ERRORS} } }`,
    variables: () => ({ input: { customerId: ids.other, occurredAt: '2026-03-01T10:00:00Z', outcome: 'MISSED', source: 'pbx', externalId: unique('call') } }),
  },
  {
    name: 'recordEvents',
    field: 'recordEvents',
    scope: 'EVENTS_WRITE',
    writes: true,
    document: `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`,
    variables: () => ({ input: { events: [{ call: { customerId: ids.other, occurredAt: '2026-03-01T10:00:00Z', outcome: 'MISSED', source: 'pbx', externalId: unique('call') } }] } }),
  },
  {
    name: 'openCase',
    field: 'openCase',
    scope: 'CASES_WRITE',
    writes: true,
    document: `mutation ($input: OpenCaseInput!) { openCase(input: $input) { ${USER_ERRORS} } }`,
    variables: () => ({ input: { customerId: ids.other, subject: unique('Case') } }),
  },
  {
    name: 'mergeCustomers (dry run)',
    field: 'mergeCustomers',
    scope: 'MERGE',
    document: `mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { dryRun ${USER_ERRORS} } }`,
    variables: () => ({ input: { survivorId: ids.customer, mergedId: ids.other, dryRun: true } }),
  },
  {
    name: 'unmergeCustomers',
    field: 'unmergeCustomers',
    scope: 'MERGE',
    document: `mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { ${USER_ERRORS} } }`,
    // A customer that is not merged: the allowed answer is a user error, and nothing changes either way.
    variables: () => ({ input: { mergedId: ids.other } }),
  },
  {
    name: 'createApiKey',
    field: 'createApiKey',
    scope: 'ADMIN',
    document: `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret ${USER_ERRORS} } }`,
    variables: () => ({ input: { name: unique('made'), role: 'ANALYST' } }),
  },
  {
    name: 'revokeApiKey (unknown id)',
    field: 'revokeApiKey',
    scope: 'ADMIN',
    document: `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { ${USER_ERRORS} } }`,
    variables: () => ({ input: { id: Buffer.from('ApiKey:00000000-0000-0000-0000-000000000000').toString('base64url') } }),
  },
  {
    name: 'eraseCustomer (unknown id)',
    field: 'eraseCustomer',
    scope: 'PRIVACY',
    document: `mutation ($input: EraseCustomerInput!) { eraseCustomer(input: $input) { ${USER_ERRORS} } }`,
    variables: () => ({ input: { customerId: Buffer.from('Customer:00000000-0000-0000-0000-000000000000').toString('base64url') } }),
  },
];

/** The documented bundles (README, Access). */
const GRANTED: Record<Role, string[]> = {
  AGENT: ['CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'PII_READ', 'CASES_WRITE', 'METRICS_READ'],
  INTEGRATION: ['CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'EVENTS_WRITE', 'PII_READ', 'CASES_WRITE'],
  ANALYST: ['CUSTOMERS_READ', 'METRICS_READ'],
  ADMIN: ['CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'EVENTS_WRITE', 'PII_READ', 'CASES_WRITE', 'METRICS_READ', 'MERGE', 'PRIVACY', 'AUDIT_READ', 'ADMIN'],
};

describe('each role', () => {
  it.each(Object.values(Role))('%s holds the scopes of its bundle', async (role) => {
    const { viewer } = await server.as(keys[role]).data(`{ viewer { name role scopes } }`);
    expect(viewer).toEqual({ name: `${role} key`, role, scopes: [...GRANTED[role]].sort() });
  });

  const cases = Object.values(Role).flatMap((role) => OPERATIONS.map((operation) => [role, operation.name, GRANTED[role].includes(operation.scope)] as const));
  it.each(cases)('%s → %s: allowed %s', async (role, name, allowed) => {
    const operation = OPERATIONS.find((o) => o.name === name)!;
    const before = operation.writes && !allowed ? await databaseState(server.db) : null;
    const answer = await server.as(keys[role]).post(operation.document, operation.variables());
    if (allowed) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.[operation.field]).not.toBeNull();
    } else {
      expect(answer.body.errors).toEqual([expect.objectContaining({ path: [operation.field], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
      expect(answer.body.errors![0].message).toContain(operation.scope);
      expect(answer.body.data?.[operation.field] ?? null).toBeNull();
      if (before) expect(await databaseState(server.db)).toEqual(before);
    }
  });
});

describe('a field its scopes do not reach', () => {
  it('is null with its own FORBIDDEN error while the rest of the answer, and the write, stand', async () => {
    const email = `${unique('wo')}@example.com`;
    const answer = await server.as(keys.WRITE_ONLY).post(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { created customer { id } ${USER_ERRORS} } }`, {
      input: { displayName: 'Write only', identifiers: [{ kind: 'EMAIL', value: email }] },
    });
    expect(answer.body.data?.upsertCustomer).toEqual({ created: true, customer: null, userErrors: [] });
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: ['upsertCustomer', 'customer'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    const { customerByIdentifier } = await server.data(`query ($e: String!) { customerByIdentifier(identifier: { kind: EMAIL, value: $e }) { displayName } }`, { e: email });
    expect(customerByIdentifier).toEqual({ displayName: 'Write only' });
  });
});

describe('subscriptions', () => {
  it.each([
    [Role.AGENT, 'one customer', true],
    [Role.ANALYST, 'one customer', true],
    [Role.AGENT, 'every customer', false],
    [Role.INTEGRATION, 'every customer', false],
    [Role.ADMIN, 'every customer', true],
  ] as const)('%s subscribing to %s: allowed %s', async (role, what, allowed) => {
    const client = openClient(server.url, { connectionParams: { authorization: `Bearer ${keys[role]}` } });
    try {
      for (const document of ['subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }', 'subscription ($id: ID) { customerChanged(id: $id) { kind } }']) {
        const subscription = subscribe(client, document, { id: what === 'one customer' ? ids.customer : null });
        if (allowed) {
          // Allowed: it stays open, and gets the customer's next change.
          await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { ${USER_ERRORS} } }`, { input: { id: ids.customer, displayName: unique('Renamed') } });
          await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { ${USER_ERRORS} } }`, { input: { customerId: ids.customer, occurredAt: '2026-03-02T10:00:00Z', outcome: 'MISSED' } });
          await subscription.waitFor(1);
          subscription.stop();
        } else {
          await subscription.waitForEnd();
          expect(subscription.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
        }
      }
    } finally {
      await client.dispose();
    }
  });
});
