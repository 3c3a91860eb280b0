import { createCustomer } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let customerId: string;
/** Event ids newest first, as the timeline must list them. */
let expected: string[];

const PAGE = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: TimelineFilter) {
  customer(id: $id) { timeline(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    edges { cursor node { id kind channel occurredAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;

async function page(variables: Record<string, unknown>) {
  const { customer } = await server.data(PAGE, { id: customerId, ...variables });
  return customer.timeline;
}

beforeAll(async () => {
  server = await startTestServer();
  customerId = (await createCustomer(server)).id;
  // 45 events; every third pair shares an occurredAt so the id tie-break matters.
  const events = Array.from({ length: 45 }, (_, i) => {
    const occurredAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 2) * 3_600_000).toISOString();
    return i % 3 === 0
      ? { email: { customerId, occurredAt, fromAddress: 'a@example.com', toAddresses: ['b@example.com'], subject: `m${i}` } }
      : { call: { customerId, occurredAt, outcome: i % 2 ? 'MISSED' : 'ANSWERED' } };
  });
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id occurredAt } ${USER_ERRORS} } } }`, {
    input: { events },
  });
  const stored = recordEvents.results.map((r: any) => ({ id: r.event.id, at: r.event.occurredAt, key: Number(Buffer.from(r.event.id, 'base64url').toString().split(':')[1]) }));
  stored.sort((a: any, b: any) => (a.at === b.at ? b.key - a.key : a.at < b.at ? 1 : -1));
  expected = stored.map((s: any) => s.id);
});
afterAll(() => server.stop());

describe('timeline pagination', () => {
  it('pages forwards newest first by (occurredAt, id) until the end', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const timeline: any = await page({ first: 10, after });
      seen.push(...timeline.edges.map((e: any) => e.node.id));
      pages += 1;
      expect(timeline.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!timeline.pageInfo.hasNextPage) break;
      after = timeline.pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(expected);
  });

  it('pages backwards with last/before and returns each page in timeline order', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (;;) {
      const timeline: any = await page({ last: 10, before });
      seen.unshift(...timeline.edges.map((e: any) => e.node.id));
      if (!timeline.pageInfo.hasPreviousPage) break;
      before = timeline.pageInfo.startCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('defaults to 20 items', async () => {
    const timeline = await page({});
    expect(timeline.edges).toHaveLength(20);
    expect(timeline.pageInfo.hasNextPage).toBe(true);
  });

  it('never shifts a page when an event arrives while a client pages', async () => {
    const first = await page({ first: 10 });
    const second = await page({ first: 10, after: first.pageInfo.endCursor });
    // A new event newer than everything, and one inside the range of page two.
    const inserted = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id } } } }`, {
      input: {
        events: [
          { call: { customerId, occurredAt: '2026-06-01T00:00:00Z', outcome: 'ANSWERED' } },
          { call: { customerId, occurredAt: second.edges[5].node.occurredAt, outcome: 'MISSED' } },
        ],
      },
    });
    const newcomer = inserted.recordEvents.results[1].event.id;
    const ids = (t: any): string[] => t.edges.map((e: any) => e.node.id);

    const firstAgain = await page({ first: 10 });
    const secondAgain = await page({ first: 10, after: first.pageInfo.endCursor });
    // Page two still starts where page one ended; the newcomer takes its keyset place (it has
    // the highest id at its instant) and nothing from page one reappears.
    const twinIndex = second.edges.findIndex((e: any) => e.node.occurredAt === second.edges[5].node.occurredAt);
    const expectedSecond = [...ids(second).slice(0, twinIndex), newcomer, ...ids(second).slice(twinIndex)].slice(0, 10);
    expect(ids(secondAgain)).toEqual(expectedSecond);
    expect(ids(firstAgain).slice(1)).toEqual(ids(first).slice(0, 9));
  });

  it('filters by kind, channel and time range', async () => {
    const emails = await page({ first: 100, filter: { kinds: ['EMAIL'] } });
    expect(emails.edges.length).toBe(15);
    expect(emails.edges.every((e: any) => e.node.kind === 'EMAIL')).toBe(true);
    const phone = await page({ first: 100, filter: { channels: ['PHONE'], since: '2026-01-01T05:00:00Z', until: '2026-01-01T10:00:00Z' } });
    expect(phone.edges.length).toBeGreaterThan(0);
    for (const { node } of phone.edges) {
      expect(node.channel).toBe('PHONE');
      expect(node.occurredAt >= '2026-01-01T05:00:00.000Z' && node.occurredAt < '2026-01-01T10:00:00.000Z').toBe(true);
    }
  });

  it.each([
    [{ first: 101 }, 'first'],
    [{ last: 500 }, 'last'],
    [{ first: -1 }, 'first'],
  ])('refuses %j with BAD_USER_INPUT instead of clamping', async (variables, argument) => {
    const response = await server.graphql(PAGE, { id: customerId, ...variables });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(response.data?.customer).toBeNull();
  });

  it.each([
    ['random text', 'not-a-cursor'],
    ['base64 of garbage', Buffer.from('hello|world').toString('base64url')],
    ['a cursor with a forged id', Buffer.from('tl1|2026-01-01T00:00:00.000000Z|0').toString('base64url')],
    ['a cursor with an impossible date', Buffer.from('tl1|2026-13-45T00:00:00.000000Z|5').toString('base64url')],
    ['an SQL injection', Buffer.from("tl1|2026-01-01T00:00:00.000000Z|1' OR 1=1").toString('base64url')],
  ])('refuses %s as a cursor', async (_name, cursor) => {
    const response = await server.graphql(PAGE, { id: customerId, first: 5, after: cursor });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  });
});
