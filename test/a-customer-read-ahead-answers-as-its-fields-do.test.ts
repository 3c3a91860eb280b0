import { Role, Scope } from '../src/core/access-scopes';
import { createCustomer, oneOfEachKind, unique } from './support/factories';
import { EVENT_FIELDS, USER_ERRORS } from './support/fragments';
import { startTestServer, type GraphQLResponse, type TestServer } from './support/test-server';

/**
 * `customerByIdentifier` and `customer(id)` read what their selection asks of the timeline,
 * preferences and insights in the customer's own statement. `node(id)` does not: its fields go
 * through their loaders one statement each. Every selection here must answer the same both ways,
 * errors included.
 */
let server: TestServer;
let customerId: string;
let handle: string;
let agentKey: string;
beforeAll(async () => {
  server = await startTestServer();
  handle = unique('reader').replace(/-/g, '.');
  customerId = (await createCustomer(server, { displayName: 'Ada Reader', identifiers: [{ kind: 'SOCIAL', namespace: 'instagram', value: `@${handle}` }] })).id;
  await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, {
    input: { customerId, preferredChannel: 'EMAIL', contactHours: 'evenings', notes: ['left-handed'], consents: [{ channel: 'SMS', granted: false, source: 'form' }, { channel: 'EMAIL', granted: true }] },
  });
  // 40 events over 8 days, one of each kind a day: pages, kinds and channels to filter by.
  const events = Array.from({ length: 8 }, (_, day) => oneOfEachKind(customerId, Date.parse('2026-03-01T00:00:00Z') + day * 86_400_000)).flat();
  await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events } });
  agentKey = (await server.createKey({ role: Role.AGENT, name: 'reader agent' })).secret;
  // Cases of her own beside the one her contacts opened: one resolved, one pending.
  for (const [subject, status] of [['Refund', 'RESOLVED'], ['Size exchange', 'PENDING'], ['Loyalty points', null]] as const) {
    const { openCase } = await server.data(`mutation ($input: OpenCaseInput!) { openCase(input: $input) { case { id } ${USER_ERRORS} } }`, { input: { customerId, subject } });
    expect(openCase.userErrors).toEqual([]);
    if (status) await server.data(`mutation ($input: UpdateCaseInput!) { updateCase(input: $input) { ${USER_ERRORS} } }`, { input: { caseId: openCase.case.id, status } });
  }
});
afterAll(() => server.stop());

const CARD_FIELDS = `
  id displayName version
  identifiers { kind value namespace verified addedAt }
  preferences { preferredChannel contactHours notes consents { channel granted source updatedAt } }
  insights { lifetimeValue { amount currency } orderCount averageOrderValue { amount currency } firstPurchaseAt lastPurchaseAt lastContactAt
    contactsLast30Days csat { latest average count lastAt } nps { latest average count lastAt } ces { latest count } npsCategory openCases lifecycleStage }
`;

/** GraphQL declarations of test variables: numbers are page sizes, strings cursors, lists case statuses, objects filters. */
function declarations(variables: Record<string, unknown>): string[] {
  const typeOf = (value: unknown) => (typeof value === 'number' ? 'Int' : typeof value === 'string' ? 'String' : Array.isArray(value) ? '[CaseStatus!]' : 'TimelineFilter');
  return Object.entries(variables).map(([name, value]) => `$${name}: ${typeOf(value)}`);
}

/** The same selection of one customer read ahead (by identifier and by id) and through its loaders (node). */
async function threeWays(selection: string, variables: Record<string, unknown> = {}, secret = agentKey) {
  const declared = declarations(variables);
  const withId = ['$id: ID!', ...declared].join(', ');
  const as = server.as(secret);
  const [byIdentifier, byId, throughLoaders] = await Promise.all([
    as.graphql(`query ${declared.length ? `(${declared.join(', ')})` : ''} { it: customerByIdentifier(identifier: { kind: SOCIAL, namespace: "instagram", value: "${handle}" }) { ${selection} } }`, variables),
    as.graphql(`query (${withId}) { it: customer(id: $id) { ${selection} } }`, { ...variables, id: customerId }),
    as.graphql(`query (${withId}) { it: node(id: $id) { ... on Customer { ${selection} } } }`, { ...variables, id: customerId }),
  ]);
  return { byIdentifier, byId, throughLoaders };
}

