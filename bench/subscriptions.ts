import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { toGlobalId } from '../src/relay/global-id';
import { createBenchKey, Role } from './bench-credentials';
import { freePort, startBenchServer } from './bench-database';
import { Cleanup } from './cleanup';
import { cpuSecondsOf, rssOf, sum } from './process-stats';
import { formatTable, type Finding } from './stats';
import { printStatementProfile, resetStatementProfile } from './statement-profile';
import type { WriterInput, WriterMessage } from './event-writer-worker';
import type { Subscriber, WorkerCommand, WorkerInput, WorkerMessage } from './subscriber-worker';

/**
 * Subscriptions under load: N subscribers spread over real server processes
 * (`node dist/src/server/main.js`, two by default) sharing one database, while events are
 * recorded at a fixed rate.
 *
 * - Most subscribers follow one customer each, as agent consoles do; BENCH_FIREHOSE of them follow
 *   every customer, as internal tools do. Events go to the followed customers in turn.
 * - Events are recorded by the real EventRecorder (the code recordEvents runs: one transaction,
 *   stream positions, NOTIFY) in a writer thread, BENCH_BATCH events per transaction, which notes
 *   the moment each COMMIT returns. Subscribers are raw graphql-transport-ws sockets in
 *   BENCH_CLIENT_THREADS threads. Latency is from COMMIT to the moment a subscriber's socket hands
 *   the event over, on one monotonic clock shared by the threads.
 * - Delivered and missed are counted against what each subscriber should get: every event of its
 *   customer (firehose: every event) recorded during the run.
 * - The servers run with `--trace-gc`: each full collection during the run is listed, and the
 *   latencies of events committed away from them are given beside the whole run's.
 *
 * `npm run bench:subscriptions`. BENCH_SUBSCRIBERS (1000), BENCH_RATE events/s (500),
 * BENCH_SECONDS (30), BENCH_FIREHOSE (10), BENCH_BATCH events per transaction (1),
 * BENCH_PROCESSES (2), BENCH_CLIENT_THREADS (2), BENCH_DATABASE_URL (else an embedded PostgreSQL),
 * BENCH_SQL_TOP (the statements that took PostgreSQL most time during the run), BENCH_FINDINGS_FILE
 * (where `npm run bench`'s fan-out section, ./fan-out.ts, has the figures written as JSON).
 * Everything listens on 127.0.0.1 only.
 */

const SUBSCRIBERS = intFromEnv('BENCH_SUBSCRIBERS', 1000);
/** Server processes the subscribers are spread over. */
const PROCESSES = Math.max(1, intFromEnv('BENCH_PROCESSES', 2));
const RATE = intFromEnv('BENCH_RATE', 500);
const SECONDS = intFromEnv('BENCH_SECONDS', 30);
const FIREHOSE = intFromEnv('BENCH_FIREHOSE', 10);
/** Events per recording transaction (a recordEvents call); 1 is the hardest case. */
const BATCH = Math.max(1, intFromEnv('BENCH_BATCH', 1));
/** Time after the last event for deliveries to arrive before counting misses. */
const DRAIN_MS = 5000;
/** Threads the subscribers' sockets are spread over. */
const CLIENT_THREADS = Math.max(1, intFromEnv('BENCH_CLIENT_THREADS', 2));
const MAX_IN_FLIGHT = 200;
/** Consoles sharing one AGENT key: 10 sockets on each process, half the per-credential bound. */
const CONSOLES_PER_KEY = 10 * PROCESSES;

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void Promise.race([cleanup.run(), new Promise((resolve) => setTimeout(resolve, 10_000))]).finally(() => process.exit(130));
    });
  }
  try {
    await benchmark(cleanup);
  } finally {
    await cleanup.run();
  }
}

