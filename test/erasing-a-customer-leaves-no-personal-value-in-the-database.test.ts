import { Role } from '../src/core/access-scopes';
import { dumpDatabase } from './support/database-dump';
import { countRows } from './support/database-state';
import { unique } from './support/factories';
import { aPersonEverywhere, needles } from './support/personal-data';
import { EVENT_FIELDS, USER_ERRORS } from './support/fragments';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } ${USER_ERRORS} } }`;
const ERASE = `mutation ($input: EraseCustomerInput!) { eraseCustomer(input: $input) { customer { id displayName givenName erasedAt identifiers { value } } erasedAt ${USER_ERRORS} } }`;
const CARD = `query ($id: ID!) { customer(id: $id) { id displayName givenName familyName locale timeZone erasedAt
  identifiers { kind value }
  preferences { preferredChannel language contactHours notes consents { channel granted source } }
  timeline(first: 100) { edges { node { ${EVENT_FIELDS} } } } } }`;

describe('eraseCustomer', () => {
  it('leaves no personal value of the person in any table (pg_dump of the whole database), while events stay as placeholders', async () => {
    const person = await aPersonEverywhere(server);
    const bystander = await aPersonEverywhere(server);
    // Agents read the person: audit entries about them exist, and must not hold values either.
    const agent = await server.createKey({ role: Role.AGENT });
    expect((await server.as(agent.secret).graphql(CARD, { id: person.id })).data.customer.displayName).toBe(person.values.displayName);

    const before = await dumpDatabase(server.databaseUrl);
    for (const value of needles(person.values)) expect({ value, found: before.text.includes(value) }).toEqual({ value, found: true });
    const beforeCard = (await server.data(CARD, { id: person.id })).customer;
    const FIGURES = `query ($id: ID!, $range: MetricsRange!) {
      customer(id: $id) { insights { lifetimeValue { amount currency } orderCount averageOrderValue { amount } csat { average count } lastContactAt openCases lifecycleStage } }
      serviceMetrics(range: $range) { inboundContacts callsAnswered averageWaitSeconds casesOpened casesResolved averageFirstResponseSeconds csat }
      experienceMetrics(range: $range) { activeCustomers averageLifetimeValue { amount } averageOrderValue { amount } churnRate } }`;
    const figuresRange = { since: '2026-05-01T00:00:00Z', until: new Date(Date.now() + 3_600_000).toISOString() };
    const figuresBefore = await server.data(FIGURES, { id: person.id, range: figuresRange });

    const client = openClient(server.url);
    const changes = subscribe(client, `subscription ($id: ID) { customerChanged(id: $id) { kind customerId customer { displayName } } }`, { id: person.id });
    await untilSubscribed(server, 1);

    const { eraseCustomer } = await server.data(ERASE, { input: { customerId: person.mergedId, reason: 'GDPR request 4711', suppress: true } });
    expect(eraseCustomer.userErrors).toEqual([]);
    expect(eraseCustomer.customer).toMatchObject({ id: person.id, displayName: 'Erased customer', givenName: null, identifiers: [] });
    expect(eraseCustomer.erasedAt).toEqual(eraseCustomer.customer.erasedAt);

    const after = await dumpDatabase(server.databaseUrl);
    const left = needles(person.values).filter((value) => after.text.includes(value));
    expect({ method: after.method, left }).toEqual({ method: after.method, left: [] });
    // The dump still holds everyone else: the search above looked where the data is.
    for (const value of needles(bystander.values)) expect(after.text.includes(value)).toBe(true);

    // Events stay, with what metrics and counts are made of.
    const card = (await server.data(CARD, { id: person.id })).customer;
    expect(card).toMatchObject({ displayName: 'Erased customer', givenName: null, familyName: null, locale: null, timeZone: null, identifiers: [] });
    expect(card.preferences).toMatchObject({ preferredChannel: null, language: null, contactHours: null, notes: [] });
    expect(card.preferences.consents).toEqual([
      { channel: 'EMAIL', granted: true, source: null },
      { channel: 'SMS', granted: true, source: null },
    ]);
    const kept = (node: any) => ({ id: node.id, kind: node.kind, channel: node.channel, occurredAt: node.occurredAt, direction: node.direction, outcome: node.outcome, waitSeconds: node.waitSeconds, durationSeconds: node.durationSeconds, status: node.status, total: node.total, survey: node.survey, score: node.score, scaleMax: node.scaleMax, platform: node.platform, source: node.source, externalId: node.externalId });
    expect(card.timeline.edges.map((e: any) => kept(e.node))).toEqual(beforeCard.timeline.edges.map((e: any) => kept(e.node)));
    const byKind = Object.fromEntries(card.timeline.edges.map((e: any) => [e.node.kind, e.node]));
    expect(byKind.CALL).toMatchObject({ fromNumber: null, toNumber: null, transcript: null, recordingUrl: null, summary: 'Inbound call, answered, 6m 11s' });
    expect(byKind.EMAIL).toMatchObject({ fromAddress: '[erased]', toAddresses: [], subject: null, bodyText: null, messageId: null, summary: 'E-mail from customer' });
    expect(byKind.SOCIAL_MESSAGE).toMatchObject({ handle: '[erased]', text: null, summary: 'Message on Instagram' });
    expect(byKind.PURCHASE).toMatchObject({ orderNumber: '[erased order 1]', items: [], summary: 'Order paid, 12.50 GBP' });
    expect(byKind.SURVEY_RESPONSE).toMatchObject({ comment: null, score: 2, summary: 'CSAT 2/5' });

    // Counts and metrics do not move.
    expect(await server.data(FIGURES, { id: person.id, range: figuresRange })).toEqual(figuresBefore);

    // The merged-away id reads as the erased person too; subscribers were told.
    expect((await server.data(`query ($id: ID!) { customer(id: $id) { id displayName } }`, { id: person.mergedId })).customer).toEqual({ id: person.id, displayName: 'Erased customer' });
    await changes.waitFor(1);
    expect(changes.results[0].data).toEqual({ customerChanged: { kind: 'ERASED', customerId: person.id, customer: { displayName: 'Erased customer' } } });
    changes.stop();
    await client.dispose();

    // The audit keeps who erased whom and why.
    const { auditLog } = await server.data(`query ($id: ID!) { auditLog(customerId: $id, first: 50) { edges { node { action field outcome reason } } } }`, { id: person.id });
    expect(auditLog.edges.map((e: any) => e.node).filter((entry: any) => entry.action === 'ERASE')).toEqual([{ action: 'ERASE', field: 'eraseCustomer', outcome: 'OK', reason: 'GDPR request 4711' }]);
  }, 60_000);

  it('with suppress, refuses later writes that name the identifiers (SUPPRESSED) and stores nothing of them', async () => {
    const person = await aPersonEverywhere(server);
    expect((await server.data(ERASE, { input: { customerId: person.id, suppress: true } })).eraseCustomer.userErrors).toEqual([]);
    const customers = await countRows(server.db, 'customer');
    const events = await countRows(server.db, 'timeline_event');

    const upsert = await server.data(UPSERT, { input: { displayName: 'Someone', identifiers: [{ kind: 'EMAIL', value: person.values.email.toUpperCase() }, { kind: 'EMAIL', value: `${unique('new')}@example.com` }] } });
    expect(upsert.upsertCustomer).toEqual({ customer: null, userErrors: [{ field: ['input', 'identifiers', '0'], code: 'SUPPRESSED', message: expect.not.stringContaining(person.values.email) }] });
    const sync = await server.data(`mutation ($input: SyncCustomersInput!) { syncCustomers(input: $input) { results { ${USER_ERRORS} } } }`, {
      input: { customers: [{ displayName: 'x', identifiers: [{ kind: 'PHONE', value: person.values.phone }] }, { displayName: 'y', identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'crm', value: person.values.crmId }] }] },
    });
    expect(sync.syncCustomers.results.map((r: any) => r.userErrors.map((e: any) => e.code))).toEqual([['SUPPRESSED'], ['SUPPRESSED']]);
    const recorded = await server.data(`mutation ($input: RecordSocialMessageInput!) { recordSocialMessage(input: $input) { created ${USER_ERRORS} } }`, {
      input: { identifier: { kind: 'SOCIAL', namespace: 'instagram', value: `@${person.values.handle}` }, occurredAt: '2026-07-01T10:00:00Z', platform: 'instagram', handle: person.values.handle, text: 'hello again' },
    });
    expect(recorded.recordSocialMessage).toEqual({ created: false, userErrors: [{ field: ['input', 'identifier'], code: 'SUPPRESSED', message: expect.any(String) }] });
    expect(await countRows(server.db, 'customer')).toBe(customers);
    expect(await countRows(server.db, 'timeline_event')).toBe(events);
    // Only keyed hashes are kept: none of the values, in any form.
    const dump = await dumpDatabase(server.databaseUrl);
    expect(needles(person.values).filter((value) => dump.text.includes(value))).toEqual([]);
  }, 60_000);

  it('without suppress, frees the identifiers for a new customer; the erased one takes no more writes', async () => {
    const person = await aPersonEverywhere(server);
    expect((await server.data(ERASE, { input: { customerId: person.id } })).eraseCustomer.userErrors).toEqual([]);
    const again = await server.data(UPSERT, { input: { displayName: 'New start', identifiers: [{ kind: 'EMAIL', value: person.values.email }] } });
    expect(again.upsertCustomer.userErrors).toEqual([]);
    expect(again.upsertCustomer.customer.id).not.toBe(person.id);

    const write = await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { created ${USER_ERRORS} } }`, {
      input: { customerId: person.id, occurredAt: '2026-07-02T10:00:00Z', outcome: 'MISSED' },
    });
    expect(write.recordCall.userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    const profile = await server.data(UPSERT, { input: { id: person.id, displayName: 'Back again' } });
    expect(profile.upsertCustomer.userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    // Erasing again is harmless and keeps the first time.
    const first = (await server.data(`query ($id: ID!) { customer(id: $id) { erasedAt } }`, { id: person.id })).customer.erasedAt;
    const second = await server.data(ERASE, { input: { customerId: person.id } });
    expect(second.eraseCustomer).toMatchObject({ erasedAt: first, userErrors: [] });
    // Erased customers are not found by search.
    const found = await server.data(`{ searchCustomers(query: "Erased customer", first: 50) { edges { node { id } } } }`);
    expect(found.searchCustomers.edges.map((e: any) => e.node.id)).not.toContain(person.id);
  }, 60_000);

  it('refuses bad input with userErrors and changes nothing', async () => {
    const person = await aPersonEverywhere(server);
    const answers = await Promise.all([
      server.data(ERASE, { input: { customerId: 'nope' } }),
      server.data(ERASE, { input: { customerId: 'Q3VzdG9tZXI6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw' } }),
      server.data(ERASE, { input: { customerId: person.id, reason: 'x'.repeat(501) } }),
    ]);
    expect(answers.map((a) => a.eraseCustomer.userErrors.map((e: any) => e.code))).toEqual([['INVALID'], ['NOT_FOUND'], ['INVALID']]);
    expect((await server.data(CARD, { id: person.id })).customer.displayName).toBe(person.values.displayName);
  }, 60_000);
});