/** An answer without what differs by document alone: its cost, its statements, where in the text an error points. */
function withoutCost(response: GraphQLResponse) {
  return { data: response.data, errors: response.errors?.map(({ message, path, extensions }) => ({ message, path, extensions })) };
}

function expectSameAnswers({ byIdentifier, byId, throughLoaders }: Awaited<ReturnType<typeof threeWays>>) {
  expect(throughLoaders.data).toHaveProperty('it');
  expect(withoutCost(byIdentifier)).toEqual(withoutCost(throughLoaders));
  expect(withoutCost(byId)).toEqual(withoutCost(throughLoaders));
}

describe('a customer read ahead', () => {
  it('answers the agent card as its fields do, in one statement and its audit entry where node(id) takes five', async () => {
    const answers = await threeWays(`${CARD_FIELDS} timeline(first: 12) { edges { cursor node { ${EVENT_FIELDS} case { number status subject } caseRule customer { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`);
    expectSameAnswers(answers);
    expect(answers.throughLoaders.data.it.timeline.edges).toHaveLength(12);
    expect(answers.throughLoaders.data.it.preferences.consents).toHaveLength(2);
    expect(answers.throughLoaders.data.it.insights.orderCount).toBe(1);
    expect(answers.byIdentifier.extensions?.sqlStatements).toBe(2);
    expect(answers.byId.extensions?.sqlStatements).toBe(2);
    expect(answers.throughLoaders.extensions?.sqlStatements).toBe(5);
  });

  it('answers every way of paging and filtering the timeline as the timeline field does', async () => {
    const first = await server.as(agentKey).data(`query ($id: ID!) { customer(id: $id) { timeline(first: 10) { edges { cursor } } } }`, { id: customerId });
    const middle = first.customer.timeline.edges[5].cursor;
    const page = `edges { cursor node { __typename id occurredAt ... on PurchaseEvent { orderNumber } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
    const shapes: [string, Record<string, unknown>][] = [
      [`timeline { ${page} }`, {}],
      [`timeline(first: 3, after: $after) { ${page} }`, { after: middle }],
      [`timeline(last: 4, before: $before) { ${page} }`, { before: middle }],
      [`timeline(last: 100) { ${page} }`, {}],
      [`timeline(first: $n, filter: $filter) { ${page} }`, { n: 5, filter: { kinds: ['PURCHASE', 'CALL'], since: '2026-03-03T00:00:00Z', until: '2026-03-06T00:00:00Z' } }],
      [`timeline(filter: $filter) { ${page} }`, { filter: { channels: ['SOCIAL'] } }],
      [`timeline(first: 0) { ${page} }`, {}],
      [`recent: timeline(first: 2) { ${page} } older: timeline(first: 2, after: $after) { ${page} } again: timeline(first: 2) { ${page} }`, { after: middle }],
      [`... on Customer { timeline(first: 3) { ${page} } } ... on Node { id }`, {}],
    ];
    for (const [selection, variables] of shapes) {
      const answers = await threeWays(selection, variables);
      expectSameAnswers(answers);
      expect(answers.byIdentifier.errors).toBeUndefined();
      expect(answers.byIdentifier.extensions?.sqlStatements).toBeLessThanOrEqual(2);
    }
  });

  it("answers every way of paging and filtering the customer's cases as the cases field does", async () => {
    const all = await server.as(agentKey).data(`query ($id: ID!) { customer(id: $id) { cases(first: 10) { edges { cursor } } } }`, { id: customerId });
    expect(all.customer.cases.edges.length).toBeGreaterThanOrEqual(4);
    const second = all.customer.cases.edges[1].cursor;
    const page = `edges { cursor node { id number subject status channels openedAt resolvedAt reopenCount contactCount firstContactResolution version } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
    const shapes: [string, Record<string, unknown>][] = [
      [`cases { ${page} }`, {}],
      [`cases(first: 2) { ${page} }`, {}],
      [`cases(first: 2, after: $after) { ${page} }`, { after: second }],
      [`cases(last: 1, before: $before) { ${page} }`, { before: second }],
      [`cases(status: $status) { ${page} }`, { status: ['OPEN', 'PENDING'] }],
      [`cases(status: $status, first: 1) { ${page} }`, { status: ['RESOLVED'] }],
      [`open: cases(status: [OPEN]) { edges { node { id status } } } done: cases(status: [RESOLVED, CLOSED]) { edges { node { id status } } } ${CARD_FIELDS} timeline(first: 3) { edges { node { id } } }`, {}],
    ];
    for (const [selection, variables] of shapes) {
      const answers = await threeWays(selection, variables);
      expectSameAnswers(answers);
      expect(answers.byIdentifier.errors).toBeUndefined();
      expect(answers.byIdentifier.extensions?.sqlStatements).toBeLessThanOrEqual(2);
    }
    const forged = await threeWays(`cases(after: $after) { ${page} }`, { after: 'not-a-cursor' });
    expectSameAnswers(forged);
    expect(forged.byIdentifier.errors).toEqual([expect.objectContaining({ path: ['it', 'cases'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });

  it('leaves what a selection skips and what the customer does not select to the loaders', async () => {
    const skipped = await threeWays(`displayName insights @skip(if: true) { orderCount } preferences @include(if: false) { consents { channel } } timeline(first: 2) @skip(if: false) { edges { cursor } }`);
    expectSameAnswers(skipped);
    expect(skipped.byIdentifier.data.it.insights).toBeUndefined();
    const noConsents = await threeWays(`preferences { preferredChannel notes }`);
    expectSameAnswers(noConsents);
    expect(noConsents.byIdentifier.extensions?.sqlStatements).toBe(noConsents.throughLoaders.extensions?.sqlStatements);
  });

  it('refuses bad timeline arguments from the timeline field, not from the customer', async () => {
    for (const [selection, variables] of [
      ['displayName timeline(first: 500) { edges { cursor } }', {}],
      ['displayName timeline(first: 2, last: 2) { edges { cursor } }', {}],
      ['displayName timeline(after: $after) { edges { cursor } }', { after: 'not-a-cursor' }],
      ['displayName timeline(filter: $filter) { edges { cursor } }', { filter: { since: '2026-03-05T00:00:00Z', until: '2026-03-01T00:00:00Z' } }],
    ] as [string, Record<string, unknown>][]) {
      const answers = await threeWays(selection, variables);
      expectSameAnswers(answers);
      expect(answers.byIdentifier.errors).toEqual([expect.objectContaining({ path: ['it', 'timeline'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
      // The timeline cannot be null, so its error takes the customer with it, as GraphQL says.
      expect(answers.byIdentifier.data).toEqual({ it: null });
    }
  });

  it('masks and refuses what read ahead exactly as it does what the loaders read', async () => {
    const analyst = (await server.createKey({ role: Role.ANALYST, name: 'reader analyst' })).secret;
    const masked = await threeWays(`${CARD_FIELDS} timeline(first: 6) { edges { node { ${EVENT_FIELDS} } } }`, {}, analyst);
    expectSameAnswers(masked);
    expect(masked.byIdentifier.data.it.displayName).not.toBe('Ada Reader');
    const integration = (await server.createKey({ scopes: [Scope.CUSTOMERS_READ], name: 'reader integration' })).secret;
    const narrow = await threeWays(`displayName timeline(first: 3) { edges { node { id case { number } } } }`, {}, integration);
    expectSameAnswers(narrow);
  });

  it('answers a merged-away id with its survivor, read ahead as well', async () => {
    const merged = await createCustomer(server, { displayName: 'Ada Again' });
    await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events: oneOfEachKind(merged.id, Date.parse('2026-04-01T00:00:00Z')) } });
    const { mergeCustomers } = await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { survivor { id } ${USER_ERRORS} } }`, {
      input: { survivorId: customerId, mergedId: merged.id },
    });
    expect(mergeCustomers.userErrors).toEqual([]);
    const selection = `id ${CARD_FIELDS} timeline(first: 8) { edges { node { id occurredAt } } }`;
    const [viaOldId, viaNode] = await Promise.all([
      server.as(agentKey).graphql(`query ($id: ID!) { it: customer(id: $id) { ${selection} } }`, { id: merged.id }),
      server.as(agentKey).graphql(`query ($id: ID!) { it: node(id: $id) { ... on Customer { ${selection} } } }`, { id: merged.id }),
    ]);
    expect(viaOldId.data.it.id).toBe(customerId);
    expect(withoutCost(viaOldId)).toEqual(withoutCost(viaNode));
    expect(viaOldId.extensions?.sqlStatements).toBe(2);
  });
});
