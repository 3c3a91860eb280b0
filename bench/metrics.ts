import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { createDataSource } from '../src/db/data-source';
import { Database, type Sql } from '../src/db/database';
import { DatabaseHealth } from '../src/db/database-health';
import { migrate } from '../src/db/migrate';
import { rebuildCustomerOrders } from '../src/insights/customer-orders';
import { rebuildCustomerActivity } from '../src/metrics/customer-activity';
import { rebuildEventRollup } from '../src/metrics/event-rollup';
import { addRecordedEvents, type RecordedEvent } from '../src/metrics/recorded-events';
import { toGlobalId } from '../src/relay/global-id';
import { placeDemoCases } from '../src/seed/demo-cases';
import { Random } from '../src/seed/random';
import { BASELINE_COMMIT, buildBaseline } from './baseline-build';
import { databaseForBaseline } from './baseline-database';
import { createBenchKey, Role } from './bench-credentials';
import type { BenchServer } from './bench-database';
import { headersFor, startServer, type RunningServer } from './bench-server';
import type { Cleanup } from './cleanup';
import { insertCustomers, insertEvents, type PlannedEvent } from './load-timelines';
import { sampleEvent } from './sample-events';
import { startServerProcess, THIS_CHECKOUT, untilServing } from './server-process';
import { printStatementProfile, resetStatementProfile } from './statement-profile';
import { formatTable, milliseconds, seconds, summarise, timeInterleaved, type Finding } from './stats';

/**
 * Metrics on a large history: 100,000 customers and 1,000,000 events over two years (the sample
 * mix of calls, e-mails, messages, purchases, surveys and reviews), placed in cases by the case
 * rules and summed into the daily figures, then serviceMetrics over 90 days by week and
 * experienceMetrics over a year, over HTTP, asked in turn of this build and of the baseline commit
 * (BENCH_BASELINE), each in a server process of its own. And what keeping the daily figures
 * current costs a recordEvents of 1,000. BENCH_METRICS_EVENTS and BENCH_METRICS_CUSTOMERS resize it.
 */
const CUSTOMERS = Number(process.env.BENCH_METRICS_CUSTOMERS ?? 100_000);
const EVENTS = Number(process.env.BENCH_METRICS_EVENTS ?? 1_000_000);
const SPAN_MS = 2 * 365 * 86_400_000;
const BATCH = 10_000;
const RECORD_RUNS = 15;

const SERVICE = `query Service($range: MetricsRange!) { serviceMetrics(range: $range) {
  inboundContacts callsOffered callsAnswered answeredRate abandonmentRate averageWaitSeconds messagesAnsweredRate casesOpened casesResolved resolutionRate
  averageFirstResponseSeconds medianFirstResponseSeconds averageResolutionSeconds firstContactResolutionRate reopenRate csat nps ces
  byChannel { channel inboundContacts answeredRate casesOpened medianFirstResponseSeconds csat }
  intervals { start end inboundContacts answeredRate casesOpened medianFirstResponseSeconds csat nps } } }`;
const EXPERIENCE = `query Experience($range: MetricsRange!) { experienceMetrics(range: $range) {
  activeCustomers newCustomers churnRate retentionRate conversionRate averageLifetimeValue { amount currency } averageOrderValue { amount currency }
  reviewCount averageReviewRating nps csat } }`;