async function benchmark(cleanup: Cleanup): Promise<void> {
  const started = performance.now();
  console.log(`Customer Timeline benchmark: subscriptions over ${PROCESSES} server process${PROCESSES === 1 ? '' : 'es'}\n`);
  const pg = await startBenchServer();
  cleanup.add('stop PostgreSQL', () => pg.stop());
  const database = await pg.createDatabase();
  cleanup.add('drop the benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 20, applicationName: 'bench-writer' });
  await db.initialize();
  cleanup.add('close the writer pool', () => db.destroy());
  await migrate(db);
  console.log(`database    ${pg.description}`);
  console.log(`machine     ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

  // Customers: one per single-customer subscriber.
  const followers = SUBSCRIBERS - FIREHOSE;
  const customerCount = Math.max(1, followers);
  const [{ ids }] = await db.query(
    `WITH made AS (INSERT INTO customer (display_name) SELECT 'Bench customer ' || n FROM generate_series(1, $1) AS n RETURNING id) SELECT array_agg(id ORDER BY id) AS ids FROM made`,
    [customerCount],
  );
  const customerKeys: string[] = ids;
  const customerIds = customerKeys.map((key) => toGlobalId('Customer', key));

  const servers = await Promise.all(Array.from({ length: PROCESSES }, () => startServerProcess(database.url, cleanup)));
  console.log(`servers     ${PROCESSES} process${PROCESSES === 1 ? '' : 'es'} (node dist/src/server/main.js), pids ${servers.map((s) => s.child.pid).join(', ')}, on 127.0.0.1`);

  // Credentials as deployments have them: an ADMIN key for the firehose tools (following every
  // customer needs ADMIN), and an AGENT key for each group of consoles, as many sockets per key
  // per process as WS_MAX_CONNECTIONS_PER_CREDENTIAL allows.
  const firehoseKeys: string[] = [];
  for (let i = 0; i < Math.ceil(FIREHOSE / CONSOLES_PER_KEY); i++) firehoseKeys.push(await createBenchKey(db, Role.ADMIN, `bench firehose ${i}`));
  const agentKeys: string[] = [];
  for (let i = 0; i < Math.ceil(followers / CONSOLES_PER_KEY); i++) agentKeys.push(await createBenchKey(db, Role.AGENT, `bench consoles ${i}`));
  // Subscribers alternate between the two processes.
  const subscribers: Subscriber[] = Array.from({ length: SUBSCRIBERS }, (_, index) => ({
    index,
    url: servers[index % PROCESSES].url.replace(/^http/, 'ws'),
    customerId: index < FIREHOSE ? null : customerIds[(index - FIREHOSE) % customerCount],
    secret: index < FIREHOSE ? firehoseKeys[Math.floor(index / CONSOLES_PER_KEY)] : agentKeys[Math.floor((index - FIREHOSE) / CONSOLES_PER_KEY)],
  }));
  // Deliveries in columns (a million of them at full load): subscriber, event (interned), receive time.
  const eventNumbers = new Map<string, number>();
  const numberOf = (eventId: string) => {
    let n = eventNumbers.get(eventId);
    if (n === undefined) eventNumbers.set(eventId, (n = eventNumbers.size));
    return n;
  };
  const received = { subscribers: [] as number[], events: [] as number[], atMs: [] as number[] };
  let onDelivered: (subscriber: number, event: number) => void = () => undefined;
  const ended: { subscriber: number; reason: string }[] = [];
  const memoryUnsubscribed = servers.map((s) => rssOf(s.child.pid!));
  const threads = Array.from({ length: Math.min(CLIENT_THREADS, SUBSCRIBERS) }, (_, t) => {
    const input: WorkerInput = { connectConcurrency: 50, listenUrl: t === 0 ? database.url : null };
    const worker = new Worker(path.join(__dirname, 'subscriber-worker.js'), { workerData: input });
    const thread = { worker, onConnected: () => undefined as void, onStopped: () => undefined as void };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'deliveries') {
        for (let i = 0; i < message.subscribers.length; i++) {
          const subscriber = message.subscribers[i];
          const event = numberOf(subscriber === -1 ? toGlobalId('TimelineEvent', message.eventIds[i]) : message.eventIds[i]);
          received.subscribers.push(subscriber);
          received.events.push(event);
          received.atMs.push(message.receivedMs[i]);
          if (subscriber >= 0) onDelivered(subscriber, event);
        }
      } else if (message.type === 'ended') ended.push({ subscriber: message.subscriber, reason: message.reason });
      else if (message.type === 'connected') thread.onConnected();
      else if (message.type === 'stopped') thread.onStopped();
    });
    worker.on('error', (error) => console.error('subscriber thread failed:', error));
    cleanup.add('stop the subscribers', async () => {
      await Promise.race([new Promise<void>((resolve) => ((thread.onStopped = resolve), worker.postMessage({ type: 'stop' } satisfies WorkerCommand))), sleep(5000)]);
      await worker.terminate();
    });
    return thread;
  });
  /** Connects these subscribers, spread over the threads; then every one must receive one of `events` (recorded next) before the run goes on. */
  const connectAndProve = async (group: Subscriber[], events: () => Promise<string[]>) => {
    await Promise.all(
      threads.map(
        (thread, t) =>
          new Promise<void>((resolve) => {
            thread.onConnected = resolve;
            thread.worker.postMessage({ type: 'connect', subscribers: group.filter((s) => s.index % threads.length === t) } satisfies WorkerCommand);
          }),
      ),
    );
    if (ended.length) throw new Error(`subscribers ended while connecting: ${JSON.stringify(ended.slice(0, 3))}`);
    const proving = new Set(group.map((s) => s.index));
    const proof = new Set((await events()).map(numberOf));
    const proven = new Set<number>();
    const check = (subscriber: number, event: number) => {
      if (proving.has(subscriber) && proof.has(event)) proven.add(subscriber);
    };
    for (let i = 0; i < received.subscribers.length; i++) check(received.subscribers[i], received.events[i]);
    onDelivered = check;
    for (let waited = 0; proven.size < proving.size; waited += 100) {
      if (waited > 120_000 || ended.length) throw new Error(`${proving.size - proven.size} subscribers did not receive a proof-of-life event; ended: ${JSON.stringify(ended.slice(0, 3))}`);
      await sleep(100);
    }
    onDelivered = () => undefined;
  };
  const connectStarted = performance.now();
  // Proof of life, so that each subscription is registered on its server before the run: one
  // event per followed customer for its follower, then one event for the firehose subscribers,
  // connected afterwards so that they are not sent every follower's proof.
  await connectAndProve(subscribers.slice(FIREHOSE), async () => (await recordInThread({ databaseUrl: database.url, customerIds, rate: 0, seconds: 0, batch: 1000, maxInFlight: 1 })).eventIds);
  if (FIREHOSE > 0) {
    await connectAndProve(subscribers.slice(0, FIREHOSE), async () => (await recordInThread({ databaseUrl: database.url, customerIds: customerIds.slice(0, 1), rate: 0, seconds: 0, batch: 1, maxInFlight: 1 })).eventIds);
  }
  onDelivered = () => undefined;
  console.log(
    `subscribers ${SUBSCRIBERS} (${FIREHOSE} following every customer, ${followers} following one customer each), ${SUBSCRIBERS / PROCESSES} per process, ` +
      `in ${threads.length} client thread${threads.length === 1 ? '' : 's'}, connected and live in ${seconds(performance.now() - connectStarted)}`,
  );
  received.subscribers.length = received.events.length = received.atMs.length = 0;
  await resetStatementProfile(database.url);
  const memoryBefore = servers.map((s) => rssOf(s.child.pid!));
  const backendCpuBefore = new Map<number, number>(
    (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((r: { pid: number }) => [r.pid, cpuSecondsOf(r.pid)]),
  );
  const cpuBefore = { servers: servers.map((s) => cpuSecondsOf(s.child.pid!)), bench: process.cpuUsage() };

  // The timed run: RATE events per second, BATCH per transaction, for SECONDS.
  console.log(
    `load        ${RATE} events/s for ${SECONDS} s, ${BATCH === 1 ? 'one event' : `${BATCH} events`} per recording transaction, round-robin over the followed customers`,
  );
  const peakMemory = servers.map(() => 0);
  const memorySampler = setInterval(() => servers.forEach((s, i) => (peakMemory[i] = Math.max(peakMemory[i], rssOf(s.child.pid!)))), 250);
  const runStartedMs = nowMs();
  const run = await recordInThread({ databaseUrl: database.url, customerIds, rate: RATE, seconds: SECONDS, batch: BATCH, maxInFlight: MAX_IN_FLIGHT });
  const writeSeconds = run.seconds;
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  // The servers' backends count from the start of the run; the writer thread reads its own
  // before it closes them.
  const backendsNow: number[] = (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((r: { pid: number }) => r.pid);
  const cpu = {
    servers: servers.map((s, i) => cpuSecondsOf(s.child.pid!) - cpuBefore.servers[i]),
    postgres: sum(backendsNow.map((pid) => cpuSecondsOf(pid) - (backendCpuBefore.get(pid) ?? 0))) + run.backendCpuSeconds,
    bench: (benchCpu.user + benchCpu.system) / 1e6,
  };
  await sleep(DRAIN_MS);
  const runEndedMs = nowMs();
  clearInterval(memorySampler);
  await printStatementProfile(database.url, 'the timed run and its drain (BENCH_SQL_TOP)');
  const memoryAfter = servers.map((s) => rssOf(s.child.pid!));
  const kibPerIdleSubscriber = (server: number) => ((memoryBefore[server] - memoryUnsubscribed[server]) / 1024 / (SUBSCRIBERS / PROCESSES)).toFixed(1);

  // Count: each subscriber should have every committed event of its customer (firehose: all).
  const committed = new Map<number, { atMs: number; customer: number }>();
  run.eventIds.forEach((eventId, i) => committed.set(numberOf(eventId), { atMs: run.committedMs[i], customer: run.customers[i] }));
  const perCustomer = new Map<number, number>();
  for (const { customer } of committed.values()) perCustomer.set(customer, (perCustomer.get(customer) ?? 0) + 1);
  let expected = 0;
  for (let s = 0; s < SUBSCRIBERS; s++) expected += s < FIREHOSE ? committed.size : (perCustomer.get((s - FIREHOSE) % customerCount) ?? 0);
  const seen = new Set<number>();
  const latencies: number[] = [];
  const latencyOf = { firehose: [] as number[], followers: [] as number[] };
  let duplicates = 0;
  let unexpected = 0;
  const notifyLatencies: number[] = [];
  // A full collection slows deliveries from its incremental marking (a few hundred ms before its
  // line) until the backlog it left is sent: events committed from 1 s before to 0.5 s after.
  const collections = servers.map((s) => s.majorCollections.filter((c) => c.endedMs >= runStartedMs && c.endedMs <= runEndedMs));
  const nearCollection = (committedMs: number) => collections.some((list) => list.some((c) => committedMs >= c.endedMs - 1000 && committedMs <= c.endedMs + 500));
  const awayFromCollections: number[] = [];
  for (let i = 0; i < received.subscribers.length; i++) {
    const subscriber = received.subscribers[i];
    const commit = committed.get(received.events[i]);
    if (subscriber === -1) {
      if (commit) notifyLatencies.push(received.atMs[i] - commit.atMs);
      continue;
    }
    if (!commit || (subscriber >= FIREHOSE && (subscriber - FIREHOSE) % customerCount !== commit.customer)) {
      unexpected++;
      continue;
    }
    const key = received.events[i] * SUBSCRIBERS + subscriber;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    const latency = received.atMs[i] - commit.atMs;
    latencies.push(latency);
    (subscriber < FIREHOSE ? latencyOf.firehose : latencyOf.followers).push(latency);
    if (!nearCollection(commit.atMs)) awayFromCollections.push(latency);
  }
  awayFromCollections.sort((x, y) => x - y);
  latencies.sort((x, y) => x - y);
  latencyOf.firehose.sort((x, y) => x - y);
  latencyOf.followers.sort((x, y) => x - y);
  notifyLatencies.sort((x, y) => x - y);
  const percentile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  const p50p99 = (sorted: number[]) => `${percentile(sorted, 0.5).toFixed(1)} / ${percentile(sorted, 0.99).toFixed(1)}`;
  const delivered = seen.size;
  const pct = (q: number) => percentile(latencies, q);

  console.log(
    `\nrecorded    ${committed.size} events in ${writeSeconds.toFixed(1)} s (${(committed.size / writeSeconds).toFixed(0)}/s achieved), ${run.failures} failed, at most ${run.maxInFlight} in flight`,
  );
  console.log(
    formatTable(
      ['', 'value'],
      [
        ['deliveries expected', String(expected)],
        ['delivered', String(delivered)],
        ['missed', String(expected - delivered)],
        ['duplicates', String(duplicates)],
        ['unexpected (wrong customer)', String(unexpected)],
        ['subscriptions ended early', String(ended.length)],
        ['deliveries/s', (delivered / writeSeconds).toFixed(0)],
        ['commit→delivery p50 ms', pct(0.5).toFixed(1)],
        ['commit→delivery p90 ms', pct(0.9).toFixed(1)],
        ['commit→delivery p99 ms', pct(0.99).toFixed(1)],
        ['commit→delivery max ms', (latencies.at(-1) ?? NaN).toFixed(1)],
        [`  followers of one customer p50 / p99 ms`, p50p99(latencyOf.followers)],
        [`  followers of everyone p50 / p99 ms`, p50p99(latencyOf.firehose)],
        ['commit→NOTIFY at a bare LISTEN p50 / p99 ms', p50p99(notifyLatencies)],
        ...servers.map((_, i) => [`server ${i + 1} full GCs in the run: ended at (s), event loop ms, heap MB before → after`, describeCollections(collections[i], runStartedMs)]),
        [`commit→delivery p50 / p99 ms away from full GCs (${percentOf(latencies.length - awayFromCollections.length, latencies.length)} of deliveries near one)`, p50p99(awayFromCollections)],
        ...servers.map((s, i) => [`server ${i + 1} RSS MiB (no subscribers / live / peak / end)`, `${mib(memoryUnsubscribed[i])} / ${mib(memoryBefore[i])} / ${mib(peakMemory[i])} / ${mib(memoryAfter[i])}`]),
        ...servers.map((s, i) => [`server ${i + 1} memory per idle subscriber, KiB`, kibPerIdleSubscriber(i)]),
        ...servers.map((s, i) => [`server ${i + 1} CPU (cores busy)`, (cpu.servers[i] / writeSeconds).toFixed(2)]),
        ['PostgreSQL backends CPU (cores busy)', (cpu.postgres / writeSeconds).toFixed(2)],
        [`bench: writer + ${SUBSCRIBERS} clients CPU (cores busy)`, (cpu.bench / writeSeconds).toFixed(2)],
      ],
    ),
  );
  if (ended.length) console.log(`ended early: ${JSON.stringify(ended.slice(0, 5))}`);
  // For `npm run bench`, which runs this as its fan-out section: the figures its goals name.
  if (process.env.BENCH_FINDINGS_FILE) {
    const findings: Finding[] = [
      [
        `${SUBSCRIBERS.toLocaleString('en-US')} subscribers (${FIREHOSE} following everyone) on ${PROCESSES} process${PROCESSES === 1 ? '' : 'es'}, ${RATE} events/s asked, ${(committed.size / writeSeconds).toFixed(0)} recorded: commit→socket p50 / p99`,
        'p50 ≤ 10 ms, p99 ≤ 50 ms',
        `${pct(0.5).toFixed(1)} / ${pct(0.99).toFixed(1)} ms`,
      ],
      ['deliveries missed / duplicated / subscriptions ended early', '0 / 0 / 0', `${expected - delivered} / ${duplicates} / ${ended.length} (of ${expected.toLocaleString('en-US')})`],
      ...servers.map((_, i): Finding => [`memory per idle subscriber${PROCESSES === 1 ? '' : `, server ${i + 1}`}`, 'stated', `${kibPerIdleSubscriber(i)} KiB`]),
      [
        'full garbage collections of the server in the run; p50 / p99 of the deliveries away from them',
        '',
        `${sum(collections.map((list) => list.length))}; ${p50p99(awayFromCollections)} ms (${percentOf(latencies.length - awayFromCollections.length, latencies.length)} of deliveries near one)`,
      ],
      ['CPU cores busy: server / PostgreSQL / writer and clients', '', `${sum(cpu.servers.map((c) => c / writeSeconds)).toFixed(2)} / ${(cpu.postgres / writeSeconds).toFixed(2)} / ${(cpu.bench / writeSeconds).toFixed(2)}`],
    ];
    await writeFile(process.env.BENCH_FINDINGS_FILE, JSON.stringify(findings));
  }
  console.log(`\nfinished in ${seconds(performance.now() - started)}`);
}

function describeCollections(list: readonly MajorCollection[], fromMs: number): string {
  if (list.length === 0) return 'none';
  return list.map((c) => `+${((c.endedMs - fromMs) / 1000).toFixed(1)}: ${c.mainThreadMs.toFixed(0)} ms, ${c.heapBeforeMb.toFixed(0)} → ${c.heapAfterMb.toFixed(0)}`).join('; ');
}

const percentOf = (part: number, whole: number) => `${whole ? ((100 * part) / whole).toFixed(1) : '0'} %`;

/** Runs the writer thread once and answers what it recorded. */
function recordInThread(input: WriterInput): Promise<Extract<WriterMessage, { type: 'recorded' }>> {
  return new Promise((resolve, reject) => {
    const writer = new Worker(path.join(__dirname, 'event-writer-worker.js'), { workerData: input });
    writer.once('message', (message: WriterMessage) => (message.type === 'recorded' ? resolve(message) : reject(new Error(message.reason))));
    writer.once('error', reject);
  });
}

interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The server's full (mark-compact) garbage collections, as `--trace-gc` reports them. */
  majorCollections: MajorCollection[];
}

/** One mark-compact of a server's V8 heap. */
interface MajorCollection {
  /** When its line arrived, at the end of the collection (ms on process.hrtime's clock). */
  endedMs: number;
  /** The final pause and the incremental marking steps before it: time the event loop spent in it. */
  mainThreadMs: number;
  heapBeforeMb: number;
  heapAfterMb: number;
}

/** `--trace-gc`'s line for a mark-compact, e.g. `Mark-Compact 393.2 (410.5) -> 196.1 (214.0) MB, 23.94 / 0.00 ms  (+ 152.5 ms in 550 steps ...`. */
const MARK_COMPACT = /Mark-Compact ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms\s+(?:\(\+ ([\d.]+) ms in \d+ steps)?/;

/** `node dist/src/server/main.js` on a free loopback port, against the benchmark database. */
async function startServerProcess(databaseUrl: string, cleanup: Cleanup): Promise<ServerProcess> {
  const root = path.join(__dirname, '..', '..');
  const port = await freePort();
  // BENCH_SERVER_CPU_PROFILE=<folder> writes a V8 CPU profile of each server process there.
  const profile = process.env.BENCH_SERVER_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROFILE}`] : [];
  // --trace-gc: full collections are told beside the latencies they cause (one line each, on stdout).
  const child = spawn(process.execPath, [...profile, '--trace-gc', path.join(root, 'dist', 'src', 'server', 'main.js')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', GRAPHIQL: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const majorCollections: MajorCollection[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const match = MARK_COMPACT.exec(line);
    if (!match) return;
    const [, before, after, pause, steps] = match;
    majorCollections.push({ endedMs: nowMs(), mainThreadMs: Number(pause) + Number(steps ?? 0), heapBeforeMb: Number(before), heapAfterMb: Number(after) });
  });
  cleanup.add(`stop server process ${child.pid}`, async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`server process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (waited > 60_000) throw new Error('server process did not become ready');
    await sleep(100);
  }
  return { child, url, majorCollections };
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** The clock the writer thread notes its commits on. */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
