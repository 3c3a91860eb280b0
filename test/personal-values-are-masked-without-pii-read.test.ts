import { Role } from '../src/core/access-scopes';
import { EVENT_FIELDS, USER_ERRORS } from './support/fragments';
import { aPersonEverywhere, needles } from './support/personal-data';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let analyst: string;
let agent: string;
beforeAll(async () => {
  server = await startTestServer();
  analyst = (await server.createKey({ role: Role.ANALYST })).secret;
  agent = (await server.createKey({ role: Role.AGENT })).secret;
});
afterAll(() => server.stop());

const CARD = `query ($id: ID!) { customer(id: $id) { id displayName givenName familyName locale timeZone
  identifiers { kind namespace value verified }
  preferences { preferredChannel language contactHours notes consents { channel granted } }
  timeline(first: 100) { edges { node { ${EVENT_FIELDS} } } } } }`;

describe('a caller without PII_READ', () => {
  it('gets the customer with every personal value masked or null, and everything an analyst counts', async () => {
    const person = await aPersonEverywhere(server);
    const answer = await server.as(analyst).graphql(CARD, { id: person.id });
    expect(answer.errors).toBeUndefined();
    const text = JSON.stringify(answer);
    // Product names are the shop's words, not the person's: an analyst sees what sells.
    const { itemName, ...personal } = person.values;
    expect(needles(personal).filter((value) => text.includes(value))).toEqual([]);
    expect(text).toContain(itemName);

    const card = answer.data.customer;
    expect(card).toMatchObject({ displayName: expect.stringMatching(/^Z••• \S•••$/), givenName: null, familyName: null, locale: 'en-GB', timeZone: 'Europe/London' });
    expect(card.identifiers.map((i: any) => [i.kind, i.value])).toEqual([
      ['EMAIL', 'z•••@example.org'],
      ['PHONE', `•••••••${person.values.phone.slice(-4)}`],
      ['SOCIAL', 'z•••'],
      ['EXTERNAL_ID', `•••${person.values.crmId.slice(-2)}`],
      ['EMAIL', 'z•••@mail.example.net'],
    ]);
    expect(card.preferences).toMatchObject({ preferredChannel: 'EMAIL', language: 'en', contactHours: null, notes: [] });

    const byKind = Object.fromEntries(card.timeline.edges.map((e: any) => [e.node.kind, e.node]));
    expect(byKind.CALL).toMatchObject({ outcome: 'ANSWERED', waitSeconds: 40, durationSeconds: 371, transcript: null, recordingUrl: null, fromNumber: expect.stringMatching(/^•••••••\d{4}$/), summary: 'Inbound call, answered, 6m 11s' });
    expect(byKind.EMAIL).toMatchObject({ direction: 'INBOUND', subject: null, bodyText: null, messageId: null, fromAddress: 'z•••@example.org', summary: 'E-mail from customer' });
    expect(byKind.SOCIAL_MESSAGE).toMatchObject({ platform: 'instagram', text: null, handle: 'z•••', summary: 'Message on Instagram' });
    expect(byKind.PURCHASE).toMatchObject({ status: 'PAID', total: { amount: '12.50', currency: 'GBP' }, orderNumber: `•••${person.values.orderNumber.slice(-2)}`, summary: 'Order paid, 12.50 GBP, 1 item' });
    expect(byKind.SURVEY_RESPONSE).toMatchObject({ survey: 'CSAT', score: 2, scaleMax: 5, comment: null, summary: 'CSAT 2/5' });
  });

  it('finds customers by what they are, and reads them masked', async () => {
    const person = await aPersonEverywhere(server);
    const answer = await server.as(analyst).graphql(`query ($q: String!) { searchCustomers(query: $q) { edges { node { id displayName identifiers { value } } } } }`, { q: person.values.email });
    expect(answer.data.searchCustomers.edges.map((e: any) => e.node.id)).toEqual([person.id]);
    const { itemName: _itemName, ...personal } = person.values;
    expect(needles(personal).filter((value) => JSON.stringify(answer).includes(value))).toEqual([]);
  });

  it('gets subscription items masked too, and an agent gets them in clear', async () => {
    const person = await aPersonEverywhere(server);
    const masked = openClient(server.url, { connectionParams: { authorization: `Bearer ${analyst}` } });
    const clear = openClient(server.url, { connectionParams: { authorization: `Bearer ${agent}` } });
    const EVENTS = `subscription ($id: ID) { timelineEventAdded(customerId: $id) { ${EVENT_FIELDS} customer { displayName } } }`;
    const CHANGES = `subscription ($id: ID) { customerChanged(id: $id) { kind customer { displayName identifiers { value } } } }`;
    try {
      const subscriptions = [subscribe(masked, EVENTS, { id: person.id }), subscribe(masked, CHANGES, { id: person.id }), subscribe(clear, EVENTS, { id: person.id })];
      await untilSubscribed(server, 3);
      const dm = `where is my parcel, I am at 7 Hidden Road ${person.tag}`;
      const { recordSocialMessage } = await server.data(`mutation ($input: RecordSocialMessageInput!) { recordSocialMessage(input: $input) { ${USER_ERRORS} } }`, {
        input: { customerId: person.id, occurredAt: '2026-07-01T10:00:00Z', direction: 'INBOUND', platform: 'instagram', handle: person.values.handle, text: dm },
      });
      expect(recordSocialMessage.userErrors).toEqual([]);
      await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { ${USER_ERRORS} } }`, { input: { id: person.id, givenName: `Renamed${person.tag}` } });
      const [events, changes, agentEvents] = await Promise.all(subscriptions.map((s) => s.waitFor(1)));
      const maskedText = JSON.stringify([events, changes]);
      expect([...needles(person.values), dm, person.values.handle].filter((value) => maskedText.includes(value))).toEqual([]);
      expect(events[0].data.timelineEventAdded).toMatchObject({ kind: 'SOCIAL_MESSAGE', text: null, handle: 'z•••', summary: 'Message on Instagram', customer: { displayName: expect.stringMatching(/^Z•••/) } });
      expect(changes[0].data.customerChanged.customer.identifiers.every((i: any) => i.value.includes('•••'))).toBe(true);
      expect(agentEvents[0].data.timelineEventAdded).toMatchObject({ text: dm, handle: person.values.handle, customer: { displayName: person.values.displayName } });
      for (const subscription of subscriptions) subscription.stop();
    } finally {
      await masked.dispose();
      await clear.dispose();
    }
  });

  it('leaves no audit entry of a read, for nothing was shown in clear', async () => {
    const person = await aPersonEverywhere(server);
    await server.as(analyst).graphql(CARD, { id: person.id });
    await server.as(agent).graphql(CARD, { id: person.id });
    const { auditLog } = await server.data(`query ($id: ID!) { auditLog(customerId: $id, first: 50) { edges { node { action actor { role } } } } }`, { id: person.id });
    const reads = auditLog.edges.map((e: any) => e.node).filter((entry: any) => entry.action === 'READ');
    expect(reads).toEqual([{ action: 'READ', actor: { role: 'AGENT' } }]);
  });
});
