import { getNamedType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import type { Client } from 'graphql-ws';
import { buildTimelineSchema } from '../src/server/schema';
import { databaseState } from './support/database-state';
import { createCustomer, unique } from './support/factories';
import { openClient, subscribe } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * A fuzz of every text field of every mutation, and of the text arguments of queries and
 * subscriptions, with the strings PostgreSQL cannot store as given: a NUL, and unpaired halves of
 * a UTF-16 surrogate pair. A mutation must answer a user error naming the field (a query:
 * BAD_USER_INPUT), never INTERNAL_SERVER_ERROR, and nothing may be stored. Every String and ID
 * field the schema's mutation inputs have must be covered by an example below.
 */
const UNSTORABLE = ['Maya\u0000Okafor', 'Maya\ud800', '\udc00Okafor'];

let server: TestServer;
let schema: GraphQLSchema;
let client: Client;
let ids: { a: string; b: string; merged: string; survivor: string; event: string; key: string; erased: string; case: string; webhook: string; doomedWebhook: string; delivery: string };
const emailOfA = `${unique('fuzz-a')}@example.com`;

beforeAll(async () => {
  // No dispatcher: its attempts would change the stored state this test holds still.
  server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_DISPATCHER: 'false' });
  schema = await buildTimelineSchema();
  client = openClient(server.url);
  const a = await createCustomer(server, { identifiers: [{ kind: 'EMAIL', value: emailOfA }] });
  const b = await createCustomer(server);
  const survivor = await createCustomer(server);
  const merged = await createCustomer(server);
  await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { userErrors { code } } }`, { input: { survivorId: survivor.id, mergedId: merged.id } });
  const { recordCall } = await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { id } } }`, {
    input: { customerId: a.id, occurredAt: '2026-01-01T00:00:00Z', outcome: 'ANSWERED' },
  });
  const key = await server.createKey({ role: 'ANALYST' as never });
  const erased = await createCustomer(server);
  const { openCase } = await server.data(`mutation ($input: OpenCaseInput!) { openCase(input: $input) { case { id } } }`, { input: { customerId: a.id, subject: 'Fuzzed case' } });
  const createWebhook = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`;
  const webhook = (await server.data(createWebhook, { input: { url: 'http://127.0.0.1:9/fuzz', topics: ['TIMELINE_EVENT_ADDED'] } })).createWebhook.webhook.id;
  const doomedWebhook = (await server.data(createWebhook, { input: { url: 'http://127.0.0.1:9/doomed', topics: ['CASE_CHANGED'] } })).createWebhook.webhook.id;
  await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { id } } }`, { input: { customerId: a.id, occurredAt: '2026-01-02T00:00:00Z', outcome: 'MISSED' } });
  const { node } = await server.data(`query ($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 1) { edges { node { id } } } } } }`, { id: webhook });
  ids = {
    a: a.id, b: b.id, merged: merged.id, survivor: survivor.id, event: recordCall.event.id, key: Buffer.from(`ApiKey:${key.id}`).toString('base64url'), erased: erased.id, case: openCase.case.id,
    webhook, doomedWebhook, delivery: node.deliveries.edges[0].node.id,
  };
});
afterAll(async () => {
  await client.dispose();
  await server.stop();
});

