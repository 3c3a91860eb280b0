import { randomInt } from 'node:crypto';
import { unique } from './factories';
import { USER_ERRORS } from './fragments';
import type { TestServer } from './test-server';

const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } ${USER_ERRORS} } }`;

/** London numbers in the range Ofcom keeps for drama (020 7946 0000-0999), a different one each time. */
let nextPhone = randomInt(0, 1000);
const phone = () => `+44207946${String(nextPhone++ % 1000).padStart(4, '0')}`;

/**
 * A person with a value of their own in every place the schema can hold one: two profiles merged
 * into one, identifiers of every kind, preferences, consents with sources, one event of each kind
 * with every personal field. Answers the person's values as stored (normalised), to look for.
 */
export async function aPersonEverywhere(server: TestServer) {
  const tag = unique('zq').replace(/-/g, '');
  const values = {
    displayName: `Zelda ${tag}`,
    givenName: `Zelda${tag}`,
    familyName: `Quux${tag}`,
    email: `zelda.${tag}@example.org`,
    secondEmail: `z.${tag}@mail.example.net`,
    phone: phone(),
    callerPhone: phone(),
    handle: `zq.${tag}`,
    crmId: `crm-${tag}`,
    contactHours: `evenings after nine ${tag}`,
    note: `allergic to peanuts ${tag}`,
    consentSource: `paper form ${tag}`,
    transcript: `my card number is 4111 ${tag}`,
    recordingUrl: `https://recordings.example.com/${tag}.wav`,
    subject: `Complaint ${tag}`,
    body: `Dear team, I live at 1 Secret Lane ${tag}`,
    messageId: `<${tag}@mail.example.org>`,
    dm: `my flat is 4b ${tag}`,
    orderNumber: `SO-${tag}`,
    itemName: `Pregnancy test ${tag}`,
    comment: `the courier was rude ${tag}`,
    oldName: `Zelda Old ${tag}`,
    caseSubject: `Refund for Zelda ${tag}`,
    renamedCase: `Refund, allergy claim ${tag}`,
  };
  const main = await server.data(UPSERT, {
    input: {
      displayName: values.displayName,
      givenName: values.givenName,
      familyName: values.familyName,
      locale: 'en-GB',
      timeZone: 'Europe/London',
      identifiers: [
        { kind: 'EMAIL', value: values.email },
        { kind: 'PHONE', value: values.phone },
        { kind: 'SOCIAL', namespace: 'instagram', value: `@${values.handle}` },
        { kind: 'EXTERNAL_ID', namespace: 'crm', value: values.crmId },
      ],
    },
  });
  noUserErrors(main.upsertCustomer.userErrors);
  const id = main.upsertCustomer.customer.id;
  const other = await server.data(UPSERT, { input: { displayName: values.oldName, identifiers: [{ kind: 'EMAIL', value: values.secondEmail }] } });
  await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, {
    input: { customerId: other.upsertCustomer.customer.id, contactHours: values.contactHours, consents: [{ channel: 'SMS', granted: true, source: values.consentSource }] },
  });
  await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, {
    input: { customerId: id, preferredChannel: 'EMAIL', language: 'en', notes: [values.note], consents: [{ channel: 'EMAIL', granted: true, source: values.consentSource }] },
  });
  const merged = await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, {
    input: { survivorId: id, mergedId: other.upsertCustomer.customer.id },
  });
  noUserErrors(merged.mergeCustomers.userErrors);
  const at = (day: number) => new Date(Date.UTC(2026, 5, day, 10)).toISOString();
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { ${USER_ERRORS} event { id } } } }`, {
    input: {
      events: [
        { call: { customerId: id, occurredAt: at(1), direction: 'INBOUND', outcome: 'ANSWERED', waitSeconds: 40, durationSeconds: 371, fromNumber: values.callerPhone, toNumber: '+441174960000', transcript: values.transcript, recordingUrl: values.recordingUrl, source: 'pbx', externalId: `${tag}-call` } },
        { email: { customerId: id, occurredAt: at(2), direction: 'INBOUND', fromAddress: values.email, toAddresses: ['support@shop.example'], subject: values.subject, bodyText: values.body, messageId: values.messageId, threadId: `t-${tag}`, source: 'mail', externalId: `${tag}-mail` } },
        { socialMessage: { identifier: { kind: 'SOCIAL', namespace: 'instagram', value: values.handle }, occurredAt: at(3), direction: 'INBOUND', platform: 'instagram', handle: values.handle, text: values.dm, source: 'ig', externalId: `${tag}-dm` } },
        { purchase: { customerId: id, occurredAt: at(4), orderNumber: values.orderNumber, status: 'PAID', total: { amount: '12.50', currency: 'GBP' }, items: [{ name: values.itemName, quantity: 1, unitPrice: { amount: '12.50', currency: 'GBP' } }], source: 'shop', externalId: `${tag}-order` } },
        { surveyResponse: { customerId: id, occurredAt: at(5), survey: 'CSAT', score: 2, comment: values.comment, source: 'survey', externalId: `${tag}-csat` } },
      ],
    },
  });
  for (const result of recordEvents.results) noUserErrors(result.userErrors);
  // A case opened by hand with a subject of the person's words, then renamed: both stay in its history.
  const { openCase } = await server.data(`mutation ($input: OpenCaseInput!) { openCase(input: $input) { case { id } ${USER_ERRORS} } }`, {
    input: { customerId: id, subject: values.caseSubject },
  });
  noUserErrors(openCase.userErrors);
  const { updateCase } = await server.data(`mutation ($input: UpdateCaseInput!) { updateCase(input: $input) { ${USER_ERRORS} } }`, {
    input: { caseId: openCase.case.id, subject: values.renamedCase, status: 'RESOLVED' },
  });
  noUserErrors(updateCase.userErrors);
  return { id, mergedId: other.upsertCustomer.customer.id, tag, values };
}

/** Every value, and the ways it could sit in a dump (phone digits without the +). */
export function needles(values: Record<string, string>): string[] {
  return Object.values(values).flatMap((value) => (value.startsWith('+') ? [value, value.slice(1)] : [value]));
}


function noUserErrors(errors: unknown[]): void {
  if (errors.length > 0) throw new Error(`the factory's own write failed: ${JSON.stringify(errors)}`);
}