export async function benchmarkMetrics(server: BenchServer, iterations: number, warmup: number, cleanup: Cleanup): Promise<Finding[]> {
  console.log(`\n## metrics: ${EVENTS.toLocaleString('en-US')} events, ${CUSTOMERS.toLocaleString('en-US')} customers`);
  const database = await server.createDatabase();
  cleanup.add('drop the metrics benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 10 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', GRAPHIQL: 'false' });

  const end = Date.now() - 3_600_000;
  const loadStarted = performance.now();
  const random = new Random(20261201);
  const customers: string[] = [];
  for (let i = 0; i < CUSTOMERS; i += BATCH) customers.push(...(await insertCustomers(db, Array.from({ length: Math.min(BATCH, CUSTOMERS - i) }, (_, j) => `Customer ${i + j + 1}`))));
  const plan: PlannedEvent[] = Array.from({ length: EVENTS }, () => ({ customerKey: customers[random.int(0, customers.length - 1)], occurredAt: end - Math.floor(random.next() * SPAN_MS) }));
  plan.sort((a, b) => a.occurredAt - b.occurredAt);
  for (let first = 0; first < plan.length; first += BATCH) await insertEvents(db, plan.slice(first, first + BATCH), first, random);
  const loaded = performance.now();
  const cases = await placeDemoCases(db.manager, config.CASE_REOPEN_WINDOW, end);
  const placed = performance.now();
  const sql: Sql = { query: (text, params) => db.query(text, params) };
  await rebuildEventRollup(sql);
  await rebuildCustomerOrders(sql);
  await rebuildCustomerActivity(sql);
  await db.query('VACUUM ANALYZE');
  console.log(
    `data        loaded in ${seconds(loaded - loadStarted)}; ${cases.toLocaleString('en-US')} cases placed by the case rules in ${seconds(placed - loaded)}; ` +
      `daily figures summed and VACUUM ANALYZE in ${seconds(performance.now() - placed)}`,
  );

  // This build and the baseline commit, each in a server process of its own on this database,
  // asked in turn; the recording cost below goes to an in-process server.
  const agentKey = await createBenchKey(db, Role.AGENT, 'benchmark metrics agent');
  const baselineFolder = await buildBaseline(BASELINE_COMMIT, cleanup);
  const baselineUrl = baselineFolder ? await databaseForBaseline(server, database, db, baselineFolder, cleanup) : null;
  const served = await startServer(db, config, cleanup);
  const contenders = [{ name: 'this build', server: await startServerProcess(THIS_CHECKOUT, database.url, cleanup) }];
  if (baselineFolder && baselineUrl) contenders.push({ name: `baseline ${BASELINE_COMMIT.slice(0, 7)}`, server: await startServerProcess(baselineFolder, baselineUrl, cleanup) });
  await Promise.all(contenders.map(({ server }) => untilServing(server)));
  const ask = (url: string, query: string, range: Record<string, unknown>) => async () => {
    const response = await fetch(url, { method: 'POST', headers: headersFor({ url, secret: agentKey }), body: JSON.stringify({ query, variables: { range } }) });
    const body = (await response.json()) as { errors?: unknown };
    if (!response.ok || body.errors) throw new Error(`metrics failed: ${JSON.stringify(body)}`);
  };
  const day = 86_400_000;
  const quarter = { since: new Date(end - 90 * day).toISOString(), until: new Date(end).toISOString(), interval: 'WEEK' };
  const year = { since: new Date(end - 365 * day).toISOString(), until: new Date(end).toISOString() };
  console.log(`timing      ${iterations} runs per query and server, all taken in turn, after ${warmup} untimed rounds; GraphQL over HTTP on 127.0.0.1 with an AGENT key`);
  await resetStatementProfile(database.url);
  const samples = await timeInterleaved(
    new Map(
      contenders.flatMap(({ name, server }) => [
        [`${name}: service`, ask(server.url, SERVICE, quarter)],
        [`${name}: experience`, ask(server.url, EXPERIENCE, year)],
      ]),
    ),
    iterations,
    warmup,
  );
  await printStatementProfile(database.url, 'the metrics queries of every contender');
  const figures = (key: string) => {
    const summary = summarise(samples.get(key)!);
    return `${milliseconds(summary.median)} / ${milliseconds(summary.p99)} ms`;
  };

  const rollup = await rollupCost(db, served, customers, random);
  const rows: Finding[] = [
    ...contenders.flatMap(({ name }): Finding[] => [
      [`serviceMetrics, 90 days by week, ${name}: p50 / p99`, name === 'this build' ? 'p50 <= 150 ms' : '', figures(`${name}: service`)],
      [`experienceMetrics, a year, ${name}: p50 / p99`, name === 'this build' ? 'p50 <= 150 ms' : '', figures(`${name}: experience`)],
    ]),
    ['recordEvents(1000) over HTTP: p50', '', `${milliseconds(rollup.record)} ms`],
    ['of which keeping the daily figures and customer activity current: p50', 'a small share', `${milliseconds(rollup.rollup)} ms (${((rollup.rollup / rollup.record) * 100).toFixed(1)} %)`],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], rows)}`);
  return rows;
}

/** recordEvents(1000) end to end, and the read models' statement (daily figures, customer activity) alone on 1000 stored events (in a transaction rolled back). */
async function rollupCost(db: import('typeorm').DataSource, served: RunningServer, customers: string[], random: Random) {
  // Integrations record events; agents do not (EVENTS_WRITE).
  const integration: RunningServer = { url: served.url, secret: await createBenchKey(db, Role.INTEGRATION, 'benchmark integration') };
  const recordTimes: number[] = [];
  const ids: string[][] = [];
  for (let run = 0; run < RECORD_RUNS; run++) {
    const events = Array.from({ length: 1000 }, (_, i) => {
      const sample = sampleEvent(random, 10_000_000 + run * 1000 + i);
      const field = { CALL: 'call', EMAIL: 'email', SOCIAL_MESSAGE: 'socialMessage', PURCHASE: 'purchase', SURVEY_RESPONSE: 'surveyResponse', REVIEW: 'review' }[sample.kind];
      const details = Object.fromEntries(Object.entries(sample.details).filter(([, value]) => value !== null));
      return {
        [field]: {
          customerId: toGlobalId('Customer', customers[random.int(0, customers.length - 1)]),
          occurredAt: new Date(Date.now() - random.int(0, 30) * 86_400_000).toISOString(),
          direction: sample.direction,
          source: sample.source,
          externalId: `bench-record-${run}-${i}`,
          agentId: sample.agentId,
          channel: sample.channel,
          ...details,
        },
      };
    });
    const started = performance.now();
    const response = await fetch(integration.url, {
      method: 'POST',
      headers: headersFor(integration),
      body: JSON.stringify({ query: `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { id } userErrors { code field } } } }`, variables: { input: { events } } }),
    });
    const body = (await response.json()) as { data?: { recordEvents: { results: { created: boolean; event: { id: string } | null; userErrors: unknown[] }[] } }; errors?: unknown };
    recordTimes.push(performance.now() - started);
    const results = body.data?.recordEvents.results ?? [];
    if (body.errors || results.some((r) => !r.created)) throw new Error(`recordEvents failed: ${JSON.stringify(body.errors ?? results.find((r) => !r.created))}`);
    ids.push(results.map((r) => Buffer.from(r.event!.id, 'base64url').toString().split(':')[1]));
  }
  const database = Database.over(db, { statementDeadlineMs: 60_000, transactionRetries: 0 }, new DatabaseHealth(createLogger('silent')));
  const rollupTimes: number[] = [];
  for (const batch of ids) {
    await database
      .transaction(async (sql) => {
        const recorded = await sql.query<RecordedEvent>(
          `SELECT id::text AS "eventKey", customer_id::text AS "customerKey", occurred_at AS "occurredAt" FROM timeline_event WHERE id = ANY($1::bigint[])`,
          [batch],
        );
        const started = performance.now();
        await addRecordedEvents(sql, recorded);
        rollupTimes.push(performance.now() - started);
        throw new Error('roll back');
      })
      .catch(() => undefined);
  }
  return { record: summarise(recordTimes).median, rollup: summarise(rollupTimes).median };
}
