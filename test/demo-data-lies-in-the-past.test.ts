import { buildDemoData } from '../src/seed/demo-data';

describe('the demo data', () => {
  it.each(['2026-12-01T00:05:00Z', '2026-12-01T08:11:00Z', '2026-12-01T09:30:00Z', '2026-12-01T23:59:00Z'])(
    'seeded at %s has no event after that moment, and Maya’s Instagram message is her newest',
    (seededAt) => {
      const anchor = new Date(seededAt);
      const { people, events } = buildDemoData(anchor);
      expect(Math.max(...events.map((e) => e.occurredAt))).toBeLessThanOrEqual(anchor.getTime());
      const maya = events.filter((e) => e.customerId === people[0].id).sort((a, b) => b.occurredAt - a.occurredAt);
      expect(maya[0]).toMatchObject({ kind: 'SOCIAL_MESSAGE', source: 'instagram' });
      // Her story is recent: the message came in within the last day and a half.
      expect(anchor.getTime() - maya[0].occurredAt).toBeLessThan(33 * 3600 * 1000);
    },
  );
});
