import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { CaseAssignment } from '../src/cases/case-assignment';
import { loadedEventPositionsCte } from '../src/changefeed/stream-positions';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { SuppressionList } from '../src/customers/suppression-list';
import { createDataSource } from '../src/db/data-source';
import { Database, type Sql, type TransactionOptions } from '../src/db/database';
import { EventRecorder } from '../src/ingest/event-recorder.service';
import { EventStorage } from '../src/ingest/event-storage';
import type { EventInput } from '../src/ingest/record-event.types';
import { unique } from './support/factories';
import { rowsRead } from './support/rows-read';
import { createTestDatabase } from './support/test-database';

const TABLES = ['timeline_event', 'customer_identifier', 'customer', 'support_case', 'case_history'] as const;
type Table = (typeof TABLES)[number];

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataSource: DataSource;
let recorder: EventRecorder;
/** Rows of each table read by the recording transactions since the last `take()`. */
let read: Record<Table, number> = Object.fromEntries(TABLES.map((table) => [table, 0])) as Record<Table, number>;

beforeAll(async () => {
  database = await createTestDatabase();
  // One connection: every recording here runs on the plans the first ones made.
  dataSource = createDataSource({ url: database.url, poolSize: 1 });
  await dataSource.initialize();
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const db = Database.configured(dataSource, config, createLogger('silent'));
  // The recorder's own transactions, observed from inside: the rows they read, as PostgreSQL counts them.
  const transaction = db.transaction.bind(db);
  const observed = Object.assign(Object.create(db) as Database, {
    transaction: <T>(work: (sql: Sql) => Promise<T>, options?: TransactionOptions) =>
      transaction(async (sql) => {
        const before = await rowsRead(sql, TABLES);
        const result = await work(sql);
        const after = await rowsRead(sql, TABLES);
        for (const table of TABLES) read[table] += after[table] - before[table];
        return result;
      }, options),
  });
  recorder = new EventRecorder(new EventStorage(observed, new SuppressionList(undefined), new CaseAssignment(config.CASE_REOPEN_WINDOW)), config.DEFAULT_PHONE_REGION, {
    operationTimeoutMs: config.OPERATION_TIMEOUT_MS,
  });
});
afterAll(async () => {
  await dataSource.destroy();
  await database.drop();
});

const take = () => {
  const taken = read;
  read = Object.fromEntries(TABLES.map((table) => [table, 0])) as Record<Table, number>;
  return taken;
};

function call(email: string, occurredAt: string): EventInput {
  return { call: { identifier: { kind: 'EMAIL', value: email }, occurredAt: new Date(occurredAt), direction: 'INBOUND', outcome: 'ANSWERED', source: 'plans', externalId: unique('call') } } as EventInput;
}

async function recordAll(events: EventInput[]): Promise<void> {
  const results = await recorder.recordEvents(events);
  expect(results.map((result) => result.userErrors)).toEqual(events.map(() => []));
}

/** 20,000 people, each with an identifier, a case, an event of it and its history, written past the recorder. */
async function growEveryTable(): Promise<void> {
  await dataSource.query(`
    WITH people AS (
      INSERT INTO customer (id, display_name) SELECT gen_random_uuid(), 'Grown ' || g FROM generate_series(1, 20000) g RETURNING id),
    numbered AS (SELECT id, row_number() OVER () AS n FROM people),
    identifiers AS (
      INSERT INTO customer_identifier (customer_id, kind, namespace, value) SELECT id, 'EMAIL', '', 'grown-' || n || '@example.com' FROM numbered),
    cases AS (
      INSERT INTO support_case (id, customer_id, subject, status, opened_at, last_activity_at)
      SELECT gen_random_uuid(), id, 'Grown', 'OPEN', now(), now() FROM numbered RETURNING id, customer_id),
    history AS (
      INSERT INTO case_history (case_id, at, change, status, actor) SELECT id, now(), 'OPENED', 'OPEN', 'grown' FROM cases),
    events AS (
      INSERT INTO timeline_event (customer_id, kind, channel, occurred_at, direction, summary, source, external_id, details, case_id, case_rule)
      SELECT c.customer_id, 'CALL', 'PHONE', now(), 'INBOUND', 'Grown', 'grown', 'grown-' || c.id, '{}'::jsonb, c.id, 'NEW_CASE' FROM cases c
      RETURNING id, customer_id),
    ${loadedEventPositionsCte('positions', 'events')}
    SELECT count(*) FROM events`);
}

describe('recording, on plans made while the tables were nearly empty', () => {
  it('still reads customers, identifiers, cases and earlier events by key once each table holds 20,000 more rows', async () => {
    // A new deployment: the connection records its first calls (enough for any plan to settle) on nearly empty tables.
    const known = `${unique('known')}@example.com`;
    for (let i = 0; i < 8; i++) await recordAll([call(known, `2026-04-01T08:0${i}:00Z`), call(`${unique('first')}@example.com`, '2026-04-01T08:00:00Z')]);
    take();

    await growEveryTable();
    // A known customer's call and a new person's, in one transaction as concurrent calls are, and then a single one.
    await recordAll([call(known, '2026-04-01T09:00:00Z'), call(`${unique('new')}@example.com`, '2026-04-01T09:00:00Z')]);
    await recordAll([call(known, '2026-04-01T09:10:00Z')]);
    const reads = take();

    // A look-up by key reads a handful of rows of each table, where a scan of any of them reads 20,000.
    expect(reads.timeline_event).toBeGreaterThan(0);
    expect(Object.entries(reads).filter(([, rows]) => rows >= 100)).toEqual([]);
  });
});
