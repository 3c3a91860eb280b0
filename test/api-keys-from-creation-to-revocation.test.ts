import { countRows } from './support/database-state';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const KEY_FIELDS = `id name role scopes hint budget { capacity refillPerSecond } createdBy createdAt expiresAt lastUsedAt revokedAt`;
const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { ${KEY_FIELDS} } secret ${USER_ERRORS} } }`;
const REVOKE = `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { ${KEY_FIELDS} } ${USER_ERRORS} } }`;
const LIST = `query ($after: String) { apiKeys(first: 100, after: $after) { edges { node { ${KEY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

async function listed(id: string) {
  const { apiKeys } = await server.data(LIST);
  return apiKeys.edges.map((e: any) => e.node).find((key: any) => key.id === id);
}

describe('an API key', () => {
  it('is shown once, stored only as a hash, listed without its secret, and works at once', async () => {
    const admin = (await server.data(`{ viewer { id } }`)).viewer.id;
    const { createApiKey } = await server.data(CREATE, { input: { name: 'Zendesk sync', role: 'INTEGRATION', scopes: ['MERGE'] } });
    expect(createApiKey.userErrors).toEqual([]);
    const { secret, apiKey } = createApiKey;
    expect(secret).toMatch(/^ctk_[0-9A-Za-z]{36}$/);
    expect(apiKey).toMatchObject({ name: 'Zendesk sync', role: 'INTEGRATION', scopes: ['MERGE'], hint: `ctk_…${secret.slice(-4)}`, createdBy: admin, budget: { capacity: 100_000, refillPerSecond: 2_000 }, expiresAt: null, lastUsedAt: null, revokedAt: null });

    const stored = JSON.stringify(await server.db.query(`SELECT *, encode(secret_hash, 'hex') AS hex FROM api_key`));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(4, 30));
    const fields = (await server.data(`{ __type(name: "ApiKey") { fields { name } } }`)).__type.fields.map((f: any) => f.name);
    expect(fields).not.toContain('secret');
    expect(await listed(apiKey.id)).toEqual(apiKey);

    const { viewer } = await server.as(secret).data(`{ viewer { id name role scopes } }`);
    expect(viewer).toEqual({ id: apiKey.id, name: 'Zendesk sync', role: 'INTEGRATION', scopes: ['CASES_WRITE', 'CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'EVENTS_WRITE', 'MERGE', 'PII_READ'] });
  });

  it('keeps lastUsedAt without a write per request: one statement for every key used, every 30 s', async () => {
    const { createApiKey } = await server.data(CREATE, { input: { name: 'busy', role: 'ANALYST' } });
    const other = (await server.data(CREATE, { input: { name: 'busy too', role: 'ANALYST' } })).createApiKey;
    for (let i = 0; i < 5; i++) await server.as(createApiKey.secret).data(`{ viewer { name } }`);
    await server.as(other.secret).data(`{ viewer { name } }`);
    expect((await listed(createApiKey.apiKey.id)).lastUsedAt).toBeNull();
    const before = Date.now();
    await server.services.apiKeys.flushUse();
    const used = new Date((await listed(createApiKey.apiKey.id)).lastUsedAt).getTime();
    expect(used).toBeGreaterThan(before - 10_000);
    expect(used).toBeLessThanOrEqual(Date.now());
    expect((await listed(other.apiKey.id)).lastUsedAt).toEqual(expect.any(String));
  });

  it('stops working when it expires', async () => {
    const { createApiKey } = await server.data(CREATE, { input: { name: 'short-lived', role: 'AGENT', expiresAt: new Date(Date.now() + 1500).toISOString() } });
    expect((await server.as(createApiKey.secret).post(`{ viewer { name } }`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await server.as(createApiKey.secret).post(`{ viewer { name } }`)).status).toBe(401);
  });

  it('is revoked once and for all: revoking again keeps the first time', async () => {
    const { createApiKey } = await server.data(CREATE, { input: { name: 'leaked', role: 'AGENT' } });
    const first = (await server.data(REVOKE, { input: { id: createApiKey.apiKey.id } })).revokeApiKey;
    expect(first.userErrors).toEqual([]);
    expect(first.apiKey.revokedAt).toEqual(expect.any(String));
    expect((await server.as(createApiKey.secret).post(`{ viewer { name } }`)).status).toBe(401);
    const second = (await server.data(REVOKE, { input: { id: createApiKey.apiKey.id } })).revokeApiKey;
    expect(second.apiKey.revokedAt).toBe(first.apiKey.revokedAt);
    expect((await listed(createApiKey.apiKey.id)).revokedAt).toBe(first.apiKey.revokedAt);
  });

  it('can have a budget of its own', async () => {
    const { createApiKey } = await server.data(CREATE, { input: { name: 'batch importer', role: 'INTEGRATION', budget: { capacity: 500_000, refillPerSecond: 10_000 } } });
    expect(createApiKey.apiKey.budget).toEqual({ capacity: 500_000, refillPerSecond: 10_000 });
    const answer = await server.as(createApiKey.secret).post(`{ viewer { name } }`);
    expect(answer.headers.get('ratelimit-limit')).toBe('500000');
  });

  it.each([
    [{ name: '', role: 'AGENT' }, ['input', 'name'], 'INVALID'],
    [{ name: 'x'.repeat(101), role: 'AGENT' }, ['input', 'name'], 'INVALID'],
    [{ name: 'no role' }, ['input', 'role'], 'REQUIRED'],
    [{ name: 'past', role: 'AGENT', expiresAt: '2020-01-01T00:00:00Z' }, ['input', 'expiresAt'], 'OUT_OF_RANGE'],
    [{ name: 'zero budget', role: 'AGENT', budget: { capacity: 0, refillPerSecond: 1 } }, ['input', 'budget'], 'OUT_OF_RANGE'],
  ])('refuses %j with a user error and stores nothing', async (input, field, code) => {
    const keys = await countRows(server.db, 'api_key');
    const { createApiKey } = await server.data(CREATE, { input });
    expect(createApiKey).toEqual({ apiKey: null, secret: null, userErrors: [expect.objectContaining({ field, code })] });
    expect(await countRows(server.db, 'api_key')).toBe(keys);
  });

  it('answers revoking an unknown or malformed id with a user error', async () => {
    const unknown = (await server.data(REVOKE, { input: { id: Buffer.from('ApiKey:00000000-0000-0000-0000-000000000000').toString('base64url') } })).revokeApiKey;
    expect(unknown.userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    const malformed = (await server.data(REVOKE, { input: { id: 'nope' } })).revokeApiKey;
    expect(malformed.userErrors.map((e: any) => e.code)).toEqual(['INVALID']);
  });

  it('lists keys newest first, page by page', async () => {
    for (let i = 0; i < 3; i++) await server.data(CREATE, { input: { name: `paged ${i}`, role: 'ANALYST' } });
    const first = (await server.data(`{ apiKeys(first: 2) { edges { node { name } } pageInfo { hasNextPage endCursor } } }`)).apiKeys;
    expect(first.edges.map((e: any) => e.node.name)).toEqual(['paged 2', 'paged 1']);
    const next = (await server.data(`query ($after: String) { apiKeys(first: 1, after: $after) { edges { node { name } } } }`, { after: first.pageInfo.endCursor })).apiKeys;
    expect(next.edges.map((e: any) => e.node.name)).toEqual(['paged 0']);
  });
});
