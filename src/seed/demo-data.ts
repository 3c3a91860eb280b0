import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import type { Config } from '../core/config';
import { ALLOWED_CHANNELS } from '../ingest/event-channels';
import { rebuildCustomerOrders } from '../insights/customer-orders';
import { rebuildCustomerActivity } from '../metrics/customer-activity';
import { rebuildEventRollup } from '../metrics/event-rollup';
import { insertCustomers, insertEvents } from './bulk-insert';
import { placeDemoCases } from './demo-cases';
import { addDemoExtras } from './demo-extras';
import { REGIONS, SUPPORT_ADDRESS } from './demo-content';
import { EVENT_COUNT, MAYA, type DemoData, type Draft } from './demo-model';
import { mayasStory } from './mayas-story';
import { buildPeople } from './people';
import { Random, seedFrom } from './random';
import { Registry } from './registry';
import { DAY, HOUR, startOfUtcDay } from './time-helpers';
import { TimelineWriter } from './timeline-writer';

/*
 * Demo data: ~300 customers and ~30,000 timeline events over the two years before an anchor
 * (by default the moment of seeding), generated from fixed seeds so the same anchor always
 * yields the same rows, and all of it in the past. One customer, Maya Okafor, carries a scripted
 * recent story that the README walks through.
 */

/** Maya's story ends at 08:12 UTC on the last morning this many hours before the anchor. */
const STORY_ENDS_BEFORE_HOURS = 9;

export async function isDatabaseEmpty(db: DataSource): Promise<boolean> {
  const [row] = await db.query(`SELECT NOT EXISTS (SELECT 1 FROM customer) AS empty`);
  return row.empty;
}

export interface SeedOptions {
  /** No event is later than this instant; defaults to now. */
  anchor?: Date;
}

/**
 * Writes the demo data set in one transaction. Refuses (throws) when the database already has
 * customers; the caller decides whether to seed.
 */
export async function seedDemoData(db: DataSource, config: Config, options: SeedOptions = {}): Promise<{ customers: number; events: number; cases: number }> {
  const anchor = options.anchor ?? new Date();
  const data = buildDemoData(anchor, config.DEFAULT_PHONE_REGION);

  const seeded = await db.transaction(async (m) => {
    const [{ customers }] = await m.query(`SELECT count(*)::int AS customers FROM (SELECT 1 FROM customer LIMIT 1) c`);
    if (customers > 0) throw new Error('Refusing to seed demo data: the database already has customers. Seed only an empty database.');
    await insertCustomers(m, data.people);
    await insertEvents(m, data.events);
    // Loaded in bulk, not recorded one by one: cases and the daily figures are worked out afterwards.
    const cases = await placeDemoCases(m, config.CASE_REOPEN_WINDOW, anchor.getTime());
    await rebuildEventRollup(m);
    await rebuildCustomerOrders(m);
    await rebuildCustomerActivity(m);
    return { customers: data.people.length, events: data.events.length, cases };
  });
  // Statistics now, as after any bulk load: autovacuum would take its time (and some servers run
  // without it), and until then the planner guesses, badly, how many rows a customer has.
  await db.query('ANALYZE');
  return seeded;
}

export function buildDemoData(anchorDate: Date, phoneRegion = 'US'): DemoData {
  const end = anchorDate.getTime();
  if (!Number.isFinite(end)) throw new Error('demo data: the anchor is not a valid date');
  // Everyone's history runs up to the start of the anchor's day (UTC).
  const anchor = startOfUtcDay(anchorDate).getTime();
  const registry = new Registry();
  for (const region of REGIONS) registry.claim('phone', region.supportLine);
  registry.claim('email', SUPPORT_ADDRESS);
  registry.claim('order', MAYA.orderNumber);

  const profiles = new Random(seedFrom('customer-timeline/demo/customers'));
  const people = buildPeople(profiles, registry, anchor, phoneRegion);

  const rng = new Random(seedFrom('customer-timeline/demo/events'));
  const events: Draft[] = [];
  const [maya, ...others] = people;

  // Maya: ~40 events over two years, then the scripted story of the last three weeks, which
  // ends on the last morning already past (today's when seeded after 09:00 UTC, else yesterday's).
  const story = startOfUtcDay(new Date(end - STORY_ENDS_BEFORE_HOURS * HOUR)).getTime();
  const mayaHistory = new TimelineWriter(maya, rng, registry, maya.activeFrom, story - 20 * DAY);
  mayaHistory.fill(40);
  const scripted = mayasStory(maya, rng, registry, story);
  events.push(...mayaHistory.events, ...scripted);

  // Everyone else shares the rest in proportion to how active and how long-standing they are.
  let remaining = EVENT_COUNT - events.length;
  let activityLeft = others.reduce((sum, p) => sum + p.activity, 0);
  for (const person of others) {
    const target = Math.max(2, Math.round((remaining * person.activity) / activityLeft));
    const writer = new TimelineWriter(person, rng, registry, person.activeFrom, person.activeUntil);
    writer.fill(target);
    events.push(...writer.events);
    remaining -= writer.events.length;
    activityLeft -= person.activity;
  }

  events.push(...addDemoExtras(events, people, registry, end, new Set(scripted)));

  for (const event of events) {
    if (!ALLOWED_CHANNELS[event.kind].includes(event.channel)) throw new Error(`demo data: ${event.kind} on ${event.channel}`);
    if (event.occurredAt % 1 !== 0) throw new Error('demo data: timestamps must be whole milliseconds');
    if (event.occurredAt > end) throw new Error('demo data: an event lies after the anchor');
  }
  return { people, events };
}
