import 'reflect-metadata';
import { CustomerInsightsService } from '../src/insights/customer-insights.service';
import { keyOf } from '../src/relay/global-id';
import { lifecycleThresholds } from '../src/server/services';
import { createCustomer, unique } from './support/factories';
import { rowsReadBy } from './support/rows-read';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const INSIGHTS = `query ($id: ID!) { customer(id: $id) { insights {
  lifetimeValue { amount currency } orderCount averageOrderValue { amount currency } firstPurchaseAt lastPurchaseAt lastContactAt contactsLast30Days
  csat { latest average count lastAt } nps { latest average count lastAt } ces { latest average count lastAt } npsCategory openCases lifecycleStage } } }`;

async function record(customerId: string, events: Record<string, unknown>[]) {
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { ${USER_ERRORS} } } }`, {
    input: { events: events.map((event) => Object.fromEntries(Object.entries(event).map(([kind, input]) => [kind, { customerId, ...(input as object) }]))) },
  });
  for (const result of recordEvents.results) expect(result.userErrors).toEqual([]);
}

const purchase = (order: string, status: string, amount: string, currency: string, at: string) => ({
  purchase: { occurredAt: at, orderNumber: order, status, total: { amount, currency }, items: [], source: 'shop', externalId: unique('p') },
});
const insightsOf = async (id: string) => (await server.data(INSIGHTS, { id })).customer.insights;

describe('Customer.insights', () => {
  it('adds up orders, refunds, surveys, contacts and cases as worked out by hand', async () => {
    const { id } = await createCustomer(server);
    const at = { o1: daysAgo(200), o1f: daysAgo(198), o2: daysAgo(100), o2r: daysAgo(90), o3: daysAgo(50), o3c: daysAgo(49), o4: daysAgo(10), o5: daysAgo(40) };
    const lastReply = daysAgo(1);
    const csatAt = daysAgo(20);
    const npsAt = daysAgo(5);
    await record(id, [
      purchase('O1', 'PAID', '100.00', 'EUR', at.o1),
      purchase('O1', 'FULFILLED', '100.00', 'EUR', at.o1f),
      purchase('O2', 'PAID', '50.00', 'EUR', at.o2),
      purchase('O2', 'REFUNDED', '20.00', 'EUR', at.o2r),
      purchase('O3', 'PAID', '30.00', 'EUR', at.o3),
      purchase('O3', 'CANCELLED', '30.00', 'EUR', at.o3c),
      purchase('O4', 'PLACED', '10.00', 'EUR', at.o4),
      purchase('O5', 'PAID', '1000', 'JPY', at.o5),
      { surveyResponse: { occurredAt: daysAgo(30), survey: 'CSAT', score: 4 } },
      { surveyResponse: { occurredAt: csatAt, survey: 'CSAT', score: 10, scaleMax: 10 } },
      { surveyResponse: { occurredAt: daysAgo(25), survey: 'NPS', score: 6 } },
      { surveyResponse: { occurredAt: npsAt, survey: 'NPS', score: 9 } },
      { call: { occurredAt: daysAgo(40), direction: 'INBOUND', outcome: 'ANSWERED' } },
      { email: { occurredAt: daysAgo(5), direction: 'INBOUND', fromAddress: 'a@example.com', toAddresses: ['help@shop.example'], subject: 'Still waiting' } },
      { email: { occurredAt: lastReply, direction: 'OUTBOUND', fromAddress: 'help@shop.example', toAddresses: ['a@example.com'], subject: 'Re: Still waiting' } },
    ]);
    expect(await insightsOf(id)).toEqual({
      // O1 once (100.00), O2 50.00 less its 20.00 refund, O3 cancelled, O4 only placed; O5 in yen.
      lifetimeValue: [
        { amount: '130.00', currency: 'EUR' },
        { amount: '1000', currency: 'JPY' },
      ],
      orderCount: 3,
      // (100.00 + 50.00) / 2 orders in euros, before refunds.
      averageOrderValue: [
        { amount: '75.00', currency: 'EUR' },
        { amount: '1000', currency: 'JPY' },
      ],
      firstPurchaseAt: at.o1,
      lastPurchaseAt: at.o5,
      lastContactAt: lastReply,
      // The e-mail 5 days ago; the call was 40 days ago, the reply is outbound.
      contactsLast30Days: 1,
      // 4 on 1-5, and 10 on 1-10 which is 5 on 1-5: mean 4.5.
      csat: { latest: 10, average: 4.5, count: 2, lastAt: csatAt },
      nps: { latest: 9, average: 7.5, count: 2, lastAt: npsAt },
      ces: { latest: null, average: null, count: 0, lastAt: null },
      npsCategory: 'PROMOTER',
      // The call opened a case; the e-mail and the reply joined it; nobody resolved it.
      openCases: 1,
      // Purchases 200, 100 and 40 days ago: a mean gap of 80 days, the last 40 days ago.
      lifecycleStage: 'CUSTOMER',
    });
  });

  it.each([
    ['LEAD', []],
    ['CUSTOMER', [30]],
    ['AT_RISK', [100]],
    ['CHURNED', [200]],
    // Every 300 days: 100 days since is within their rhythm, not at risk.
    ['CUSTOMER', [700, 400, 100]],
    // Every 300 days, 700 since: past twice the rhythm (600), not yet four times (1200).
    ['AT_RISK', [1300, 1000, 700]],
    // Every 100 days, 1400 since: past four times the rhythm and 180 days.
    ['CHURNED', [1600, 1500, 1400]],
  ])('is %s with purchases %j days ago', async (stage, days) => {
    const { id } = await createCustomer(server);
    if (days.length) await record(id, days.map((d, i) => purchase(`R${i}`, 'PAID', '10.00', 'EUR', daysAgo(d))));
    expect((await insightsOf(id)).lifecycleStage).toBe(stage);
  });

  it('is read for a page of customers in one statement', async () => {
    const name = unique('Insightful');
    for (let i = 0; i < 5; i++) await createCustomer(server, { displayName: `${name} ${i}` });
    const LIST = `query ($q: String!, $n: Int) { searchCustomers(query: $q, first: $n) { edges { node { insights { orderCount lifecycleStage } } } } }`;
    const one = await server.graphql(LIST, { q: name, n: 1 });
    const five = await server.graphql(LIST, { q: name, n: 5 });
    expect(five.data.searchCustomers.edges).toHaveLength(5);
    expect(five.extensions?.sqlStatements).toBe(one.extensions?.sqlStatements);
  });

  it("reads her survey answers without reading the rest of her history, however long it is", async () => {
    const { id } = await createCustomer(server);
    const calls = Array.from({ length: 200 }, (_, i) => ({
      call: { occurredAt: daysAgo(400 - i), direction: 'OUTBOUND', outcome: 'ANSWERED', source: 'pbx', externalId: unique('call') },
    }));
    await record(id, [...calls, { surveyResponse: { occurredAt: daysAgo(3), survey: 'CSAT', score: 4, source: 'survey', externalId: unique('s') } }]);
    const customerKey = keyOf(id, 'Customer')!;
    // With statistics, as autovacuum keeps them: without, the planner cannot tell her 30 days from her whole history.
    await server.db.query('ANALYZE timeline_event');
    const { result, read } = await rowsReadBy(server.database, ['timeline_event'], (sql) =>
      new CustomerInsightsService(sql, lifecycleThresholds(server.config)).insightsByCustomer([customerKey]),
    );
    expect(result[0].csat).toMatchObject({ latest: 4, count: 1 });
    // Her latest contact and her one survey answer: a few rows of 201, not every event she has.
    expect(read.timeline_event).toBeLessThanOrEqual(10);
  });
});
