import { createCustomer } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Midnight (UTC) a week ago: every event of this file is after it, every resolution is now. */
const T0 = Math.floor((Date.now() - 7 * DAY) / DAY) * DAY;
const at = (ms: number) => new Date(T0 + ms).toISOString();
let resolved: { A1: string; C1: string };

const FIGURES = `inboundContacts callsOffered callsAnswered answeredRate abandonmentRate averageWaitSeconds messagesAnsweredRate
  casesOpened casesResolved resolutionRate averageFirstResponseSeconds medianFirstResponseSeconds averageResolutionSeconds
  firstContactResolutionRate reopenRate csat nps ces`;
const SERVICE = `query ($range: MetricsRange!) { serviceMetrics(range: $range) { ${FIGURES}
  byChannel { channel ${FIGURES} } intervals { start end ${FIGURES} } } }`;
const metrics = async (range: Record<string, unknown>) => (await server.data(SERVICE, { range })).serviceMetrics;

async function record(customerId: string, events: Record<string, unknown>[]) {
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { case { id } } ${USER_ERRORS} } } }`, {
    input: { events: events.map((event) => Object.fromEntries(Object.entries(event).map(([kind, input]) => [kind, { customerId, ...(input as object) }]))) },
  });
  for (const result of recordEvents.results) expect(result.userErrors).toEqual([]);
  return recordEvents.results.map((r: any) => r.event.case?.id ?? null);
}
const resolve = async (caseId: string) =>
  (await server.data(`mutation ($input: UpdateCaseInput!) { updateCase(input: $input) { case { resolvedAt } ${USER_ERRORS} } }`, { input: { caseId, status: 'RESOLVED' } })).updateCase.case.resolvedAt;
const mail = (direction: string, when: number) => ({ email: { occurredAt: at(when), direction, fromAddress: 'a@example.com', toAddresses: ['b@example.com'], subject: 'Order' } });

beforeAll(async () => {
  server = await startTestServer();
  const a = await createCustomer(server);
  const b = await createCustomer(server);
  const c = await createCustomer(server);
  const [A1] = await record(a.id, [
    { call: { occurredAt: at(9 * HOUR), direction: 'INBOUND', outcome: 'ANSWERED', waitSeconds: 30 } },
    { call: { occurredAt: at(10 * HOUR), direction: 'INBOUND', outcome: 'ABANDONED', waitSeconds: 120 } },
    { call: { occurredAt: at(11 * HOUR), direction: 'INBOUND', outcome: 'MISSED' } },
    mail('INBOUND', DAY + 8 * HOUR),
    mail('OUTBOUND', DAY + 9 * HOUR),
  ]);
  await record(b.id, [
    { socialMessage: { occurredAt: at(2 * DAY + 10 * HOUR), direction: 'INBOUND', platform: 'instagram', handle: 'bee', text: 'hi' } },
    { socialMessage: { occurredAt: at(2 * DAY + 12 * HOUR), direction: 'INBOUND', channel: 'CHAT', platform: 'web', handle: 'bee', text: 'hello?' } },
  ]);
  const [C1] = await record(c.id, [{ call: { occurredAt: at(3 * DAY + 9 * HOUR), direction: 'INBOUND', outcome: 'ANSWERED', waitSeconds: 10 } }]);
  await record(c.id, [
    { surveyResponse: { occurredAt: at(4 * DAY), survey: 'CSAT', score: 5 } },
    { surveyResponse: { occurredAt: at(4 * DAY + HOUR), survey: 'CSAT', score: 3 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 2 * HOUR), survey: 'CSAT', score: 4 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 3 * HOUR), survey: 'NPS', score: 10 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 4 * HOUR), survey: 'NPS', score: 8 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 5 * HOUR), survey: 'NPS', score: 3 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 6 * HOUR), survey: 'NPS', score: 9 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 7 * HOUR), survey: 'CES', score: 2 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 8 * HOUR), survey: 'CES', score: 4 } },
    { surveyResponse: { occurredAt: at(4 * DAY + 9 * HOUR), survey: 'CES', score: 4, scaleMax: 5 } },
  ]);
  resolved = { A1: await resolve(A1), C1: await resolve(C1) };
});
afterAll(() => server.stop());

describe('serviceMetrics', () => {
  it('works out every figure as a support lead would by hand', async () => {
    const all = await metrics({ since: at(0), until: new Date(Date.now() + HOUR).toISOString() });
    const resolutionA = (Date.parse(resolved.A1) - (T0 + 9 * HOUR)) / 1000;
    const resolutionC = (Date.parse(resolved.C1) - (T0 + 3 * DAY + 9 * HOUR)) / 1000;
    expect(all).toMatchObject({
      // 4 inbound calls, 1 inbound e-mail, 2 inbound messages; the reply is outbound.
      inboundContacts: 7,
      callsOffered: 4,
      callsAnswered: 2,
      answeredRate: 0.5,
      // One of the four hung up waiting; the missed call is not abandoned.
      abandonmentRate: 0.25,
      // Answered calls waited 30 s and 10 s; the abandoned one's 120 s does not count.
      averageWaitSeconds: 20,
      // The e-mail got a reply in its case; neither of B's messages did.
      messagesAnsweredRate: 1 / 3,
      casesOpened: 3,
      casesResolved: 2,
      resolutionRate: 2 / 3,
      // A1 answered after 30 s, C1 after 10 s; B1 never.
      averageFirstResponseSeconds: 20,
      medianFirstResponseSeconds: 20,
      // C1 had one contact; A1 had four.
      firstContactResolutionRate: 0.5,
      reopenRate: 0,
      // CSAT 5 and 4 of 5 are satisfied, 3 is not.
      csat: 2 / 3,
      // 10 and 9 promote, 8 is passive, 3 detracts: (2 - 1) / 4 = 25 %.
      nps: 25,
    });
    expect(all.averageResolutionSeconds).toBeCloseTo((resolutionA + resolutionC) / 2, 3);
    // 2 and 4 on 1-7, and 4 on 1-5, which is 5.5 on 1-7.
    expect(all.ces).toBeCloseTo((2 + 4 + 5.5) / 3, 10);

    const channel = (name: string) => all.byChannel.find((c: any) => c.channel === name);
    expect(all.byChannel.map((c: any) => c.channel)).toEqual(['PHONE', 'EMAIL', 'SOCIAL', 'CHAT', 'WEB']);
    expect(channel('PHONE')).toMatchObject({ inboundContacts: 4, callsOffered: 4, casesOpened: 2, casesResolved: 2, averageFirstResponseSeconds: 20, medianFirstResponseSeconds: 20, messagesAnsweredRate: null, csat: null });
    expect(channel('EMAIL')).toMatchObject({ inboundContacts: 1, messagesAnsweredRate: 1, casesOpened: 0, callsOffered: 0, answeredRate: null });
    expect(channel('SOCIAL')).toMatchObject({ inboundContacts: 1, messagesAnsweredRate: 0, casesOpened: 1, casesResolved: 0, resolutionRate: 0, averageFirstResponseSeconds: null, medianFirstResponseSeconds: null });
    expect(channel('CHAT')).toMatchObject({ inboundContacts: 1, messagesAnsweredRate: 0, casesOpened: 0 });
    expect(channel('WEB')).toMatchObject({ inboundContacts: 0, csat: 2 / 3, nps: 25 });
    expect(all.intervals).toEqual([]);
  });

  it('splits a range into UTC days, each with the same figures', async () => {
    const days = await metrics({ since: at(0), until: at(5 * DAY), interval: 'DAY' });
    expect(days.intervals.map((d: any) => [d.start, d.end])).toEqual([0, 1, 2, 3, 4].map((d) => [at(d * DAY), at((d + 1) * DAY)]));
    expect(days.intervals.map((d: any) => d.inboundContacts)).toEqual([3, 1, 2, 1, 0]);
    expect(days.intervals[0]).toMatchObject({ callsOffered: 3, callsAnswered: 1, abandonmentRate: 1 / 3, casesOpened: 1, averageFirstResponseSeconds: 30 });
    expect(days.intervals[3]).toMatchObject({ casesOpened: 1, medianFirstResponseSeconds: 10 });
    expect(days.intervals[4]).toMatchObject({ inboundContacts: 0, answeredRate: null, csat: 2 / 3, nps: 25 });
    // A week: the first interval starts at the range, not at the Monday before it.
    const weeks = await metrics({ since: at(0), until: at(5 * DAY), interval: 'WEEK' });
    expect(weeks.intervals[0].start).toBe(at(0));
    expect(weeks.intervals.at(-1).end).toBe(at(5 * DAY));
    expect(weeks.intervals.reduce((n: number, w: any) => n + w.inboundContacts, 0)).toBe(7);
  });

  it('counts partial days at either end from the events themselves', async () => {
    // Only the abandoned call: an hour inside the first day.
    expect(await metrics({ since: at(9 * HOUR + 1000), until: at(10 * HOUR + 1000) })).toMatchObject({ inboundContacts: 1, callsOffered: 1, abandonmentRate: 1, casesOpened: 0 });
    // From the abandoned call to just after C's call: two whole days in the middle, partial days around them.
    expect(await metrics({ since: at(10 * HOUR), until: at(3 * DAY + 10 * HOUR) })).toMatchObject({ inboundContacts: 6, callsOffered: 3, callsAnswered: 1, casesOpened: 2 });
  });

  it('keeps to the channels asked for: a case counts on the channel it was opened on', async () => {
    const phone = await metrics({ since: at(0), until: new Date(Date.now() + HOUR).toISOString(), channels: ['PHONE'] });
    expect(phone).toMatchObject({ inboundContacts: 4, casesOpened: 2, messagesAnsweredRate: null, csat: null });
    expect(phone.byChannel.map((c: any) => c.channel)).toEqual(['PHONE']);
  });

  it('answers null, never 0, for a figure with nothing to measure', async () => {
    const empty = await metrics({ since: '2001-01-01T00:00:00Z', until: '2001-02-01T00:00:00Z', interval: 'MONTH' });
    expect(empty).toMatchObject({ inboundContacts: 0, answeredRate: null, averageWaitSeconds: null, resolutionRate: null, medianFirstResponseSeconds: null, csat: null, nps: null, ces: null, byChannel: [] });
    expect(empty.intervals).toHaveLength(1);
  });

  it('refuses a range that is not one', async () => {
    for (const range of [
      { since: at(DAY), until: at(0) },
      { since: '2020-01-01T00:00:00Z', until: '2024-01-01T00:00:00Z' },
      { since: '2020-01-01T00:00:00Z', until: '2023-12-01T00:00:00Z', interval: 'DAY' },
    ]) {
      const answer = await server.graphql(SERVICE, { range });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'range' });
    }
  });
});
