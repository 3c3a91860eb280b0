import 'reflect-metadata';
import { recomputeCases } from '../src/cases/case-figures';
import type { Sql } from '../src/db/database';
import { keyOf, toGlobalId } from '../src/relay/global-id';
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
  const sql: Sql = { query: (text, params) => server.db.query(text, params) };
  await rebuildCustomerOrders(sql);
  await rebuildCustomerActivity(sql);
  await rebuildEventRollup(sql);
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

  it('keep each case\'s figures what its events and history say, whether events come later, earlier, together or at once', async () => {
    const customers = await Promise.all(Array.from({ length: 4 }, () => createCustomer(server)));
    const [a, b, c, d] = customers;
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const email = (hours: number, direction: string) => ({ email: { occurredAt: hoursAgo(hours), direction, fromAddress: 'x@example.com', toAddresses: ['y@example.com'], subject: 'Zip' } });
    const call = (hours: number, outcome: string, waitSeconds: number) => ({ call: { occurredAt: hoursAgo(hours), direction: 'INBOUND', outcome, waitSeconds } });
    const dm = (hours: number, direction: string) => ({ socialMessage: { occurredAt: hoursAgo(hours), direction, platform: 'instagram', handle: '@m', text: 'hi' } });

    // One at a time in time order, then one earlier than the rest, then a later batch across channels.
    for (const event of [email(50, 'INBOUND'), call(49, 'ANSWERED', 30), email(48, 'OUTBOUND'), dm(47, 'INBOUND')]) await record(a.id, [event]);
    await record(a.id, [call(60, 'ANSWERED', 90)]);
    await record(a.id, [dm(46, 'OUTBOUND'), call(45, 'MISSED', 0), email(44, 'INBOUND'), call(43, 'ANSWERED', 10)]);
    // An agent's change between recordings: the next event sits in a case whose history moved.
    await record(d.id, [email(50, 'INBOUND')]);
    const [{ id: caseKey }] = await server.db.query(`SELECT id FROM support_case WHERE customer_id = $1`, [keyOf(d.id, 'Customer')]);
    await server.data(`mutation ($input: UpdateCaseInput!) { updateCase(input: $input) { ${USER_ERRORS} } }`, { input: { caseId: toGlobalId('Case', caseKey), status: 'PENDING' } });
    await record(d.id, [email(1, 'INBOUND')]);
    // Concurrent recordings for the same customers, in no particular order.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => record([b, c][i % 2].id, [[email, dm][i % 3 === 0 ? 1 : 0](30 - ((i * 7) % 13), i % 4 === 0 ? 'OUTBOUND' : 'INBOUND'), call(20 - i, 'ANSWERED', i * 5)])),
    );

    const figures = () =>
      server.db.query(
        `SELECT id, status, contact_count, first_response_at, last_response_at, channels, last_activity_at, opened_at, resolved_at, reopen_count
         FROM support_case WHERE customer_id = ANY($1::uuid[]) ORDER BY id`,
        [customers.map((customer) => keyOf(customer.id, 'Customer'))],
      );
    const kept = await figures();
    expect(kept.length).toBeGreaterThanOrEqual(3);
    const sql: Sql = { query: (text, params) => server.db.query(text, params) };
    await recomputeCases(sql, kept.map((row: { id: string }) => row.id));
    expect(await figures()).toEqual(kept);
  });
});
