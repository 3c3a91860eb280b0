import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
const created: Record<string, string> = {};

const SEARCH = `query ($q: String!, $first: Int, $after: String) { searchCustomers(query: $q, first: $first, after: $after) {
  edges { cursor node { id displayName } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;

beforeAll(async () => {
  server = await startTestServer({ DEFAULT_PHONE_REGION: 'US' });
  const people: [string, Record<string, unknown>[]][] = [
    ['Maya Okafor', [{ kind: 'EMAIL', value: 'maya.okafor@example.com' }, { kind: 'SOCIAL', namespace: 'instagram', value: '@maya.runs' }]],
    ['Maia Okafor-Reed', [{ kind: 'EMAIL', value: 'maia@example.org' }]],
    ['Jonas Berg', [{ kind: 'PHONE', value: '+14155550100' }]],
    ['Priya Natarajan', [{ kind: 'EXTERNAL_ID', namespace: 'salesforce', value: '003XYZ' }]],
    ...Array.from({ length: 30 }, (_, i): [string, Record<string, unknown>[]] => [`Sam Taylor ${i}`, [{ kind: 'EMAIL', value: `sam.taylor.${i}@example.net` }]]),
  ];
  for (const [displayName, identifiers] of people) {
    const { upsertCustomer } = await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } } }`, { input: { displayName, identifiers } });
    created[displayName] = upsertCustomer.customer.id;
  }
});
afterAll(() => server.stop());

async function search(q: string, first?: number, after?: string) {
  return (await server.data(SEARCH, { q, first, after })).searchCustomers;
}

describe('searchCustomers', () => {
  it('finds a name spelled roughly, best match first', async () => {
    const results = await search('maya okafr');
    expect(results.edges[0].node.displayName).toBe('Maya Okafor');
    const okafors = await search('okafor');
    expect(okafors.edges.map((e: any) => e.node.displayName).sort()).toEqual(['Maia Okafor-Reed', 'Maya Okafor']);
    expect((await search('Jonas')).edges[0].node.displayName).toBe('Jonas Berg');
  });

  it('finds a customer by any identifier in any format', async () => {
    for (const q of ['415 555 0100', '(415) 555-0100', '+1 415-555-0100']) {
      expect((await search(q)).edges[0].node.id).toBe(created['Jonas Berg']);
    }
    expect((await search('MAYA.OKAFOR@EXAMPLE.COM')).edges[0].node.id).toBe(created['Maya Okafor']);
    expect((await search('@Maya.Runs')).edges[0].node.id).toBe(created['Maya Okafor']);
    expect((await search('003XYZ')).edges[0].node.id).toBe(created['Priya Natarajan']);
    // Part of an identifier, in any case.
    expect((await search('okafor@exam')).edges[0].node.id).toBe(created['Maya Okafor']);
    expect((await search('03xy')).edges[0].node.id).toBe(created['Priya Natarajan']);
    // A whole address nobody has finds nobody, rather than everyone at the same domain.
    expect((await search('nobody@example.com')).edges).toEqual([]);
  });

  it('finds who placed an order by its number, in any letter case, and only by the whole number', async () => {
    await server.data(`mutation ($input: RecordPurchaseInput!) { recordPurchase(input: $input) { userErrors { code } } }`, {
      input: { customerId: created['Jonas Berg'], occurredAt: '2026-01-05T10:00:00Z', orderNumber: 'SO-77123', status: 'PAID', total: { amount: '10.00', currency: 'EUR' }, items: [], source: 'shop', externalId: 'search-order-1' },
    });
    expect((await search('SO-77123')).edges.map((e: any) => e.node.id)).toEqual([created['Jonas Berg']]);
    expect((await search('so-77123')).edges.map((e: any) => e.node.id)).toEqual([created['Jonas Berg']]);
    expect((await search('SO-7712')).edges).toEqual([]);
  });

  it('pages with cursors without repeating or skipping', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await search('Sam Taylor', 7, after);
      seen.push(...page.edges.map((e: any) => e.node.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('cannot page through everyone: a bare domain finds nobody, and a query needs 3 characters', async () => {
    for (const q of ['example.net', '@example.net', '.net', 'example']) expect({ q, found: (await search(q, 50)).edges.length }).toEqual({ q, found: 0 });
    // Part of who someone is, before the @, still finds them.
    expect((await search('sam.taylor.1')).edges.length).toBeGreaterThan(0);
    expect((await search('taylor.7@example')).edges.map((e: any) => e.node.displayName)).toEqual(['Sam Taylor 7']);
    const short = await server.graphql(`{ searchCustomers(query: "sa") { edges { node { id } } } }`);
    expect(short.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'query' });
  });

  it('leaves merged-away customers out', async () => {
    await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { userErrors { code } } }`, {
      input: { survivorId: created['Maya Okafor'], mergedId: created['Maia Okafor-Reed'] },
    });
    const results = await search('Maia Okafor-Reed');
    expect(results.edges.map((e: any) => e.node.id)).not.toContain(created['Maia Okafor-Reed']);
    // Her e-mail now belongs to the survivor, and finds her.
    expect((await search('maia@example.org')).edges[0].node.id).toBe(created['Maya Okafor']);
  });

  it.each([
    ['an empty query', { q: '   ' }],
    ['an oversized query', { q: 'x'.repeat(201) }],
    ['too many results', { q: 'sam', first: 101 }],
    ['a forged cursor', { q: 'sam', after: 'bm9wZQ' }],
  ])('refuses %s with BAD_USER_INPUT', async (_name, variables) => {
    const response = await server.graphql(SEARCH, variables);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
