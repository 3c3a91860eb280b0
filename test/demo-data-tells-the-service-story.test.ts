import { loadConfig } from '../src/core/config';
import { seedDemoData } from '../src/seed/demo-data';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
const ANCHOR = new Date('2026-11-20T12:00:00Z');
beforeAll(async () => {
  server = await startTestServer();
  await seedDemoData(server.db, loadConfig({ LOG_LEVEL: 'silent' }), { anchor: ANCHOR });
}, 60_000);
afterAll(() => server.stop());

describe('the demo data', () => {
  it("makes Maya's call, her e-mail, the reply, her Instagram DM and the CSAT about the call one open case", async () => {
    const { customerByIdentifier } = await server.data(`{ customerByIdentifier(identifier: { kind: SOCIAL, namespace: "instagram", value: "@Maya.Runs" }) {
      insights { openCases lifecycleStage csat { latest } }
      cases(first: 1) { edges { node { subject status channels contactCount firstResponseAt
        events(first: 10) { edges { node { __typename direction caseRule } } } } } } } }`);
    const [story] = customerByIdentifier.cases.edges.map((e: any) => e.node);
    expect(story).toMatchObject({ subject: 'Exchange for order SO-100482', status: 'OPEN', channels: ['PHONE', 'EMAIL', 'SOCIAL'], contactCount: 3 });
    expect(story.events.edges.map((e: any) => [e.node.__typename, e.node.direction, e.node.caseRule])).toEqual([
      ['SocialMessageEvent', 'INBOUND', 'OPEN_CASE'],
      ['SurveyResponseEvent', null, 'ABOUT_EVENT'],
      ['EmailEvent', 'OUTBOUND', 'THREAD'],
      ['EmailEvent', 'INBOUND', 'OPEN_CASE'],
      ['CallEvent', 'INBOUND', 'NEW_CASE'],
    ]);
    expect(customerByIdentifier.insights).toMatchObject({ openCases: 1, lifecycleStage: 'CUSTOMER', csat: { latest: 4 } });
  });

  it('gives every service and experience figure something to show over its last 90 days', async () => {
    const range = { since: new Date(ANCHOR.getTime() - 90 * 86_400_000).toISOString(), until: ANCHOR.toISOString() };
    const { serviceMetrics, experienceMetrics } = await server.data(
      `query ($range: MetricsRange!) {
        serviceMetrics(range: $range) { inboundContacts callsOffered answeredRate abandonmentRate averageWaitSeconds messagesAnsweredRate casesOpened casesResolved
          resolutionRate averageFirstResponseSeconds medianFirstResponseSeconds averageResolutionSeconds firstContactResolutionRate reopenRate csat nps ces
          byChannel { channel } }
        experienceMetrics(range: $range) { activeCustomers newCustomers churnRate retentionRate averageLifetimeValue { currency } averageOrderValue { currency } reviewCount averageReviewRating nps csat } }`,
      { range },
    );
    for (const [figure, value] of Object.entries(serviceMetrics)) if (figure !== 'byChannel') expect({ figure, value }).toEqual({ figure, value: expect.any(Number) });
    expect(serviceMetrics.reopenRate).toBeGreaterThan(0);
    expect(serviceMetrics.byChannel.map((c: any) => c.channel)).toEqual(expect.arrayContaining(['PHONE', 'EMAIL', 'SOCIAL', 'CHAT', 'VIDEO', 'WEB']));
    expect(experienceMetrics).toMatchObject({ activeCustomers: expect.any(Number), churnRate: expect.any(Number), reviewCount: expect.any(Number), averageReviewRating: expect.any(Number) });
    expect(experienceMetrics.reviewCount).toBeGreaterThan(0);
    expect(experienceMetrics.averageLifetimeValue.length).toBeGreaterThan(1);
  });
});
