import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const CASE_FIELDS = `id number subject status channels openedAt firstResponseAt resolvedAt reopenCount contactCount firstContactResolution agentId version follows { id }`;
const RECORDED = `created event { id caseRule case { ${CASE_FIELDS} } } ${USER_ERRORS}`;
const record = async (kind: 'Call' | 'Email' | 'SocialMessage' | 'Purchase' | 'SurveyResponse' | 'Review', input: Record<string, unknown>) => {
  const field = `record${kind}`;
  const answer = await server.data(`mutation ($input: Record${kind}Input!) { ${field}(input: $input) { ${RECORDED} } }`, { input });
  return answer[field];
};
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const email = (customerId: string, at: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  occurredAt: at,
  direction: 'INBOUND',
  fromAddress: 'maya@example.com',
  toAddresses: ['help@shop.example'],
  subject: 'Exchange for order SO-1',
  ...extra,
});
const UPDATE = `mutation ($input: UpdateCaseInput!) { updateCase(input: $input) { case { ${CASE_FIELDS} } ${USER_ERRORS} } }`;

describe('the case rules', () => {
  it('open a case for an inbound contact and gather the replies and the other channels into it', async () => {
    const { id } = await createCustomer(server);
    const first = await record('Email', email(id, hoursAgo(10), { threadId: unique('t') }));
    expect(first.event.caseRule).toBe('NEW_CASE');
    expect(first.event.case).toMatchObject({ subject: 'Exchange for order SO-1', status: 'OPEN', channels: ['EMAIL'], contactCount: 1, firstResponseAt: null, reopenCount: 0, firstContactResolution: null });
    const replyAt = hoursAgo(9);
    const reply = await record('Email', email(id, replyAt, { direction: 'OUTBOUND', fromAddress: 'help@shop.example', toAddresses: ['maya@example.com'], subject: 'Re: Exchange', agentId: 'priya' }));
    expect(reply.event.caseRule).toBe('OPEN_CASE');
    const dm = await record('SocialMessage', { customerId: id, occurredAt: hoursAgo(2), direction: 'INBOUND', platform: 'instagram', handle: '@maya.runs', text: 'Any news?' });
    expect(dm.event.caseRule).toBe('OPEN_CASE');
    expect(dm.event.case).toMatchObject({ id: first.event.case.id, channels: ['EMAIL', 'SOCIAL'], contactCount: 2, firstResponseAt: replyAt });
  });

  it('keep a thread in its case even when another case of the customer is open', async () => {
    const { id } = await createCustomer(server);
    const thread = unique('thread');
    const a = await record('Email', email(id, hoursAgo(20), { threadId: thread, subject: 'Invoice' }));
    await server.data(UPDATE, { input: { caseId: a.event.case.id, status: 'PENDING' } });
    const b = await server.data(`mutation ($input: OpenCaseInput!) { openCase(input: $input) { case { id } ${USER_ERRORS} } }`, { input: { customerId: id, subject: 'Broken zip' } });
    const inThread = await record('Email', email(id, hoursAgo(1), { threadId: thread, subject: 'Re: Invoice' }));
    expect(inThread.event).toMatchObject({ caseRule: 'THREAD', case: { id: a.event.case.id, status: 'PENDING' } });
    const other = await record('Call', { customerId: id, occurredAt: hoursAgo(0.5), direction: 'INBOUND', outcome: 'MISSED' });
    expect(other.event).toMatchObject({ caseRule: 'OPEN_CASE', case: { id: b.openCase.case.id } });
  });

  it('reopen a case resolved within the window for an inbound contact, not for an outbound one', async () => {
    const { id } = await createCustomer(server);
    const calledAt = hoursAgo(3);
    const opened = await record('Call', { customerId: id, occurredAt: calledAt, direction: 'INBOUND', outcome: 'ANSWERED', waitSeconds: 40, durationSeconds: 200 });
    const caseId = opened.event.case.id;
    // Answered once the caller had waited 40 s.
    expect(opened.event.case.firstResponseAt).toBe(new Date(Date.parse(calledAt) + 40_000).toISOString());
    const resolved = (await server.data(UPDATE, { input: { caseId, status: 'RESOLVED' } })).updateCase.case;
    expect(resolved).toMatchObject({ status: 'RESOLVED', firstContactResolution: true, contactCount: 1 });
    const later = new Date(Date.now() + 60_000).toISOString();
    const outbound = await record('Email', email(id, later, { direction: 'OUTBOUND', fromAddress: 'help@shop.example', toAddresses: ['x@example.com'] }));
    expect(outbound.event).toMatchObject({ caseRule: 'RECENTLY_RESOLVED', case: { id: caseId, status: 'RESOLVED', reopenCount: 0 } });
    const inbound = await record('Call', { customerId: id, occurredAt: new Date(Date.now() + 120_000).toISOString(), direction: 'INBOUND', outcome: 'ABANDONED', waitSeconds: 300 });
    expect(inbound.event).toMatchObject({ caseRule: 'RECENTLY_RESOLVED', case: { id: caseId, status: 'OPEN', reopenCount: 1, resolvedAt: null, firstContactResolution: null, contactCount: 2 } });
  });

  it('do not let purchases and reviews join or open a case, unless the input names one; a survey joins the case of the event it is about', async () => {
    const { id } = await createCustomer(server);
    const call = await record('Call', { customerId: id, occurredAt: hoursAgo(5), direction: 'INBOUND', outcome: 'ANSWERED' });
    const order = { customerId: id, occurredAt: hoursAgo(4), orderNumber: unique('SO'), status: 'PAID', total: { amount: '10.00', currency: 'EUR' }, items: [] };
    expect((await record('Purchase', order)).event).toMatchObject({ caseRule: null, case: null });
    expect((await record('Review', { customerId: id, occurredAt: hoursAgo(4), platform: 'google', rating: 2 })).event).toMatchObject({ caseRule: null, case: null });
    expect((await record('Purchase', { ...order, orderNumber: unique('SO'), caseId: call.event.case.id })).event).toMatchObject({ caseRule: 'EXPLICIT', case: { id: call.event.case.id } });
    const survey = await record('SurveyResponse', { customerId: id, occurredAt: hoursAgo(3), survey: 'CSAT', score: 4, aboutEventId: call.event.id });
    expect(survey.event).toMatchObject({ caseRule: 'ABOUT_EVENT', case: { id: call.event.case.id } });
    // An outbound contact with no case to join joins none.
    const { id: quiet } = await createCustomer(server);
    expect((await record('Call', { customerId: quiet, occurredAt: hoursAgo(1), direction: 'OUTBOUND', outcome: 'MISSED' })).event.case).toBeNull();
  });

  it("refuse another customer's case with NOT_FOUND and store nothing", async () => {
    const mine = await createCustomer(server);
    const theirs = await createCustomer(server);
    const their = await record('Call', { customerId: theirs.id, occurredAt: hoursAgo(2), direction: 'INBOUND', outcome: 'MISSED' });
    const refused = await record('Call', { customerId: mine.id, occurredAt: hoursAgo(1), direction: 'INBOUND', outcome: 'MISSED', caseId: their.event.case.id });
    expect(refused).toEqual({ created: false, event: null, userErrors: [{ field: ['input', 'caseId'], code: 'NOT_FOUND', message: expect.any(String) }] });
    const { customer } = await server.data(`query ($id: ID!) { customer(id: $id) { timeline { edges { node { id } } } cases { edges { node { id } } } } }`, { id: mine.id });
    expect(customer).toEqual({ timeline: { edges: [] }, cases: { edges: [] } });
  });

  it('place a batch as the same calls one by one would', async () => {
    const { id } = await createCustomer(server);
    const thread = unique('t');
    const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { caseRule case { id } } ${USER_ERRORS} } } }`, {
      input: {
        events: [
          { email: email(id, hoursAgo(6), { threadId: thread }) },
          { email: email(id, hoursAgo(5), { threadId: thread, direction: 'OUTBOUND', fromAddress: 'help@shop.example', toAddresses: ['maya@example.com'] }) },
          { socialMessage: { customerId: id, occurredAt: hoursAgo(4), direction: 'INBOUND', platform: 'x', handle: 'maya', text: 'hi' } },
        ],
      },
    });
    const [a, b, c] = recordEvents.results.map((r: any) => r.event);
    expect([a.caseRule, b.caseRule, c.caseRule]).toEqual(['NEW_CASE', 'THREAD', 'OPEN_CASE']);
    expect(new Set([a.case.id, b.case.id, c.case.id]).size).toBe(1);
  });

  it('open exactly one case when first contacts race', async () => {
    const { id } = await createCustomer(server);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => record('Call', { customerId: id, occurredAt: hoursAgo(1 + i / 100), direction: 'INBOUND', outcome: 'MISSED' })));
    expect(answers.every((a) => a.created)).toBe(true);
    expect(new Set(answers.map((a) => a.event.case.id)).size).toBe(1);
    const { customer } = await server.data(`query ($id: ID!) { customer(id: $id) { cases { edges { node { contactCount } } } } }`, { id });
    expect(customer.cases.edges).toEqual([{ node: { contactCount: 12 } }]);
  });
});

describe('agents change cases', () => {
  it('with expectedVersion, moving events between cases, and an append-only history the figures come from', async () => {
    const { id } = await createCustomer(server);
    const call = await record('Call', { customerId: id, occurredAt: hoursAgo(8), direction: 'INBOUND', outcome: 'MISSED' });
    const mailAt = hoursAgo(7);
    const mail = await record('Email', email(id, mailAt));
    const first = mail.event.case;
    expect([first.id, first.contactCount]).toEqual([call.event.case.id, 2]);
    const stale = await server.data(UPDATE, { input: { caseId: first.id, status: 'PENDING', expectedVersion: first.version - 1 } });
    expect(stale.updateCase.userErrors.map((e: any) => e.code)).toEqual(['CONFLICT']);

    const { openCase } = await server.data(`mutation ($input: OpenCaseInput!) { openCase(input: $input) { case { ${CASE_FIELDS} } ${USER_ERRORS} } }`, {
      input: { customerId: id, subject: 'Refund for SO-9', eventIds: [mail.event.id], agentId: 'sam' },
    });
    expect(openCase.case).toMatchObject({ subject: 'Refund for SO-9', agentId: 'sam', contactCount: 1, channels: ['EMAIL'], openedAt: mailAt });
    const after = (await server.data(`query ($id: ID!) { node(id: $id) { ... on Case { contactCount channels } } }`, { id: first.id })).node;
    expect(after).toEqual({ contactCount: 1, channels: ['PHONE'] });

    const moved = await server.data(`mutation ($input: MoveEventsToCaseInput!) { moveEventsToCase(input: $input) { case { contactCount channels } ${USER_ERRORS} } }`, {
      input: { caseId: first.id, eventIds: [mail.event.id] },
    });
    expect(moved.moveEventsToCase.case).toEqual({ contactCount: 2, channels: ['PHONE', 'EMAIL'] });
    const history = (await server.data(`query ($id: ID!) { node(id: $id) { ... on Case { history(first: 50) { edges { node { change rule status actor } } } } } }`, { id: first.id })).node.history.edges.map((e: any) => e.node);
    expect(history.map((h: any) => [h.change, h.rule])).toEqual([
      ['OPENED', null],
      ['EVENT_ADDED', 'NEW_CASE'],
      ['EVENT_ADDED', 'OPEN_CASE'],
      ['EVENT_REMOVED', null],
      ['EVENT_ADDED', 'MOVED'],
    ]);
    await expect(server.db.query(`UPDATE case_history SET actor = 'me'`)).rejects.toThrow(/append-only/);
    await expect(server.db.query(`DELETE FROM case_history`)).rejects.toThrow(/append-only/);
  });

  it('refuse bad input with user errors and change nothing', async () => {
    const { id } = await createCustomer(server);
    const call = await record('Call', { customerId: id, occurredAt: hoursAgo(2), direction: 'INBOUND', outcome: 'MISSED' });
    const other = await createCustomer(server);
    const otherCall = await record('Call', { customerId: other.id, occurredAt: hoursAgo(2), direction: 'INBOUND', outcome: 'MISSED' });
    const cases = [
      [`mutation ($input: OpenCaseInput!) { openCase(input: $input) { ${USER_ERRORS} } }`, { customerId: id, subject: '' }, 'openCase', ['input', 'subject'], 'INVALID'],
      [`mutation ($input: OpenCaseInput!) { openCase(input: $input) { ${USER_ERRORS} } }`, { customerId: id, subject: 'x', eventIds: [otherCall.event.id] }, 'openCase', ['input', 'eventIds', '0'], 'NOT_FOUND'],
      [UPDATE, { caseId: 'nope', status: 'OPEN' }, 'updateCase', ['input', 'caseId'], 'INVALID'],
      [UPDATE, { caseId: Buffer.from('Case:00000000-0000-0000-0000-000000000000').toString('base64url'), status: 'OPEN' }, 'updateCase', ['input', 'caseId'], 'NOT_FOUND'],
      [`mutation ($input: MoveEventsToCaseInput!) { moveEventsToCase(input: $input) { ${USER_ERRORS} } }`, { caseId: call.event.case.id, eventIds: [otherCall.event.id] }, 'moveEventsToCase', ['input', 'eventIds', '0'], 'NOT_FOUND'],
    ] as const;
    const [{ rows: before }] = await server.db.query(`SELECT count(*)::int AS rows FROM case_history`);
    for (const [document, input, field, path, code] of cases) {
      const answer = await server.data(document, { input });
      expect({ field, errors: answer[field].userErrors.map((e: any) => [e.field, e.code]) }).toEqual({ field, errors: [[path, code]] });
    }
    const [{ rows: after }] = await server.db.query(`SELECT count(*)::int AS rows FROM case_history`);
    expect(after).toBe(before);
  });
});

describe('cases and merges', () => {
  it('move with the customer they belong to, and come back with an unmerge; an event and its case never end up with two customers', async () => {
    const handle = unique('merge').replace(/-/g, '_');
    const a = await createCustomer(server);
    const b = await createCustomer(server, { identifiers: [{ kind: 'SOCIAL', namespace: 'instagram', value: handle }] });
    const caseA = (await record('Call', { customerId: a.id, occurredAt: hoursAgo(10), direction: 'INBOUND', outcome: 'MISSED' })).event.case.id;
    const caseB = (await record('Email', email(b.id, hoursAgo(20)))).event.case.id;
    await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { survivorId: a.id, mergedId: b.id } });
    const CASES = `query ($id: ID!) { customer(id: $id) { cases { edges { node { id contactCount } } } } }`;
    expect((await server.data(CASES, { id: a.id })).customer.cases.edges.map((e: any) => e.node.id)).toEqual([caseA, caseB]);
    // B's handle writes again: it lands on the survivor, in its latest open case (A's call).
    const dm = await record('SocialMessage', { identifier: { kind: 'SOCIAL', namespace: 'instagram', value: handle }, occurredAt: hoursAgo(1), direction: 'INBOUND', platform: 'instagram', handle, text: 'hello?' });
    expect(dm.event.case.id).toBe(caseA);

    await server.data(`mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { mergedId: b.id } });
    expect((await server.data(CASES, { id: a.id })).customer.cases.edges).toEqual([{ node: { id: caseA, contactCount: 1 } }]);
    expect((await server.data(CASES, { id: b.id })).customer.cases.edges).toEqual([{ node: { id: caseB, contactCount: 1 } }]);
    // The DM went back to B with its identifier; A's case stayed with A, so the DM left it.
    const { node } = await server.data(`query ($id: ID!) { node(id: $id) { ... on TimelineEvent { customer { id } case { id } caseRule } } }`, { id: dm.event.id });
    expect(node).toEqual({ customer: { id: b.id }, case: null, caseRule: null });
  });
});

