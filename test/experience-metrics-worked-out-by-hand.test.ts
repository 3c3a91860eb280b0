import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const EXPERIENCE = `query ($range: MetricsRange!) { experienceMetrics(range: $range) {
  activeCustomers newCustomers churnRate retentionRate conversionRate
  averageLifetimeValue { amount currency } averageOrderValue { amount currency } reviewCount averageReviewRating nps csat } }`;

async function record(customerId: string, events: Record<string, unknown>[]) {
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { ${USER_ERRORS} } } }`, {
    input: { events: events.map((event) => Object.fromEntries(Object.entries(event).map(([kind, input]) => [kind, { customerId, ...(input as object) }]))) },
  });
  for (const result of recordEvents.results) expect(result.userErrors).toEqual([]);
}
const paid = (amount: string, when: string) => ({ purchase: { occurredAt: when, orderNumber: unique('O'), status: 'PAID', total: { amount, currency: 'EUR' }, items: [] } });

let range: { since: string; until: string };
beforeAll(async () => {
  server = await startTestServer();
  range = { since: daysAgo(400), until: new Date(Date.now() + 3_600_000).toISOString() };
  // Imported histories: each customer is created now, with purchases from before.
  const p = await createCustomer(server);
  await record(p.id, [paid('100.00', daysAgo(300)), paid('50.00', daysAgo(200))]);
  const q = await createCustomer(server);
  await record(q.id, [paid('20.00', daysAgo(420)), paid('30.00', daysAgo(100))]);
  const r = await createCustomer(server);
  await record(r.id, [paid('40.00', daysAgo(410))]);
  const s = await createCustomer(server);
  await record(s.id, [paid('60.00', daysAgo(600))]);
  // Leads made now: T only calls; U buys at once.
  const t = await createCustomer(server);
  await record(t.id, [
    { call: { occurredAt: daysAgo(5), direction: 'INBOUND', outcome: 'ANSWERED' } },
    { review: { occurredAt: daysAgo(4), platform: 'trustpilot', rating: 4 } },
    { review: { occurredAt: daysAgo(3), platform: 'google', rating: 8, scaleMax: 10 } },
    { surveyResponse: { occurredAt: daysAgo(2), survey: 'CSAT', score: 5 } },
  ]);
  const u = await createCustomer(server);
  await record(u.id, [paid('10.00', new Date().toISOString())]);
});
afterAll(() => server.stop());

describe('experienceMetrics', () => {
  it('works out every figure as a support lead would by hand', async () => {
    const { experienceMetrics } = await server.data(EXPERIENCE, { range });
    expect(experienceMetrics).toMatchObject({
      // P bought in the range, Q too, T called, U bought; R's and S's purchases are older.
      activeCustomers: 4,
      // All six were created now.
      newCustomers: 6,
      // At the start Q (bought 20 days before) and R (10 days before) were customers; P was a lead
      // and S had churned. At the end Q, buying every 320 days, bought 100 days ago: still a
      // customer; R's one purchase is 410 days old: churned.
      churnRate: 0.5,
      retentionRate: 0.5,
      // Of the leads made in the range (T and U; the others had bought before they were made), U bought within 30 days.
      conversionRate: 0.5,
      // P 150, Q 50, R 40, S 60, U 10: 310 over 5 customers.
      averageLifetimeValue: [{ amount: '62.00', currency: 'EUR' }],
      // Orders bought in the range: 100, 50 (P), 30 (Q), 10 (U).
      averageOrderValue: [{ amount: '47.50', currency: 'EUR' }],
      reviewCount: 2,
      csat: 1,
      nps: null,
    });
    // 4 of 5, and 8 of 10, which is 1 + 7 x 4 / 9 on 1-5.
    expect(experienceMetrics.averageReviewRating).toBeCloseTo((4 + (1 + (7 * 4) / 9)) / 2, 10);
  });

  it('counts a customer whose history spans the range active only when an event falls inside it', async () => {
    // Q bought 420 and 100 days ago: nothing between 250 and 150 days ago. W called 260, 200 and 10 days ago.
    const w = await createCustomer(server);
    const call = (days: number) => ({ call: { occurredAt: daysAgo(days), direction: 'INBOUND', outcome: 'ANSWERED' } });
    await record(w.id, [call(260), call(200), call(10)]);
    const { experienceMetrics } = await server.data(EXPERIENCE, { range: { since: daysAgo(250), until: daysAgo(150) } });
    // P (bought 200 days ago) and W.
    expect(experienceMetrics.activeCustomers).toBe(2);
  });

  it('answers null, never 0, where nothing is measured', async () => {
    const { experienceMetrics } = await server.data(EXPERIENCE, { range: { since: '2001-01-01T00:00:00Z', until: '2001-06-01T00:00:00Z' } });
    expect(experienceMetrics).toEqual({
      activeCustomers: 0,
      newCustomers: 0,
      churnRate: null,
      retentionRate: null,
      conversionRate: null,
      averageLifetimeValue: [],
      averageOrderValue: [],
      reviewCount: 0,
      averageReviewRating: null,
      nps: null,
      csat: null,
    });
  });

  it('needs METRICS_READ: an integration gets FORBIDDEN', async () => {
    const key = await server.createKey({ role: 'INTEGRATION' as never });
    const answer = await server.as(key.secret).graphql(EXPERIENCE, { range });
    expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