const common = () => ({ occurredAt: '2026-02-01T10:00:00Z', direction: 'INBOUND', source: 'fuzz', externalId: unique('fuzz'), agentId: 'agent.one', summary: 'One line' });
const byIdentifier = () => ({ identifier: { kind: 'SOCIAL', namespace: 'instagram', value: `@${unique('fuzz').replace(/-/g, '_')}` } });
const call = () => ({ ...common(), fromNumber: '+1 415 555 0100', toNumber: '+1 415 555 0199', outcome: 'ANSWERED', waitSeconds: 3, durationSeconds: 60, recordingUrl: 'https://example.com/r.mp3', transcript: 'Hello' });
const mail = () => ({ ...common(), fromAddress: 'maya@example.com', toAddresses: ['help@example.net'], subject: 'Order', bodyText: 'Hi', threadId: 't-1', messageId: '<m1@example.com>' });
const message = () => ({ ...common(), platform: 'instagram', handle: '@maya.runs', threadId: 't-2', text: 'Hi' });
const purchase = () => ({
  ...common(),
  direction: null,
  orderNumber: 'SO-1',
  status: 'PAID',
  total: { amount: '10.00', currency: 'EUR' },
  items: [{ sku: 'SKU-1', name: 'Shoe', quantity: 1, unitPrice: { amount: '10.00', currency: 'EUR' } }],
});
const survey = () => ({ ...common(), direction: null, survey: 'CSAT', score: 5, comment: 'Great', aboutEventId: ids.event });
const review = () => ({ ...common(), direction: null, platform: 'trustpilot', rating: 4, scaleMax: 5, title: 'Good', text: 'Fast delivery', url: 'https://example.com/review/1' });
const profile = () => ({
  identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'hubspot', value: unique('hs') }],
  displayName: 'Maya Okafor',
  givenName: 'Maya',
  familyName: 'Okafor',
  locale: 'en-GB',
  timeZone: 'Europe/London',
  clientRef: 'row-1',
  source: 'crm',
});

/** Valid inputs of every mutation; each is sent once at the end to prove it is valid. */
const examples = (): [mutation: string, input: Record<string, unknown>][] => [
  ['upsertCustomer', profile()],
  ['upsertCustomer', { id: ids.b, displayName: 'Bea' }],
  ['syncCustomers', { customers: [profile()] }],
  ['removeIdentifier', { customerId: ids.a, identifier: { kind: 'EMAIL', value: emailOfA } }],
  ['updatePreferences', { customerId: ids.a, language: 'en', contactHours: 'mornings', notes: ['size M'], consents: [{ channel: 'EMAIL', granted: true, source: 'form' }] }],
  ['recordCall', { customerId: ids.a, caseId: ids.case, ...call() }],
  ['recordCall', { ...byIdentifier(), ...call() }],
  ['recordEmail', { customerId: ids.a, caseId: ids.case, ...mail() }],
  ['recordSocialMessage', { customerId: ids.a, caseId: ids.case, ...message() }],
  ['recordPurchase', { customerId: ids.a, caseId: ids.case, ...purchase() }],
  ['recordSurveyResponse', { customerId: ids.a, caseId: ids.case, ...survey() }],
  ['recordReview', { customerId: ids.a, caseId: ids.case, ...review() }],
  // One event a batch: every other item of a batch would be stored, as it should.
  ['recordEvents', { events: [{ call: { customerId: ids.a, ...call() } }] }],
  ['recordEvents', { events: [{ email: { ...byIdentifier(), ...mail() } }] }],
  ['recordEvents', { events: [{ socialMessage: { customerId: ids.a, ...message() } }] }],
  ['recordEvents', { events: [{ purchase: { customerId: ids.a, ...purchase() } }] }],
  ['recordEvents', { events: [{ surveyResponse: { customerId: ids.a, ...survey() } }] }],
  ['recordEvents', { events: [{ review: { customerId: ids.a, ...review() } }] }],
  ['mergeCustomers', { survivorId: ids.a, mergedId: ids.b, dryRun: true, source: 'agent' }],
  ['unmergeCustomers', { mergedId: ids.merged }],
  ['createApiKey', { name: 'Fuzzed key', role: 'ANALYST' }],
  ['revokeApiKey', { id: ids.key }],
  ['openCase', { customerId: ids.a, subject: 'Broken zip', eventIds: [ids.event], agentId: 'agent.one' }],
  ['updateCase', { caseId: ids.case, subject: 'Renamed case', agentId: 'agent.two' }],
  ['moveEventsToCase', { caseId: ids.case, eventIds: [ids.event] }],
  ['eraseCustomer', { customerId: ids.erased, reason: 'GDPR request 1', suppress: true }],
  ['createWebhook', { url: 'http://127.0.0.1:9/fuzz-new', topics: ['TIMELINE_EVENT_ADDED'], secret: 'a-long-enough-secret-for-fuzzing', filter: { customerId: ids.a, kinds: ['CALL'] } }],
  ['updateWebhook', { id: ids.webhook, url: 'http://127.0.0.1:9/fuzz-moved', topics: ['TIMELINE_EVENT_ADDED', 'CASE_CHANGED'] }],
  ['rotateWebhookSecret', { id: ids.webhook, graceSeconds: 60 }],
  ['redeliverWebhookDelivery', { deliveryId: ids.delivery }],
  ['replayWebhook', { id: ids.webhook, since: '2026-01-01T00:00:00Z' }],
  ['deleteWebhook', { id: ids.doomedWebhook }],
];

