import 'reflect-metadata';
import { matchesTimelineFilter, type TimelineFilter } from '../src/timeline/timeline-filter';
import { createCustomer, oneOfEachKind } from './support/factories';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/**
 * The timeline filter has two forms: SQL for pages and replays, JavaScript for live events.
 * Over the same stored events, every filter must pick the same ones in both.
 */
describe('the timeline filter', () => {
  it('picks the same events in SQL (timeline pages) as in JavaScript (live subscriptions)', async () => {
    const { id } = await createCustomer(server);
    const base = Date.parse('2026-01-01T00:00:00Z');
    const events = [0, 1, 2, 3].flatMap((day) => oneOfEachKind(id, base + day * 86_400_000));
    await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events } });
    const at = (day: number, minute = 0) => new Date(base + day * 86_400_000 + minute * 60_000).toISOString();
    const filters: TimelineFilter[] = [
      {},
      { kinds: ['CALL', 'PURCHASE'] },
      { channels: ['SOCIAL', 'WEB'] },
      { kinds: ['EMAIL'], channels: ['EMAIL', 'PHONE'] },
      { since: at(1) as never },
      { until: at(2, 3) as never },
      { since: at(1, 2) as never, until: at(3, 2) as never },
      { since: at(2, 3) as never, until: at(2, 3) as never },
      { kinds: ['SURVEY_RESPONSE', 'SOCIAL_MESSAGE'], since: at(0, 4) as never, until: at(3) as never },
      { kinds: [], channels: [] },
    ] as TimelineFilter[];
    const PAGE = `query ($id: ID!, $filter: TimelineFilter) { customer(id: $id) { timeline(first: 100, filter: $filter) { edges { node { id kind channel occurredAt } } } } }`;
    const all = (await server.data(PAGE, { id })).customer.timeline.edges.map((e: { node: { id: string; kind: string; channel: string; occurredAt: string } }) => e.node);
    expect(all).toHaveLength(20);
    for (const filter of filters) {
      const bySql = (await server.data(PAGE, { id, filter })).customer.timeline.edges.map((e: { node: { id: string } }) => e.node.id);
      const asDate = (value: unknown) => (value ? new Date(value as string) : value);
      const live = { ...filter, since: asDate(filter.since), until: asDate(filter.until) } as TimelineFilter;
      const byJs = all.filter((event: { kind: never; channel: never; occurredAt: string }) => matchesTimelineFilter({ ...event, occurredAt: new Date(event.occurredAt) }, live)).map((e: { id: string }) => e.id);
      expect({ filter, ids: bySql }).toEqual({ filter, ids: byJs });
    }
  });
});
