import { databaseState } from './support/database-state';
import { createCustomer, oneOfEachKind, unique } from './support/factories';
import { RECORD_PAYLOAD, USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let customerId: string;

beforeAll(async () => {
  server = await startTestServer();
  customerId = (await createCustomer(server, { displayName: 'Existing Customer' })).id;
  // Some history, so "unchanged" covers events too.
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created ${USER_ERRORS} } } }`, {
    input: { events: oneOfEachKind(customerId) },
  });
  expect(recordEvents.results.every((r: any) => r.created)).toBe(true);
});
afterAll(() => server.stop());

const MISSING_CUSTOMER = Buffer.from('Customer:00000000-0000-4000-8000-000000000000').toString('base64url');
const at = '2026-02-01T10:00:00Z';
const call = (input: Record<string, unknown>) => ({ customerId: '', occurredAt: at, outcome: 'ANSWERED', ...input });

interface Case {
  name: string;
  mutation: string;
  input: () => Record<string, unknown>;
  /** Expected user error: its code and the end of its field path. */
  userError?: { code: string; field?: string[] };
  /** Expected top-level error code instead. */
  errorCode?: string;
}

const recordCall = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { ${RECORD_PAYLOAD} } }`;
const recordEmail = `mutation ($input: RecordEmailInput!) { recordEmail(input: $input) { ${RECORD_PAYLOAD} } }`;
const recordPurchase = `mutation ($input: RecordPurchaseInput!) { recordPurchase(input: $input) { ${RECORD_PAYLOAD} } }`;
const recordSurvey = `mutation ($input: RecordSurveyResponseInput!) { recordSurveyResponse(input: $input) { ${RECORD_PAYLOAD} } }`;
const recordSocial = `mutation ($input: RecordSocialMessageInput!) { recordSocialMessage(input: $input) { ${RECORD_PAYLOAD} } }`;
const upsert = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { created customer { id } ${USER_ERRORS} } }`;
const preferences = `mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { customer { id } ${USER_ERRORS} } }`;
const purchase = (input: Record<string, unknown>) => ({
  customerId,
  occurredAt: at,
  orderNumber: 'SO-9',
  status: 'PAID',
  total: { amount: '10.00', currency: 'EUR' },
  items: [{ name: 'Socks', quantity: 1, unitPrice: { amount: '10.00', currency: 'EUR' } }],
  ...input,
});
const survey = (input: Record<string, unknown>) => ({ customerId, occurredAt: at, survey: 'CSAT', score: 3, ...input });

const cases: Case[] = [
  { name: 'an invalid e-mail identifier', mutation: recordCall, input: () => call({ customerId: undefined, identifier: { kind: 'EMAIL', value: 'not-an-email' } }), userError: { code: 'INVALID', field: ['identifier', 'value'] } },
  { name: 'an invalid phone identifier', mutation: recordCall, input: () => call({ customerId: undefined, identifier: { kind: 'PHONE', value: '12' } }), userError: { code: 'INVALID', field: ['identifier', 'value'] } },
  { name: 'an invalid phone in the call itself', mutation: recordCall, input: () => call({ customerId, fromNumber: 'call me maybe' }), userError: { code: 'INVALID', field: ['fromNumber'] } },
  { name: 'an unknown customer id', mutation: recordCall, input: () => call({ customerId: MISSING_CUSTOMER }), userError: { code: 'NOT_FOUND', field: ['customerId'] } },
  { name: 'a malformed customer id', mutation: recordCall, input: () => call({ customerId: 'abc' }), userError: { code: 'INVALID', field: ['customerId'] } },
  { name: 'both customerId and identifier', mutation: recordCall, input: () => call({ customerId, identifier: { kind: 'EMAIL', value: `${unique()}@example.com` } }), userError: { code: 'INVALID', field: ['input'] } },
  { name: 'neither customerId nor identifier', mutation: recordCall, input: () => call({ customerId: undefined }), userError: { code: 'INVALID', field: ['input'] } },
  { name: 'a negative duration', mutation: recordCall, input: () => call({ customerId, durationSeconds: -5 }), userError: { code: 'OUT_OF_RANGE', field: ['durationSeconds'] } },
  { name: 'a negative wait', mutation: recordCall, input: () => call({ customerId, waitSeconds: -1 }), userError: { code: 'OUT_OF_RANGE', field: ['waitSeconds'] } },
  { name: 'an event far in the future', mutation: recordCall, input: () => call({ customerId, occurredAt: '2999-01-01T00:00:00Z' }), userError: { code: 'OUT_OF_RANGE', field: ['occurredAt'] } },
  { name: 'an event in the year 0000', mutation: recordCall, input: () => call({ customerId, occurredAt: '0000-01-01T00:00:00Z' }), userError: { code: 'OUT_OF_RANGE', field: ['occurredAt'] } },
  { name: 'an event before 1970', mutation: recordCall, input: () => call({ customerId, occurredAt: '1969-12-31T23:59:59Z' }), userError: { code: 'OUT_OF_RANGE', field: ['occurredAt'] } },
  { name: 'an externalId without its source', mutation: recordCall, input: () => call({ customerId, externalId: unique() }), userError: { code: 'REQUIRED', field: ['source'] } },
  { name: 'a call on the e-mail channel', mutation: recordCall, input: () => call({ customerId, channel: 'EMAIL' }), userError: { code: 'INVALID', field: ['channel'] } },
  { name: 'an e-mail with an invalid recipient', mutation: recordEmail, input: () => ({ customerId, occurredAt: at, fromAddress: 'a@example.com', toAddresses: ['nope'] }), userError: { code: 'INVALID', field: ['toAddresses', '0'] } },
  { name: 'an e-mail with no recipient', mutation: recordEmail, input: () => ({ customerId, occurredAt: at, fromAddress: 'a@example.com', toAddresses: [] }), userError: { code: 'OUT_OF_RANGE', field: ['toAddresses'] } },
  { name: 'an empty social message', mutation: recordSocial, input: () => ({ customerId, occurredAt: at, platform: 'instagram', handle: 'maya', text: '   ' }), userError: { code: 'REQUIRED', field: ['text'] } },
  { name: 'a negative quantity', mutation: recordPurchase, input: () => purchase({ items: [{ name: 'Socks', quantity: -2, unitPrice: { amount: '10.00', currency: 'EUR' } }] }), userError: { code: 'OUT_OF_RANGE', field: ['items', '0', 'quantity'] } },
  { name: 'a float-like money amount', mutation: recordPurchase, input: () => purchase({ total: { amount: '1e3', currency: 'EUR' } }), userError: { code: 'INVALID', field: ['total', 'amount'] } },
  { name: 'a negative money amount', mutation: recordPurchase, input: () => purchase({ total: { amount: '-10.00', currency: 'EUR' } }), userError: { code: 'INVALID', field: ['total', 'amount'] } },
  { name: 'too many decimals for the currency', mutation: recordPurchase, input: () => purchase({ total: { amount: '10.5', currency: 'JPY' }, items: [] }), userError: { code: 'INVALID', field: ['total', 'amount'] } },
  { name: 'an unknown currency', mutation: recordPurchase, input: () => purchase({ total: { amount: '10.00', currency: 'EUX' } }), userError: { code: 'INVALID', field: ['total', 'currency'] } },
  { name: 'line items in another currency', mutation: recordPurchase, input: () => purchase({ items: [{ name: 'Socks', quantity: 1, unitPrice: { amount: '10.00', currency: 'USD' } }] }), userError: { code: 'INVALID', field: ['items', '0', 'unitPrice', 'currency'] } },
  { name: 'a CSAT score of 6', mutation: recordSurvey, input: () => survey({ score: 6 }), userError: { code: 'OUT_OF_RANGE', field: ['score'] } },
  { name: 'a CSAT score of 0', mutation: recordSurvey, input: () => survey({ score: 0 }), userError: { code: 'OUT_OF_RANGE', field: ['score'] } },
  { name: 'an NPS score of 11', mutation: recordSurvey, input: () => survey({ survey: 'NPS', score: 11 }), userError: { code: 'OUT_OF_RANGE', field: ['score'] } },
  { name: 'a CES score of 8', mutation: recordSurvey, input: () => survey({ survey: 'CES', score: 8 }), userError: { code: 'OUT_OF_RANGE', field: ['score'] } },
  { name: 'a score above a custom scaleMax', mutation: recordSurvey, input: () => survey({ score: 11, scaleMax: 10 }), userError: { code: 'OUT_OF_RANGE', field: ['score'] } },
  { name: 'a survey about an event that does not exist', mutation: recordSurvey, input: () => survey({ aboutEventId: Buffer.from('TimelineEvent:999999').toString('base64url') }), userError: { code: 'NOT_FOUND', field: ['aboutEventId'] } },
  { name: 'an unknown enum value', mutation: recordCall, input: () => call({ customerId, outcome: 'HUNG_UP' }), errorCode: 'BAD_USER_INPUT' },
  { name: 'a malformed occurredAt', mutation: recordCall, input: () => call({ customerId, occurredAt: 'yesterday' }), errorCode: 'BAD_USER_INPUT' },
  { name: 'upsert with an invalid e-mail', mutation: upsert, input: () => ({ displayName: 'X', identifiers: [{ kind: 'EMAIL', value: 'x@' }] }), userError: { code: 'INVALID', field: ['identifiers', '0', 'value'] } },
  { name: 'upsert of an unknown id', mutation: upsert, input: () => ({ id: MISSING_CUSTOMER, displayName: 'X' }), userError: { code: 'NOT_FOUND', field: ['id'] } },
  { name: 'upsert with a stale version', mutation: upsert, input: () => ({ id: customerId, displayName: 'Changed', expectedVersion: 999 }), userError: { code: 'CONFLICT', field: ['expectedVersion'] } },
  { name: 'upsert with an oversized name', mutation: upsert, input: () => ({ id: customerId, displayName: 'x'.repeat(201) }), userError: { code: 'TOO_LONG', field: ['displayName'] } },
  { name: 'upsert with an empty name', mutation: upsert, input: () => ({ id: customerId, displayName: '  ' }), userError: { code: 'REQUIRED', field: ['displayName'] } },
  { name: 'upsert with an unknown time zone', mutation: upsert, input: () => ({ id: customerId, timeZone: 'Mars/Olympus' }), userError: { code: 'INVALID', field: ['timeZone'] } },
  { name: 'a SOCIAL identifier without platform', mutation: upsert, input: () => ({ displayName: 'X', identifiers: [{ kind: 'SOCIAL', value: '@maya' }] }), userError: { code: 'INVALID', field: ['identifiers', '0', 'value'] } },
  { name: 'preferences of an unknown customer', mutation: preferences, input: () => ({ customerId: MISSING_CUSTOMER, contactHours: 'mornings' }), userError: { code: 'NOT_FOUND', field: ['customerId'] } },
  { name: 'preferences with an invalid language', mutation: preferences, input: () => ({ customerId, language: 'english please' }), userError: { code: 'INVALID', field: ['language'] } },
  { name: 'preferences with an oversized note', mutation: preferences, input: () => ({ customerId, notes: ['ok', 'x'.repeat(1001)] }), userError: { code: 'TOO_LONG', field: ['notes', '1'] } },
];

describe('a rejected write leaves the stored data exactly as it was', () => {
  it.each(cases)('$name', async ({ mutation, input, userError, errorCode }) => {
    const before = await databaseState(server.db);
    const response = await server.graphql(mutation, { input: input() });
    if (userError) {
      expect(response.errors).toBeUndefined();
      const payload = Object.values(response.data as Record<string, any>)[0];
      expect(payload.userErrors.length).toBeGreaterThan(0);
      const error = payload.userErrors[0];
      expect(error.code).toBe(userError.code);
      expect(error.message).toEqual(expect.any(String));
      if (userError.field) expect(error.field.slice(-userError.field.length)).toEqual(userError.field);
      expect(error.field[0]).toBe('input');
      if ('event' in payload) expect(payload).toMatchObject({ event: null, created: false });
      else expect(payload.customer).toBeNull();
    } else {
      expect(response.errors?.[0]?.extensions?.code).toBe(errorCode);
    }
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('a batch over 1000 events is refused whole with BAD_USER_INPUT', async () => {
    const before = await databaseState(server.db);
    const events = Array.from({ length: 1001 }, (_, i) => ({ call: call({ customerId, externalId: `big-${i}`, source: 'twilio' }) }));
    const response = await server.graphql(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events } });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('internal details never reach the client', async () => {
    const response = await server.graphql(`{ customer(id: "${MISSING_CUSTOMER}") { id } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ customer: null });
    const malformed = await server.graphql(`{ customer(id: "nonsense") { id } }`);
    expect(malformed.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'id' });
  });
});