describe('a case resolved longer ago than the reopen window', () => {
  let short: TestServer;
  beforeAll(async () => {
    short = await startTestServer({ CASE_REOPEN_WINDOW: '1s' });
  });
  afterAll(() => short.stop());

  it('reads as CLOSED, and a later contact opens a new case that follows it', async () => {
    const { id } = await createCustomer(short);
    const call = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { case { id status follows { id } } } ${USER_ERRORS} } }`;
    const first = (await short.data(call, { input: { customerId: id, occurredAt: hoursAgo(1), direction: 'INBOUND', outcome: 'MISSED' } })).recordCall.event.case;
    await short.data(UPDATE, { input: { caseId: first.id, status: 'RESOLVED' } });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const { node } = await short.data(`query ($id: ID!) { node(id: $id) { ... on Case { status } } }`, { id: first.id });
    expect(node.status).toBe('CLOSED');
    const next = (await short.data(call, { input: { customerId: id, occurredAt: new Date().toISOString(), direction: 'INBOUND', outcome: 'MISSED' } })).recordCall.event.case;
    expect(next).toMatchObject({ status: 'OPEN', follows: { id: first.id } });
    expect(next.id).not.toBe(first.id);
    const closed = (await short.data(`query ($id: ID!) { customer(id: $id) { cases(status: [CLOSED]) { edges { node { id } } } } }`, { id })).customer.cases.edges;
    expect(closed.map((e: any) => e.node.id)).toEqual([first.id]);
  });
});