function documentFor(mutation: string): string {
  const type = schema.getMutationType()!.getFields()[mutation].args[0].type.toString();
  const errors = ['recordEvents', 'syncCustomers'].includes(mutation) ? 'results { userErrors { field code } }' : 'userErrors { field code }';
  return `mutation ($input: ${type}) { ${mutation}(input: $input) { ${errors} } }`;
}

/** The path of every String or ID leaf of `value`, walking it along its input type (enums are left out). */
function textLeaves(type: GraphQLInputType, value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  if (isListType(unwrapped)) return ((value as unknown[]) ?? []).flatMap((item, i) => textLeaves(unwrapped.ofType, item, [...path, i]));
  if (isInputObjectType(unwrapped)) {
    if (!value || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([key, inner]) => textLeaves(unwrapped.getFields()[key].type, inner, [...path, key]));
  }
  const named = getNamedType(unwrapped);
  return isScalarType(named) && (named.name === 'String' || named.name === 'ID') && typeof value === 'string' ? [path] : [];
}

/** Every string leaf of plain variables (the query cases below name only text arguments). */
function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => stringLeaves(inner, [...path, key]));
  return [];
}

function withValue(input: unknown, path: (string | number)[], replacement: string): unknown {
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  at[path[path.length - 1]] = replacement;
  return copy;
}

/** `Type.field` of every String or ID field reachable from a mutation's input. */
function textFieldsOfMutationInputs(): Set<string> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (type: GraphQLInputType) => {
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return;
    seen.add(named.name);
    for (const field of Object.values(named.getFields())) {
      const inner = getNamedType(field.type);
      if (isScalarType(inner) && (inner.name === 'String' || inner.name === 'ID')) found.add(`${named.name}.${field.name}`);
      walk(field.type);
    }
  };
  for (const field of Object.values(schema.getMutationType()!.getFields())) for (const arg of field.args) walk(arg.type);
  return found;
}

/** `Type.field` of every string leaf of an example, by walking it along its input type. */
function coveredTextFields(type: GraphQLInputType, value: unknown, into: Set<string>): void {
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  if (isListType(unwrapped)) {
    for (const item of (value as unknown[]) ?? []) coveredTextFields(unwrapped.ofType, item, into);
    return;
  }
  if (!isInputObjectType(unwrapped) || !value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    const field = unwrapped.getFields()[key];
    const named = getNamedType(field.type);
    if (isScalarType(named) && (named.name === 'String' || named.name === 'ID') && (typeof inner === 'string' || Array.isArray(inner))) into.add(`${unwrapped.name}.${key}`);
    coveredTextFields(field.type, inner, into);
  }
}

const USER_ERROR_CODES = ['INVALID', 'REQUIRED', 'TOO_LONG', 'OUT_OF_RANGE', 'NOT_FOUND'];

