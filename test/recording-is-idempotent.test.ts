import { countRows, databaseState } from './support/database-state';
import { createCustomer, oneOfEachKind, unique } from './support/factories';
import { EVENT_FIELDS, RECORD_PAYLOAD, USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const RECORD_EMAIL = `mutation ($input: RecordEmailInput!) { recordEmail(input: $input) { ${RECORD_PAYLOAD} } }`;
const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { ${RECORD_PAYLOAD} } } }`;

describe('source + externalId make recording idempotent', () => {
  it('returns the stored event with created: false and stores nothing new', async () => {
    const externalId = unique('msg');
    const input = {
      identifier: { kind: 'EMAIL', value: `${unique('a')}@Example.com` },
      occurredAt: '2026-03-01T08:00:00Z',
      direction: 'INBOUND',
      fromAddress: 'a@example.com',
      toAddresses: ['help@example.net'],
      subject: 'Refund',
      source: 'gmail',
      externalId,
    };
    const first = (await server.data(RECORD_EMAIL, { input })).recordEmail;
    expect(first.created).toBe(true);
    const before = await databaseState(server.db);

    // The same event again, even with a changed subject: the stored one wins, nothing is written.
    const again = (await server.data(RECORD_EMAIL, { input: { ...input, subject: 'Changed' } })).recordEmail;
    expect(again).toMatchObject({ created: false, userErrors: [] });
    expect(again.event).toEqual(first.event);
    expect(again.customer.id).toBe(first.customer.id);
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('stores one event when the same event is sent concurrently', async () => {
    const externalId = unique('race');
    const email = `${unique('r')}@example.com`;
    const input = { identifier: { kind: 'EMAIL', value: email }, occurredAt: '2026-03-02T08:00:00Z', fromAddress: email, toAddresses: ['help@example.net'], source: 'gmail', externalId };
    const results = await Promise.all(Array.from({ length: 8 }, () => server.data(RECORD_EMAIL, { input })));
    const payloads = results.map((r) => r.recordEmail);
    expect(payloads.every((p) => p.userErrors.length === 0)).toBe(true);
    expect(payloads.filter((p) => p.created)).toHaveLength(1);
    expect(new Set(payloads.map((p) => p.event.id)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.customer.id)).size).toBe(1);
    const [{ n }] = await server.db.query(`SELECT count(*)::int AS n FROM timeline_event WHERE external_id = $1`, [externalId]);
    expect(n).toBe(1);
    const [{ owners }] = await server.db.query(`SELECT count(DISTINCT customer_id)::int AS owners FROM customer_identifier WHERE value = $1`, [email]);
    expect(owners).toBe(1);
  });

  it('creates one customer when several events for a new identifier arrive at once', async () => {
    const handle = unique('new').replace(/-/g, '_');
    const customersBefore = await countRows(server.db, 'customer');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        server.data(`mutation ($input: RecordSocialMessageInput!) { recordSocialMessage(input: $input) { ${RECORD_PAYLOAD} } }`, {
          input: { identifier: { kind: 'SOCIAL', namespace: 'instagram', value: `@${handle}` }, occurredAt: `2026-03-03T08:0${i}:00Z`, platform: 'instagram', handle, text: `hi ${i}` },
        }),
      ),
    );
    const customerIds = new Set(results.map((r) => r.recordSocialMessage.customer.id));
    expect(customerIds.size).toBe(1);
    expect(await countRows(server.db, 'customer')).toBe(customersBefore + 1);
  });
});

describe('recordEvents', () => {
  it('creates one customer per new identifier when batches naming the same new people race, and none for a batch whose items are refused', async () => {
    const people = Array.from({ length: 30 }, () => `${unique('first')}@example.com`);
    const customersBefore = await countRows(server.db, 'customer');
    const batch = (writer: number) =>
      people.map((email, i) => ({ email: { identifier: { kind: 'EMAIL', value: email }, occurredAt: `2026-03-04T08:${String(i).padStart(2, '0')}:0${writer}Z`, fromAddress: email, toAddresses: ['support@example.com'], subject: `hello ${writer}` } }));
    // Four batches at once: one creates everyone in one statement, the others find them (or race, and fall back to one at a time).
    const answers = await Promise.all([0, 1, 2, 3].map((writer) => server.data(RECORD_EVENTS, { input: { events: batch(writer) } })));
    const owners = answers.map((answer) => answer.recordEvents.results.map((r: { customer: { id: string } }) => r.customer.id));
    for (const list of owners) expect(list).toEqual(owners[0]);
    expect(new Set(owners[0]).size).toBe(people.length);
    expect(await countRows(server.db, 'customer')).toBe(customersBefore + people.length);
    // A batch of new people whose every item is refused creates no one.
    const strangers = Array.from({ length: 5 }, () => `${unique('never')}@example.com`);
    const failing = await server.graphql(RECORD_EVENTS, {
      input: { events: strangers.map((email) => ({ email: { identifier: { kind: 'EMAIL', value: email }, occurredAt: '2026-03-04T09:00:00Z', fromAddress: email, toAddresses: ['support@example.com'], subject: 'x'.repeat(999) } })) },
    });
    expect(failing.data?.recordEvents.results.every((r: { event: unknown }) => r.event === null)).toBe(true);
    expect(await countRows(server.db, 'customer')).toBe(customersBefore + people.length);
  });

  it('stores the good items of a mixed batch and reports the bad ones in place', async () => {
    const { id: customerId } = await createCustomer(server);
    const good = oneOfEachKind(customerId);
    const events = [
      good[0],
      { call: { customerId, occurredAt: '2026-01-01T00:00:00Z', outcome: 'ANSWERED', durationSeconds: -1 } },
      good[1],
      { call: good[0].call, email: good[1].email },
      good[2],
      { surveyResponse: { customerId, occurredAt: '2026-01-01T00:00:00Z', survey: 'CSAT', score: 9 } },
      good[3],
      {},
      good[4],
    ];
    const eventsBefore = await countRows(server.db, 'timeline_event');
    const { recordEvents } = await server.data(RECORD_EVENTS, { input: { events } });
    const results = recordEvents.results;
    expect(results).toHaveLength(events.length);
    expect(results.map((r: any) => r.created)).toEqual([true, false, true, false, true, false, true, false, true]);
    expect(results[1].userErrors[0]).toMatchObject({ code: 'OUT_OF_RANGE', field: ['input', 'events', '1', 'call', 'durationSeconds'] });
    expect(results[3].userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'events', '3'] });
    expect(results[5].userErrors[0]).toMatchObject({ code: 'OUT_OF_RANGE', field: ['input', 'events', '5', 'surveyResponse', 'score'] });
    expect(results[7].userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'events', '7'] });
    expect(results.filter((r: any) => r.created).map((r: any) => r.event.__typename)).toEqual([
      'CallEvent',
      'EmailEvent',
      'SocialMessageEvent',
      'PurchaseEvent',
      'SurveyResponseEvent',
    ]);
    expect(await countRows(server.db, 'timeline_event')).toBe(eventsBefore + 5);

    // Replaying the whole batch stores nothing more and reports the same events.
    const replay = (await server.data(RECORD_EVENTS, { input: { events } })).recordEvents.results;
    expect(replay.map((r: any) => r.created)).toEqual(Array(9).fill(false));
    expect(replay.map((r: any) => r.event?.id ?? null)).toEqual(results.map((r: any) => r.event?.id ?? null));
    expect(await countRows(server.db, 'timeline_event')).toBe(eventsBefore + 5);
  });

  it('keeps an item that fails in the database from undoing the others', async () => {
    const { id: customerId } = await createCustomer(server);
    const missingEvent = Buffer.from('TimelineEvent:987654321').toString('base64url');
    const newEmail = `${unique('fresh')}@example.com`;
    const events = [
      { call: { identifier: { kind: 'EMAIL', value: newEmail }, occurredAt: '2026-01-02T00:00:00Z', outcome: 'MISSED' } },
      { surveyResponse: { identifier: { kind: 'EMAIL', value: `${unique('ghost')}@example.com` }, occurredAt: '2026-01-02T00:00:00Z', survey: 'CSAT', score: 5, aboutEventId: missingEvent } },
      { call: { customerId, occurredAt: '2026-01-02T00:01:00Z', outcome: 'ANSWERED' } },
    ];
    const customersBefore = await countRows(server.db, 'customer');
    const results = (await server.data(RECORD_EVENTS, { input: { events } })).recordEvents.results;
    expect(results.map((r: any) => r.created)).toEqual([true, false, true]);
    expect(results[1].userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'events', '1', 'surveyResponse', 'aboutEventId'] });
    // The failed item's would-be customer was rolled back with it.
    expect(await countRows(server.db, 'customer')).toBe(customersBefore + 1);
  });

  it('round-trips every field of every kind, normalised', async () => {
    const { id: customerId } = await createCustomer(server);
    const events = oneOfEachKind(customerId);
    const results = (await server.data(RECORD_EVENTS, { input: { events } })).recordEvents.results;
    const [call, email, social, purchase, survey] = results.map((r: any) => r.event);
    expect(call).toMatchObject({ kind: 'CALL', channel: 'PHONE', direction: 'INBOUND', outcome: 'ANSWERED', durationSeconds: 95, waitSeconds: 12, fromNumber: '+14155550100', source: 'twilio' });
    expect(email).toMatchObject({ kind: 'EMAIL', channel: 'EMAIL', fromAddress: 'maya@example.com', toAddresses: ['support@example.net'], subject: 'Where is my order?', bodyText: 'Hi,\nno parcel yet.', summary: 'E-mail from customer: Where is my order?' });
    expect(social).toMatchObject({ kind: 'SOCIAL_MESSAGE', channel: 'SOCIAL', platform: 'instagram', handle: 'maya.runs', text: 'Any news?', summary: 'Message on Instagram: Any news?' });
    expect(purchase).toMatchObject({
      kind: 'PURCHASE',
      channel: 'WEB',
      status: 'PAID',
      total: { amount: '59.90', currency: 'EUR' },
      items: [{ sku: 'TR-6', name: 'Trail shoe', quantity: 1, unitPrice: { amount: '59.90', currency: 'EUR' } }],
      summary: 'Order SO-1 paid, 59.90 EUR, 1 item',
    });
    expect(survey).toMatchObject({ kind: 'SURVEY_RESPONSE', survey: 'NPS', score: 9, scaleMax: 10, comment: 'Quick help', summary: 'NPS 9/10: Quick help' });

    // A survey can point at the call it followed, and `node` finds every event again.
    const about = await server.data(`mutation ($input: RecordSurveyResponseInput!) { recordSurveyResponse(input: $input) { event { ... on SurveyResponseEvent { aboutEventId scaleMax } } ${USER_ERRORS} } }`, {
      input: { customerId, occurredAt: '2026-01-01T01:00:00Z', survey: 'CES', score: 2, aboutEventId: call.id },
    });
    expect(about.recordSurveyResponse).toMatchObject({ event: { aboutEventId: call.id, scaleMax: 7 }, userErrors: [] });
    for (const event of [call, email, social, purchase, survey]) {
      const { node } = await server.data(`query ($id: ID!) { node(id: $id) { id ... on TimelineEvent { ${EVENT_FIELDS} customer { id } } } }`, { id: event.id });
      expect(node).toEqual(event);
    }
  });
});
