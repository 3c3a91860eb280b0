import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/core/config';
import { createDataSource } from '../src/db/data-source';
import { Database } from '../src/db/database';
import { createLogger } from '../src/core/logger';
import { migrate } from '../src/db/migrate';
import { CaseAssignment } from '../src/cases/case-assignment';
import { SuppressionList } from '../src/customers/suppression-list';
import { EventRecorder } from '../src/ingest/event-recorder.service';
import type { EventInput } from '../src/ingest/record-event.types';
import { toGlobalId } from '../src/relay/global-id';
import { createBenchKey, Role } from './bench-credentials';
import { startBenchServer } from './bench-database';
import { Cleanup } from './cleanup';
import { formatTable } from './stats';
import type { WorkerInput, WorkerMessage } from './subscriber-worker';

/**
 * Subscriptions under load: N subscribers spread over two real server processes
 * (`node dist/src/server/main.js`) sharing one database, while events are recorded at a fixed rate.
 *
 * - Most subscribers follow one customer each, as agent consoles do; BENCH_FIREHOSE of them follow
 *   every customer, as internal tools do. Events go to the followed customers in turn.
 * - Events are recorded by the real EventRecorder (the code recordEvents runs: one transaction,
 *   stream positions under the lock, NOTIFY) in this process, one event per transaction, so the
 *   moment its COMMIT returns is known here. Latency is from that moment to the moment a
 *   subscriber's socket hands the event over, on one monotonic clock.
 * - Delivered and missed are counted against what each subscriber should get: every event of its
 *   customer (firehose: every event) recorded during the run.
 *
 * `npm run bench:subscriptions`. BENCH_SUBSCRIBERS (1000), BENCH_RATE events/s (500),
 * BENCH_SECONDS (30), BENCH_FIREHOSE (10), BENCH_BATCH events per transaction (1),
 * BENCH_DATABASE_URL (else an embedded PostgreSQL).
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
/** Writer ticks per second; each tick records RATE/TICKS events. */
const TICKS = 100;
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
  const subscribers: WorkerInput['subscribers'] = Array.from({ length: SUBSCRIBERS }, (_, i) => ({
    url: servers[i % PROCESSES].url.replace(/^http/, 'ws'),
    customerId: i < FIREHOSE ? null : customerIds[(i - FIREHOSE) % customerCount],
    secret: i < FIREHOSE ? firehoseKeys[Math.floor(i / CONSOLES_PER_KEY)] : agentKeys[Math.floor((i - FIREHOSE) / CONSOLES_PER_KEY)],
  }));
  const received: [number, string, bigint][] = [];
  const ended: { subscriber: number; reason: string }[] = [];
  const memoryUnsubscribed = servers.map((s) => rssOf(s.child.pid!));
  const worker = new Worker(path.join(__dirname, 'subscriber-worker.js'), { workerData: { subscribers, connectConcurrency: 50, listenUrl: database.url } satisfies WorkerInput });
  let onConnected: () => void = () => undefined;
  let onStopped: () => void = () => undefined;
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'deliveries') for (const [subscriber, id, at] of message.deliveries) received.push([subscriber, id, BigInt(at)]);
    else if (message.type === 'ended') ended.push({ subscriber: message.subscriber, reason: message.reason });
    else if (message.type === 'connected') onConnected();
    else if (message.type === 'stopped') onStopped();
  });
  worker.on('error', (error) => console.error('subscriber worker failed:', error));
  cleanup.add('stop the subscribers', async () => {
    await Promise.race([new Promise<void>((resolve) => ((onStopped = resolve), worker.postMessage({ type: 'stop' }))), sleep(5000)]);
    await worker.terminate();
  });
  const connectStarted = performance.now();
  await new Promise<void>((resolve) => (onConnected = resolve));
  if (ended.length) throw new Error(`subscribers ended while connecting: ${JSON.stringify(ended.slice(0, 3))}`);

  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const serviceDatabase = Database.configured(db, config, createLogger('silent'));
  const recorder = new EventRecorder(serviceDatabase, config.DEFAULT_PHONE_REGION, new SuppressionList(undefined), new CaseAssignment(config.CASE_REOPEN_WINDOW), { operationTimeoutMs: config.OPERATION_TIMEOUT_MS });
  // Warm-up and proof of life: one event per customer, which every subscriber must receive
  // before the timed run starts (then each subscription is registered on its server).
  let sequence = 0;
  const warmup = [];
  for (let first = 0; first < customerIds.length; first += 1000) {
    warmup.push(...(await recorder.recordEvents(customerIds.slice(first, first + 1000).map((customerId) => ({ call: callInput(customerId, sequence++) }) as EventInput))));
  }
  const warmupIds = new Set(warmup.map((r) => r.event!.id));
  // Each follower gets its customer's warm-up event, each firehose subscriber all of them.
  const warmupExpected = FIREHOSE * warmupIds.size + followers;
  const everyoneLive = () => {
    const seen = new Set(received.filter(([subscriber, id]) => subscriber >= 0 && warmupIds.has(id)).map(([subscriber, id]) => `${subscriber}:${id}`));
    return seen.size >= warmupExpected;
  };
  for (let waited = 0; !everyoneLive(); waited += 100) {
    if (waited > 60_000) throw new Error('not every subscriber received the warm-up event');
    await sleep(100);
  }
  console.log(`subscribers ${SUBSCRIBERS} (${FIREHOSE} following every customer, ${followers} following one customer each), ${SUBSCRIBERS / PROCESSES} per process, connected and live in ${seconds(performance.now() - connectStarted)}`);
  received.length = 0;
  const memoryBefore = servers.map((s) => rssOf(s.child.pid!));
  const backendPids: number[] = (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((r: { pid: number }) => r.pid);
  const cpuBefore = { servers: servers.map((s) => cpuSecondsOf(s.child.pid!)), postgres: sum(backendPids.map(cpuSecondsOf)), bench: process.cpuUsage() };

  // The timed run: RATE events per second, each in its own transaction, for SECONDS.
  console.log(
    `load        ${RATE} events/s for ${SECONDS} s, ${BATCH === 1 ? 'one event' : `${BATCH} events`} per recording transaction, round-robin over the followed customers`,
  );
  const committed = new Map<string, { at: bigint; customer: number }>();
  const peakMemory = [0, 0];
  const memorySampler = setInterval(() => servers.forEach((s, i) => (peakMemory[i] = Math.max(peakMemory[i], rssOf(s.child.pid!)))), 250);
  let inFlight = 0;
  let maxInFlight = 0;
  let failures = 0;
  const total = RATE * SECONDS;
  const runStarted = performance.now();
  let issued = 0;
  const record = async (first: number, count: number) => {
    const customers = Array.from({ length: count }, (_, i) => (first + i) % customerCount);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const results = await recorder.recordEvents(customers.map((customer) => ({ call: callInput(customerIds[customer], sequence++) }) as EventInput));
      // COMMIT has returned: this is the commit time of every event of the batch.
      const at = process.hrtime.bigint();
      results.forEach((result, i) => {
        if (!result.event) throw new Error(JSON.stringify(result.userErrors));
        committed.set(result.event.id, { at, customer: customers[i] });
      });
    } catch (error) {
      failures++;
      if (failures <= 3) console.error('recording failed:', error);
    } finally {
      inFlight--;
    }
  };
  const writes: Promise<void>[] = [];
  while (issued < total) {
    // Catch up to the schedule: event k is due at k / RATE seconds after the start.
    const due = Math.min(total, Math.floor(((performance.now() - runStarted) / 1000) * RATE) + 1);
    while (issued < due && inFlight < MAX_IN_FLIGHT) {
      const count = Math.min(BATCH, total - issued);
      writes.push(record(issued, count));
      issued += count;
    }
    await sleep(1000 / TICKS);
  }
  await Promise.all(writes);
  const writeSeconds = (performance.now() - runStarted) / 1000;
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  const cpu = {
    servers: servers.map((s, i) => cpuSecondsOf(s.child.pid!) - cpuBefore.servers[i]),
    postgres: sum(backendPids.map(cpuSecondsOf)) - cpuBefore.postgres,
    bench: (benchCpu.user + benchCpu.system) / 1e6,
  };
  await sleep(DRAIN_MS);
  clearInterval(memorySampler);
  const memoryAfter = servers.map((s) => rssOf(s.child.pid!));

  // Count: each subscriber should have every committed event of its customer (firehose: all).
  const perCustomer = new Map<number, string[]>();
  for (const [id, { customer }] of committed) {
    const list = perCustomer.get(customer);
    if (list) list.push(id);
    else perCustomer.set(customer, [id]);
  }
  let expected = 0;
  for (let s = 0; s < SUBSCRIBERS; s++) expected += s < FIREHOSE ? committed.size : (perCustomer.get((s - FIREHOSE) % customerCount)?.length ?? 0);
  const seen = new Set<string>();
  const latencies: number[] = [];
  const latencyOf = { firehose: [] as number[], followers: [] as number[] };
  let duplicates = 0;
  let unexpected = 0;
  const notifyLatencies: number[] = [];
  for (const [subscriber, id, at] of received) {
    if (subscriber === -1) {
      const commit = committed.get(toGlobalId('TimelineEvent', id));
      if (commit) notifyLatencies.push(Number(at - commit.at) / 1e6);
      continue;
    }
    const commit = committed.get(id);
    if (!commit || (subscriber >= FIREHOSE && (subscriber - FIREHOSE) % customerCount !== commit.customer)) {
      unexpected++;
      continue;
    }
    const key = `${subscriber}:${id}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    const latency = Number(at - commit.at) / 1e6;
    latencies.push(latency);
    (subscriber < FIREHOSE ? latencyOf.firehose : latencyOf.followers).push(latency);
  }
  latencies.sort((x, y) => x - y);
  latencyOf.firehose.sort((x, y) => x - y);
  latencyOf.followers.sort((x, y) => x - y);
  notifyLatencies.sort((x, y) => x - y);
  const percentile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  const p50p99 = (sorted: number[]) => `${percentile(sorted, 0.5).toFixed(1)} / ${percentile(sorted, 0.99).toFixed(1)}`;
  const delivered = seen.size;
  const pct = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] : NaN);

  console.log(`\nrecorded    ${committed.size} events in ${writeSeconds.toFixed(1)} s (${(committed.size / writeSeconds).toFixed(0)}/s achieved), ${failures} failed, at most ${maxInFlight} in flight`);
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
        ...servers.map((s, i) => [`server ${i + 1} RSS MiB (no subscribers / live / peak / end)`, `${mib(memoryUnsubscribed[i])} / ${mib(memoryBefore[i])} / ${mib(peakMemory[i])} / ${mib(memoryAfter[i])}`]),
        ...servers.map((s, i) => [`server ${i + 1} memory per idle subscriber, KiB`, ((memoryBefore[i] - memoryUnsubscribed[i]) / 1024 / (SUBSCRIBERS / PROCESSES)).toFixed(1)]),
        ...servers.map((s, i) => [`server ${i + 1} CPU (cores busy)`, (cpu.servers[i] / writeSeconds).toFixed(2)]),
        ['PostgreSQL backends CPU (cores busy)', (cpu.postgres / writeSeconds).toFixed(2)],
        [`bench: writer + ${SUBSCRIBERS} clients CPU (cores busy)`, (cpu.bench / writeSeconds).toFixed(2)],
      ],
    ),
  );
  if (ended.length) console.log(`ended early: ${JSON.stringify(ended.slice(0, 5))}`);
  console.log(`\nfinished in ${seconds(performance.now() - started)}`);
}

function callInput(customerId: string, n: number) {
  return {
    customerId,
    occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000),
    direction: 'INBOUND',
    outcome: 'ANSWERED',
    durationSeconds: 60 + (n % 600),
    fromNumber: '+14155550100',
    source: 'bench',
    externalId: `bench-${n}`,
  };
}

interface ServerProcess {
  child: ChildProcess;
  url: string;
}

/** `node dist/src/server/main.js` on a free loopback port, against the benchmark database. */
async function startServerProcess(databaseUrl: string, cleanup: Cleanup): Promise<ServerProcess> {
  const root = path.join(__dirname, '..', '..');
  const port = await freePort();
  // BENCH_SERVER_CPU_PROFILE=<folder> writes a V8 CPU profile of each server process there.
  const profile = process.env.BENCH_SERVER_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(root, 'dist', 'src', 'server', 'main.js')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', GRAPHIQL: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
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
  return { child, url };
}

/** CPU time a process has used, user and system, in seconds (Linux /proc). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Resident set size of a process in bytes (Linux /proc). */
function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
