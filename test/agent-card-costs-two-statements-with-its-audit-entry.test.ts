import { Role } from '../src/core/access-scopes';
import { oneOfEachKind, unique } from './support/factories';
import { EVENT_FIELDS, USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const AGENT_CARD = `query AgentCard($identifier: IdentifierInput!) {
  customerByIdentifier(identifier: $identifier) {
    id displayName givenName familyName locale timeZone version createdAt updatedAt
    identifiers { kind value namespace verified addedAt source }
    preferences { preferredChannel language contactHours notes consents { channel granted updatedAt source } }
    insights { lifetimeValue { amount currency } orderCount averageOrderValue { amount currency } firstPurchaseAt lastPurchaseAt lastContactAt
      contactsLast30Days csat { latest average count lastAt } nps { latest average count lastAt } ces { latest count } npsCategory openCases lifecycleStage }
    timeline(first: 50) {
      edges { cursor node { ${EVENT_FIELDS} customer { id displayName } case { number status } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

describe('the agent card', () => {
  it("costs 2 SQL statements for an agent, with insights, every event's case and its audit entry, whatever mix of kinds the page holds", async () => {
    const handle = unique('maya').replace(/-/g, '.');
    const { upsertCustomer } = await server.data(
      `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } ${USER_ERRORS} } }`,
      {
        input: {
          displayName: 'Maya Okafor',
          identifiers: [
            { kind: 'SOCIAL', namespace: 'instagram', value: `@${handle}` },
            { kind: 'EMAIL', value: `${handle}@example.com` },
          ],
        },
      },
    );
    const customerId = upsertCustomer.customer.id;
    await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, {
      input: { customerId, preferredChannel: 'EMAIL', contactHours: 'mornings', consents: [{ channel: 'EMAIL', granted: true }, { channel: 'SMS', granted: false }] },
    });
    // 60 events, 12 of each kind, so the first page of 50 mixes all five.
    const events = Array.from({ length: 12 }, (_, round) => oneOfEachKind(customerId, Date.parse('2025-01-01T00:00:00Z') + round * 86_400_000)).flat();
    await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events } });

    const agent = await server.createKey({ role: Role.AGENT, name: 'card agent' });
    const response = await server.as(agent.secret).graphql(AGENT_CARD, { identifier: { kind: 'SOCIAL', namespace: 'Instagram', value: handle.toUpperCase() } });
    expect(response.errors).toBeUndefined();
    const card = response.data.customerByIdentifier;
    expect(card.id).toBe(customerId);
    expect(card.identifiers).toHaveLength(2);
    expect(card.preferences).toMatchObject({ preferredChannel: 'EMAIL', contactHours: 'mornings' });
    expect(card.preferences.consents.map((c: any) => [c.channel, c.granted])).toEqual([
      ['EMAIL', true],
      ['SMS', false],
    ]);
    expect(card.timeline.edges).toHaveLength(50);
    expect(new Set(card.timeline.edges.map((e: any) => e.node.__typename))).toEqual(
      new Set(['CallEvent', 'EmailEvent', 'SocialMessageEvent', 'PurchaseEvent', 'SurveyResponseEvent']),
    );
    expect(card.timeline.edges.every((e: any) => e.node.customer.id === customerId)).toBe(true);
    expect(card.timeline.edges.some((e: any) => e.node.case?.status === 'OPEN')).toBe(true);
    // Every round sends order SO-1 again: one order, paid.
    expect(card.insights).toMatchObject({ orderCount: 1, openCases: 1, nps: { count: 12 }, lifecycleStage: expect.any(String) });
    // One to read the card (the customer with its identifiers, and read ahead with it its
    // consents, its insights and the page of events with their cases), one to write what it
    // showed in clear to the audit log.
    expect(response.extensions?.sqlStatements).toBe(2);
    const { auditLog } = await server.data(`query ($id: ID!) { auditLog(customerId: $id, first: 10) { edges { node { action field outcome operationName actor { name role } } } } }`, { id: customerId });
    const reads = auditLog.edges.map((e: any) => e.node).filter((entry: any) => entry.action === 'READ');
    expect(reads).toEqual([{ action: 'READ', field: 'customerByIdentifier', outcome: 'OK', operationName: 'AgentCard', actor: { name: 'card agent', role: 'AGENT' } }]);
  });

  it('costs the same statements for a list of customers with their consent history as for one (no query per customer)', async () => {
    const name = unique('hist');
    for (let i = 0; i < 6; i++) {
      const { upsertCustomer } = await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } ${USER_ERRORS} } }`, {
        input: { displayName: `${name} ${i}`, identifiers: [{ kind: 'EMAIL', value: `${name}.${i}@example.com` }] },
      });
      await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, {
        input: { customerId: upsertCustomer.customer.id, consents: [{ channel: 'EMAIL', granted: i % 2 === 0 }] },
      });
    }
    const LIST = `query ($q: String!, $n: Int) { searchCustomers(query: $q, first: $n) { edges { node { id consentHistory(first: 5) { edges { node { channel granted } } } preferences { consentHistory(first: 5) { edges { node { channel } } } } } } } }`;
    const one = await server.graphql(LIST, { q: name, n: 1 });
    const six = await server.graphql(LIST, { q: name, n: 6 });
    expect(six.errors).toBeUndefined();
    expect(six.data.searchCustomers.edges).toHaveLength(6);
    for (const { node } of six.data.searchCustomers.edges) expect(node.consentHistory.edges).toHaveLength(1);
    expect(six.extensions?.sqlStatements).toBe(one.extensions?.sqlStatements);
  });
});
