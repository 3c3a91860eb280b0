import { databaseState } from './support/database-state';
import { createCustomer, unique } from './support/factories';
import { RECORD_PAYLOAD, USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const RECORD_EMAIL = `mutation ($input: RecordEmailInput!) { recordEmail(input: $input) { ${RECORD_PAYLOAD} } }`;
const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { ${RECORD_PAYLOAD} } }`;
const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { ${RECORD_PAYLOAD} } } }`;
const RECORD_SURVEY = `mutation ($input: RecordSurveyResponseInput!) { recordSurveyResponse(input: $input) { ${RECORD_PAYLOAD} } }`;
const MERGE = `mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`;

const SECRET_SUBJECT = 'Private: my new address is 12 Acacia Avenue';

function email(customer: { customerId?: string; identifier?: unknown }, externalId: string, subject = SECRET_SUBJECT) {
  return { ...customer, occurredAt: '2026-03-01T08:00:00Z', direction: 'INBOUND', fromAddress: 'x@example.com', toAddresses: ['help@example.net'], subject, source: 'gmail', externalId };
}

const conflict = [{ field: ['input', 'externalId'], message: expect.any(String), code: 'CONFLICT' }];

describe('an idempotency key names one customer’s event', () => {
  it('answers CONFLICT for another customer and shows nothing of the stored event', async () => {
    const x = await createCustomer(server);
    const y = await createCustomer(server);
    const externalId = unique('mail');
    const stored = (await server.data(RECORD_EMAIL, { input: email({ customerId: x.id }, externalId) })).recordEmail;
    expect(stored.created).toBe(true);
    const before = await databaseState(server.db);

    const answer = await server.post(RECORD_EMAIL, { input: email({ customerId: y.id }, externalId, 'Hello') });
    expect(answer.body.data.recordEmail).toEqual({ event: null, customer: null, created: false, userErrors: conflict });
    expect(JSON.stringify(answer.body)).not.toContain('Acacia');
    expect(await databaseState(server.db)).toEqual(before);

    // The same event again for its own customer is still a repeat.
    const again = (await server.data(RECORD_EMAIL, { input: email({ customerId: x.id }, externalId) })).recordEmail;
    expect(again).toMatchObject({ created: false, event: { id: stored.event.id } });
  });

  it('answers CONFLICT for another kind of event, and for an identifier nobody has, creating no customer', async () => {
    const x = await createCustomer(server);
    const externalId = unique('mail');
    await server.data(RECORD_EMAIL, { input: email({ customerId: x.id }, externalId) });
    const before = await databaseState(server.db);

    const call = await server.data(RECORD_CALL, { input: { customerId: x.id, occurredAt: '2026-03-01T08:00:00Z', outcome: 'ANSWERED', source: 'gmail', externalId } });
    expect(call.recordCall).toEqual({ event: null, customer: null, created: false, userErrors: conflict });
    const stranger = await server.data(RECORD_EMAIL, { input: email({ identifier: { kind: 'EMAIL', value: `${unique('new')}@example.com` } }, externalId) });
    expect(stranger.recordEmail.userErrors).toEqual(conflict);
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('answers CONFLICT for the second of two customers using one key in one batch', async () => {
    const x = await createCustomer(server);
    const y = await createCustomer(server);
    const externalId = unique('mail');
    const { recordEvents } = await server.data(RECORD_EVENTS, {
      input: { events: [{ email: email({ customerId: x.id }, externalId) }, { email: email({ customerId: y.id }, externalId) }, { email: email({ customerId: x.id }, externalId) }] },
    });
    expect(recordEvents.results.map((r: { created: boolean; userErrors: unknown[] }) => [r.created, r.userErrors.length])).toEqual([
      [true, 0],
      [false, 1],
      [false, 0],
    ]);
    expect(recordEvents.results[1].userErrors).toEqual([{ ...conflict[0], field: ['input', 'events', '1', 'email', 'externalId'] }]);
  });

  it('lets exactly one of two customers racing for one key store it; the other gets CONFLICT', async () => {
    for (let round = 0; round < 10; round++) {
      const x = await createCustomer(server);
      const y = await createCustomer(server);
      const externalId = unique('race');
      const answers = await Promise.all([x, y, x, y].map((c) => server.data(RECORD_EMAIL, { input: email({ customerId: c.id }, externalId) })));
      const outcomes = answers.map((a) => a.recordEmail);
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      const winner = outcomes.find((o) => o.created)!.customer.id;
      for (const [i, outcome] of outcomes.entries()) {
        const mine = [x, y, x, y][i].id === winner;
        if (mine) expect(outcome.userErrors).toEqual([]);
        else expect(outcome).toEqual({ event: null, customer: null, created: false, userErrors: conflict });
      }
    }
  });

  it('still answers the stored event to its customer’s merged-away id', async () => {
    const survivor = await createCustomer(server);
    const merged = await createCustomer(server);
    const externalId = unique('mail');
    const stored = (await server.data(RECORD_EMAIL, { input: email({ customerId: merged.id }, externalId) })).recordEmail;
    await server.data(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id } });
    const again = (await server.data(RECORD_EMAIL, { input: email({ customerId: merged.id }, externalId) })).recordEmail;
    expect(again).toMatchObject({ created: false, userErrors: [], event: { id: stored.event.id }, customer: { id: survivor.id } });
  });
});

describe('aboutEventId', () => {
  it('must name an event of the same customer; another customer’s is NOT_FOUND and nothing is stored', async () => {
    const x = await createCustomer(server);
    const y = await createCustomer(server);
    const ys = (await server.data(RECORD_EMAIL, { input: email({ customerId: y.id }, unique('mail')) })).recordEmail.event.id;
    const xs = (await server.data(RECORD_EMAIL, { input: email({ customerId: x.id }, unique('mail')) })).recordEmail.event.id;
    const before = await databaseState(server.db);
    const survey = (aboutEventId: string) => ({ customerId: x.id, occurredAt: '2026-03-02T08:00:00Z', survey: 'CSAT', score: 4, aboutEventId });

    const foreign = (await server.data(RECORD_SURVEY, { input: survey(ys) })).recordSurveyResponse;
    expect(foreign).toEqual({ event: null, customer: null, created: false, userErrors: [{ field: ['input', 'aboutEventId'], message: expect.any(String), code: 'NOT_FOUND' }] });
    expect(await databaseState(server.db)).toEqual(before);

    const own = (await server.data(RECORD_SURVEY, { input: survey(xs) })).recordSurveyResponse;
    expect(own).toMatchObject({ created: true, userErrors: [], event: { aboutEventId: xs } });
  });
});
