import { databaseState } from './support/database-state';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { refuseEventsAboutPoison } from './support/refused-events';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await refuseEventsAboutPoison(server);
  await server.db.query(`ALTER TABLE customer ADD CONSTRAINT no_poison_names CHECK (display_name NOT LIKE '%Poison%')`);
});
afterAll(() => server.stop());

const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { id summary } ${USER_ERRORS} } } }`;
const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created event { id } ${USER_ERRORS} } }`;
const SYNC = `mutation ($input: SyncCustomersInput!) { syncCustomers(input: $input) { results { customer { id displayName } clientRef ${USER_ERRORS} } } }`;

const call = (customer: Record<string, unknown>, summary: string) => ({
  call: { ...customer, occurredAt: '2026-02-01T10:00:00Z', outcome: 'ANSWERED', summary, source: 'refusal', externalId: unique('call') },
});

describe('an item the database refuses', () => {
  it('fails alone in a batch: the others are stored, it gets REFUSED naming it', async () => {
    const customer = await createCustomer(server);
    const newcomer = { identifier: { kind: 'EMAIL', value: `${unique('poisoned')}@example.com` } };
    const { recordEvents } = await server.data(RECORD_EVENTS, {
      input: {
        events: [
          call({ customerId: customer.id }, 'first'),
          call(newcomer, 'poison pill'),
          call({ customerId: customer.id }, 'third'),
          call({ customerId: customer.id }, 'poison again'),
          call({ identifier: { kind: 'EMAIL', value: `${unique('fine')}@example.com` } }, 'fifth'),
        ],
      },
    });
    expect(recordEvents.results.map((r: { created: boolean; userErrors: { code: string; field: string[] }[] }) => [r.created, r.userErrors.map((e) => `${e.code} ${e.field.join('.')}`)])).toEqual([
      [true, []],
      [false, ['REFUSED input.events.1.call']],
      [true, []],
      [false, ['REFUSED input.events.3.call']],
      [true, []],
    ]);
    // Nothing of the refused items stayed behind, not even the customer the newcomer's would have made.
    const [{ n }] = await server.db.query(`SELECT count(*)::int AS n FROM customer_identifier WHERE value = $1`, [newcomer.identifier.value]);
    expect(n).toBe(0);
  });

  it('alone: REFUSED, and nothing is stored', async () => {
    const before = await databaseState(server.db);
    const { recordCall } = await server.data(RECORD_CALL, { input: call({ identifier: { kind: 'EMAIL', value: `${unique('single')}@example.com` } }, 'poison').call });
    expect(recordCall).toEqual({ created: false, event: null, userErrors: [{ field: ['input'], message: expect.any(String), code: 'REFUSED' }] });
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('fails alone in a CRM sync', async () => {
    const { syncCustomers } = await server.data(SYNC, {
      input: { customers: [{ displayName: 'Ada', clientRef: 'a' }, { displayName: 'Poison Ivy', clientRef: 'b' }, { displayName: 'Grace', clientRef: 'c' }] },
    });
    expect(syncCustomers.results.map((r: { customer: unknown; clientRef: string; userErrors: { code: string }[] }) => [r.clientRef, Boolean(r.customer), r.userErrors.map((e) => e.code)])).toEqual([
      ['a', true, []],
      ['b', false, ['REFUSED']],
      ['c', true, []],
    ]);
  });
});
