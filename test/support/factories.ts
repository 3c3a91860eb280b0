import type { TestServer } from './test-server';
import { USER_ERRORS } from './fragments';

let sequence = 0;
/** A value unique within the test run, for external ids and e-mail addresses. */
export function unique(prefix = 'x'): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}`;
}

/** Creates a customer through the API and answers its global id. */
export async function createCustomer(server: TestServer, input: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
  const { upsertCustomer } = await server.data(
    `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id version } ${USER_ERRORS} } }`,
    { input: { displayName: 'Test Customer', identifiers: [{ kind: 'EMAIL', value: `${unique('c')}@example.com` }], ...input } },
  );
  if (upsertCustomer.userErrors.length) throw new Error(JSON.stringify(upsertCustomer.userErrors));
  return upsertCustomer.customer;
}

/** The inputs of one event of each kind, for `recordEvents`, all for the given customer. */
export function oneOfEachKind(customerId: string, base = Date.parse('2026-01-01T00:00:00Z')): Record<string, unknown>[] {
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  return [
    { call: { customerId, occurredAt: at(1), direction: 'INBOUND', outcome: 'ANSWERED', durationSeconds: 95, waitSeconds: 12, fromNumber: '+1 415 555 0100', source: 'twilio', externalId: unique('call') } },
    { email: { customerId, occurredAt: at(2), direction: 'INBOUND', fromAddress: 'Maya@Example.com', toAddresses: ['support@example.net'], subject: 'Where is my order?', bodyText: 'Hi,\nno parcel yet.', source: 'gmail', externalId: unique('mail') } },
    { socialMessage: { customerId, occurredAt: at(3), direction: 'INBOUND', platform: 'Instagram', handle: '@Maya.Runs', text: 'Any news?', source: 'instagram', externalId: unique('dm') } },
    { purchase: { customerId, occurredAt: at(4), orderNumber: 'SO-1', status: 'PAID', total: { amount: '59.9', currency: 'eur' }, items: [{ sku: 'TR-6', name: 'Trail shoe', quantity: 1, unitPrice: { amount: '59.90', currency: 'EUR' } }], source: 'shopify', externalId: unique('order') } },
    { surveyResponse: { customerId, occurredAt: at(5), survey: 'NPS', score: 9, comment: 'Quick help', source: 'delighted', externalId: unique('survey') } },
  ];
}

/**
 * `recordEvents` inputs: one answered call from each of `count` people nobody has recorded yet,
 * named by e-mail address, so that recording them creates `count` customers (and their cases).
 */
export function callsFromNewPeople(count: number, source = 'new-people'): Record<string, unknown>[] {
  const people = unique('person');
  return Array.from({ length: count }, (_, i) => ({
    call: { identifier: { kind: 'EMAIL', value: `${people}-${i}@example.com` }, occurredAt: '2026-04-01T08:00:00Z', direction: 'INBOUND', outcome: 'ANSWERED', source, externalId: `${people}-${i}` },
  }));
}

/** Records `count` calls from new people (see callsFromNewPeople): customers, cases and audit entries that are nobody else's. */
export async function recordCallsFromNewPeople(server: TestServer, count: number): Promise<void> {
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events: callsFromNewPeople(count) } });
  if (!recordEvents.results.every((r: { created: boolean }) => r.created)) throw new Error('calls from new people were not all recorded');
}