describe('customerExport', () => {
  it('holds every stored fact about the person, merged profiles included, and is audited', async () => {
    const person = await aPersonEverywhere(server);
    const { customerExport } = await server.data(`query ($id: ID!) { customerExport(id: $id) }`, { id: person.mergedId });
    const text = JSON.stringify(customerExport);
    for (const value of needles(person.values).filter((v) => !v.startsWith('44'))) expect({ value, found: text.includes(value) }).toEqual({ value, found: true });
    expect(customerExport.customer).toMatchObject({ id: person.id, displayName: person.values.displayName, erasedAt: null });
    expect(customerExport.mergedCustomers).toEqual([expect.objectContaining({ id: person.mergedId, displayName: person.values.oldName, mergedInto: person.id })]);
    expect(customerExport.identifiers.map((i: any) => i.kind).sort()).toEqual(['EMAIL', 'EMAIL', 'EXTERNAL_ID', 'PHONE', 'SOCIAL']);
    expect(customerExport.events.map((e: any) => e.kind)).toEqual(['CALL', 'EMAIL', 'SOCIAL_MESSAGE', 'PURCHASE', 'SURVEY_RESPONSE']);
    expect(customerExport.events[0].details).toMatchObject({ transcript: person.values.transcript, durationSeconds: 371 });
    expect(customerExport.merges).toHaveLength(1);
    expect(customerExport.consentHistory.map((c: any) => c.channel).sort()).toEqual(['EMAIL', 'SMS']);
    expect(customerExport.cases).toEqual([
      expect.objectContaining({ contactCount: 3, channels: ['PHONE', 'EMAIL', 'SOCIAL'], status: 'OPEN' }),
      expect.objectContaining({ subject: person.values.renamedCase, status: 'RESOLVED', history: expect.arrayContaining([expect.objectContaining({ change: 'SUBJECT', value: person.values.renamedCase })]) }),
    ]);
    expect(customerExport.events.find((e: any) => e.kind === 'CALL').caseId).toBe(customerExport.cases[0].id);
    expect(customerExport.auditEntries.map((e: any) => e.action)).toEqual(expect.arrayContaining(['WRITE', 'MERGE']));

    const { auditLog } = await server.data(`query ($id: ID!) { auditLog(customerId: $id, first: 1) { edges { node { action field outcome } } } }`, { id: person.id });
    expect(auditLog.edges[0].node).toEqual({ action: 'EXPORT', field: 'customerExport', outcome: 'OK' });
  }, 60_000);

  it('needs PRIVACY: an agent gets FORBIDDEN and nothing of the document', async () => {
    const person = await aPersonEverywhere(server);
    const agent = await server.createKey({ role: Role.AGENT });
    const answer = await server.as(agent.secret).graphql(`query ($id: ID!) { customerExport(id: $id) }`, { id: person.id });
    expect(answer.data).toBeNull();
    expect(answer.errors).toEqual([expect.objectContaining({ path: ['customerExport'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    const erase = await server.as(agent.secret).graphql(ERASE, { input: { customerId: person.id } });
    expect(erase.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await server.data(CARD, { id: person.id })).customer.displayName).toBe(person.values.displayName);
  });

  it('answers NOT_FOUND for an id nobody has', async () => {
    const answer = await server.graphql(`{ customerExport(id: "Q3VzdG9tZXI6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw") }`);
    expect(answer.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