describe('text that cannot be stored', () => {
  it('the examples cover every String and ID field of every mutation input', () => {
    const covered = new Set<string>();
    for (const [mutation, input] of examples()) coveredTextFields(schema.getMutationType()!.getFields()[mutation].args[0].type, input, covered);
    expect([...textFieldsOfMutationInputs()].filter((field) => !covered.has(field))).toEqual([]);
  });

  it('is a user error naming the field in every mutation, and stores nothing', async () => {
    const before = await databaseState(server.db);
    let variants = 0;
    for (const [mutation, input] of examples()) {
      for (const path of textLeaves(schema.getMutationType()!.getFields()[mutation].args[0].type, input)) {
        for (const hostile of UNSTORABLE) {
          variants++;
          const answer = await server.post(documentFor(mutation), { input: withValue(input, path, hostile) });
          const where = `${mutation} ${path.join('.')} = ${JSON.stringify(hostile)}`;
          expect({ where, errors: answer.body.errors }).toEqual({ where, errors: undefined });
          const payload = answer.body.data[mutation];
          const errors: { field: string[]; code: string }[] = payload.results ? payload.results.flatMap((r: { userErrors: unknown[] }) => r.userErrors) : payload.userErrors;
          expect({ where, some: errors.length > 0 }).toEqual({ where, some: true });
          for (const error of errors) expect({ where, code: error.code }).toEqual({ where, code: expect.stringMatching(new RegExp(`^(${USER_ERROR_CODES.join('|')})$`)) });
          // The error names the field, or the object it belongs to (an identifier is one value).
          const named = errors.some((error) => ['input', ...path.slice(0, -1)].map(String).every((step, i) => error.field?.[i] === step));
          expect({ where, named }).toEqual({ where, named: true });
        }
      }
    }
    expect(variants).toBeGreaterThan(150);
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('each example is itself valid: the errors above came from the text alone', async () => {
    for (const [mutation, input] of examples()) {
      const answer = await server.post(documentFor(mutation), { input });
      expect({ mutation, errors: answer.body.errors }).toEqual({ mutation, errors: undefined });
      const payload = answer.body.data[mutation];
      const errors = payload.results ? payload.results.flatMap((r: { userErrors: unknown[] }) => r.userErrors) : payload.userErrors;
      expect({ mutation, errors }).toEqual({ mutation, errors: [] });
    }
  });

  it('is BAD_USER_INPUT in the text arguments of queries', async () => {
    const queries: [string, Record<string, unknown>][] = [
      ['query ($q: String!) { searchCustomers(query: $q) { edges { node { id } } } }', { q: 'maya' }],
      ['query ($q: String!, $after: String) { searchCustomers(query: $q, after: $after) { edges { node { id } } } }', { q: 'maya', after: 'x' }],
      ['query ($value: String!, $namespace: String) { customerByIdentifier(identifier: { kind: SOCIAL, value: $value, namespace: $namespace }) { id } }', { value: 'maya', namespace: 'instagram' }],
      ['query ($id: ID!) { customer(id: $id) { id } }', { id: 'x' }],
      ['query ($id: ID!) { node(id: $id) { id } }', { id: 'x' }],
      ['query ($id: ID!, $after: String) { customer(id: $id) { timeline(after: $after) { edges { cursor } } } }', { id: 'ID', after: 'x' }],
      ['query ($id: ID!, $before: String) { customer(id: $id) { consentHistory(before: $before) { edges { cursor } } } }', { id: 'ID', before: 'x' }],
    ];
    for (const [query, variables] of queries) {
      for (const path of stringLeaves(variables)) {
        for (const hostile of UNSTORABLE) {
          const values = withValue(variables, path, hostile) as Record<string, unknown>;
          if (values.id === 'ID') values.id = ids.a;
          const answer = await server.post(query, values);
          const where = `${query} ${path.join('.')}`;
          expect({ where, data: answer.body.data ?? null, codes: answer.body.errors?.map((e) => e.extensions?.code) }).toEqual({ where, data: null, codes: ['BAD_USER_INPUT'] });
        }
      }
    }
    // Written into the document itself rather than passed as a variable: the same.
    const literal = await server.post(`{ searchCustomers(query: "maya\\u0000") { edges { node { id } } } }`);
    expect(literal.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNSTORABLE_TEXT' });
  });

  it('is BAD_USER_INPUT in the arguments of subscriptions', async () => {
    for (const [query, variables] of [
      ['subscription ($id: ID) { timelineEventAdded(customerId: $id) { id } }', { id: 'Q3VzdG9tZXI6\u0000' }],
      ['subscription ($after: String) { timelineEventAdded(after: $after) { id } }', { after: 'dHMx\ud800' }],
      ['subscription ($id: ID) { customerChanged(id: $id) { kind } }', { id: '\udc00' }],
    ] as const) {
      const subscription = subscribe(client, query, variables);
      await subscription.waitForEnd();
      expect(subscription.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    }
  });
});
