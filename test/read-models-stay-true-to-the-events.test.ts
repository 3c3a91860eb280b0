import { rebuildCustomerOrders } from '../src/insights/customer-orders';
import { rebuildCustomerActivity } from '../src/metrics/customer-activity';
import { EVENT_FIGURES, rebuildEventRollup } from '../src/metrics/event-rollup';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const INSIGHTS = `query ($id: ID!) { customer(id: $id) { insights { lifetimeValue { amount currency } orderCount lastContactAt } } }`;

async function record(customerId: string, events: Record<string, unknown>[]) {
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { ${USER_ERRORS} } } }`, {
    input: { events: events.map((event) => Object.fromEntries(Object.entries(event).map(([kind, input]) => [kind, { customerId, ...(input as object) }]))) },
  });
  for (const result of recordEvents.results) expect(result.userErrors).toEqual([]);
}
const order = (number: string, status: string, amount: string, days: number) => ({
  purchase: { occurredAt: daysAgo(days), orderNumber: number, status, total: { amount, currency: 'EUR' }, items: [], source: 'shop', externalId: unique('p') },
});

/** The read models as they are, and as worked out anew from every event: they must agree. */
async function readModels() {
  const snapshot = async () => ({
    orders: await server.db.query(`SELECT customer_id, order_key, currency, paid::text, refunded::text, cancelled, purchased_at, channel FROM customer_order ORDER BY 1, 2`),
    activity: await server.db.query(`SELECT * FROM customer_activity ORDER BY 1`),
    days: await server.db.query(
      `SELECT day, channel, ${EVENT_FIGURES.map(([column]) => `sum(${column})::float8 AS ${column}`).join(', ')} FROM metric_event_day GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
  });
  const kept = await snapshot();
  await rebuildCustomerOrders(server.db);
  await rebuildCustomerActivity(server.db);
  await rebuildEventRollup(server.db);
  return { kept, rebuilt: await snapshot() };
}

describe('the read models metrics come from', () => {
  it('stay what the events say through recordings, refunds, cancellations, merges, unmerges and an erasure', async () => {
    const a = await createCustomer(server);
    const b = await createCustomer(server);
    await record(a.id, [order('A-1', 'PAID', '10.00', 30), order('A-1', 'FULFILLED', '10.00', 29), order('A-2', 'PAID', '5.00', 20), order('A-2', 'CANCELLED', '5.00', 19)]);
    await record(b.id, [order('B-1', 'PAID', '20.00', 50), order('B-1', 'REFUNDED', '5.00', 40), { call: { occurredAt: daysAgo(3), direction: 'INBOUND', outcome: 'MISSED' } }]);
    expect((await server.data(INSIGHTS, { id: a.id })).customer.insights).toMatchObject({ lifetimeValue: [{ amount: '10.00', currency: 'EUR' }], orderCount: 1 });

    await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { survivorId: a.id, mergedId: b.id } });
    expect((await server.data(INSIGHTS, { id: a.id })).customer.insights).toMatchObject({ lifetimeValue: [{ amount: '25.00', currency: 'EUR' }], orderCount: 2, lastContactAt: expect.any(String) });
    let models = await readModels();
    expect(models.kept).toEqual(models.rebuilt);

    await server.data(`mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { mergedId: b.id } });
    expect((await server.data(INSIGHTS, { id: a.id })).customer.insights).toMatchObject({ lifetimeValue: [{ amount: '10.00', currency: 'EUR' }], orderCount: 1, lastContactAt: null });
    expect((await server.data(INSIGHTS, { id: b.id })).customer.insights).toMatchObject({ lifetimeValue: [{ amount: '15.00', currency: 'EUR' }], orderCount: 1 });
    models = await readModels();
    expect(models.kept).toEqual(models.rebuilt);

    await server.data(`mutation ($input: EraseCustomerInput!) { eraseCustomer(input: $input) { ${USER_ERRORS} } }`, { input: { customerId: b.id } });
    expect((await server.data(INSIGHTS, { id: b.id })).customer.insights).toMatchObject({ lifetimeValue: [{ amount: '15.00', currency: 'EUR' }], orderCount: 1 });
    models = await readModels();
    expect(models.kept).toEqual(models.rebuilt);
  });

  it('stay right under concurrent recordings for the same customers', async () => {
    const customers = await Promise.all(Array.from({ length: 3 }, () => createCustomer(server)));
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        record(customers[i % 3].id, [order(unique('C'), 'PAID', '1.00', i + 1), { email: { occurredAt: daysAgo(i), direction: 'INBOUND', fromAddress: 'x@example.com', toAddresses: ['y@example.com'] } }]),
      ),
    );
    const models = await readModels();
    expect(models.kept).toEqual(models.rebuilt);
  });
});
