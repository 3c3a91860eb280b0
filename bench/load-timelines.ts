import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { loadedEventPositionsCte } from '../src/changefeed/stream-positions';
import { Random } from '../src/seed/random';
import { sampleEvent } from './sample-events';

export interface LoadShape {
  /** Events of the one customer whose timeline is paged. */
  mainEvents: number;
  /** Other customers, so the index holds many customers' ranges and not just one. */
  otherCustomers: number;
  /** Average events per other customer (each gets 80% to 120% of it). */
  eventsPerOtherCustomer: number;
}

export const DEFAULT_SHAPE: LoadShape = { mainEvents: 100_000, otherCustomers: 2_000, eventsPerOtherCustomer: 50 };

export interface LoadedTimelines {
  mainCustomerKey: string;
  mainEvents: number;
  otherCustomers: number;
  otherEvents: number;
  milliseconds: number;
}

const TIMELINE_END = Date.parse('2025-11-01T00:00:00Z');
const TIMELINE_SPAN_MS = 2 * 365 * 24 * 3600 * 1000;
/** Share of events stamped with the same instant as the one before, so pages must break ties by id. */
const TIE_SHARE = 0.05;
const BATCH_SIZE = 5_000;

export interface PlannedEvent {
  customerKey: string;
  occurredAt: number;
}

/** Loads the customers and their events in bulk statements, then ANALYZEs; answers what it loaded and how long it took. */
export async function loadTimelines(db: DataSource, shape: LoadShape = DEFAULT_SHAPE): Promise<LoadedTimelines> {
  const started = performance.now();
  const random = new Random(20251123);
  const [mainCustomerKey] = await insertCustomers(db, ['Maya Lind']);
  const otherKeys = await insertCustomers(db, Array.from({ length: shape.otherCustomers }, (_, i) => `Customer ${i + 1}`));

  const mainTimeline = planTimeline(mainCustomerKey, shape.mainEvents, random);
  const otherTimelines = otherKeys.flatMap((key) => {
    const count = random.int(Math.round(shape.eventsPerOtherCustomer * 0.8), Math.round(shape.eventsPerOtherCustomer * 1.2));
    return planTimeline(key, count, random);
  });
  // Stored oldest first across all customers, as live ingestion would, so ids grow with time and
  // one customer's rows are interleaved with everyone else's in the table.
  const plan = [...mainTimeline, ...otherTimelines].sort((a, b) => a.occurredAt - b.occurredAt);
  for (let first = 0; first < plan.length; first += BATCH_SIZE) {
    await insertEvents(db, plan.slice(first, first + BATCH_SIZE), first, random);
  }
  await db.query('ANALYZE');

  return {
    mainCustomerKey,
    mainEvents: mainTimeline.length,
    otherCustomers: otherKeys.length,
    otherEvents: otherTimelines.length,
    milliseconds: performance.now() - started,
  };
}

export async function insertCustomers(db: DataSource, displayNames: string[]): Promise<string[]> {
  const rows: { id: string }[] = await db.query(`INSERT INTO customer (display_name) SELECT unnest($1::text[]) RETURNING id`, [displayNames]);
  return rows.map((row) => row.id);
}

/** `count` instants spread at random over the two years up to TIMELINE_END, oldest first, some repeated. */
function planTimeline(customerKey: string, count: number, random: Random): PlannedEvent[] {
  const instants = Array.from({ length: count }, () => TIMELINE_END - Math.floor(random.next() * TIMELINE_SPAN_MS)).sort((a, b) => a - b);
  for (let i = 1; i < instants.length; i++) {
    if (random.chance(TIE_SHARE)) instants[i] = instants[i - 1];
  }
  return instants.map((occurredAt) => ({ customerKey, occurredAt }));
}

/** The columns the load writes, with their types for unnest's arrays. */
const LOADED_COLUMNS = [
  ['customer_id', 'uuid'],
  ['kind', 'text'],
  ['channel', 'text'],
  ['occurred_at', 'timestamptz'],
  ['received_at', 'timestamptz'],
  ['direction', 'text'],
  ['summary', 'text'],
  ['source', 'text'],
  ['external_id', 'text'],
  ['agent_id', 'text'],
  ['details', 'jsonb'],
] as const;

type LoadedColumn = (typeof LOADED_COLUMNS)[number][0];

const INSERT_EVENTS = `WITH stored AS (
    INSERT INTO timeline_event (${LOADED_COLUMNS.map(([name]) => name).join(', ')})
    SELECT * FROM unnest(${LOADED_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
    RETURNING id, customer_id),
  ${loadedEventPositionsCte('positioned', 'stored')}
  SELECT count(*) FROM stored`;

/** One statement per batch: each column's values as one array parameter. */
export async function insertEvents(db: DataSource, batch: PlannedEvent[], firstSequence: number, random: Random): Promise<void> {
  const rows = batch.map((planned, i): Record<LoadedColumn, string | null> => {
    const event = sampleEvent(random, firstSequence + i);
    return {
      customer_id: planned.customerKey,
      kind: event.kind,
      channel: event.channel,
      occurred_at: new Date(planned.occurredAt).toISOString(),
      received_at: new Date(planned.occurredAt + random.int(1_000, 120_000)).toISOString(),
      direction: event.direction,
      summary: event.summary,
      source: event.source,
      external_id: event.externalId,
      agent_id: event.agentId,
      details: JSON.stringify(event.details),
    };
  });
  await db.query(INSERT_EVENTS, LOADED_COLUMNS.map(([name]) => rows.map((row) => row[name])));
}
