import { spawn } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { BenchServer } from './bench-database';
import { summarise } from './stats';

/**
 * How fast this machine runs right now, by two fixed workloads that cost the same on every build:
 * this VM's speed drifts by 20-50 % within a day, and figures of runs in different hours are only
 * comparable beside it.
 */
export interface MachineSpeed {
  /** Median ms of a fixed JSON encode-and-parse workload on one thread (CPU, allocation, GC), of JSON_ROUNDS. */
  jsonMs: number;
  /** The fastest of those rounds: the same work varies by up to 1.7× from one second to the next here. */
  jsonFastestMs: number;
  /** Median µs of a one-byte round trip over loopback TCP to another process (the kernel's path and a wake-up each way). */
  loopbackUs: number;
  /** Median ms of a fixed statement that keeps one PostgreSQL backend busy (building and aggregating 50,000 JSON values). */
  postgresMs: number;
  /** Median µs of a one-row INSERT committed on its own: a round trip and a WAL flush to disk. */
  commitUs: number;
}

const JSON_ROUNDS = 10;
const JSON_REPEATS = 1_000;
const ROUND_TRIPS = 4_000;

/** The probes, about two seconds in all, in a database of their own; run when nothing else of the benchmark is. */
export async function measureMachineSpeed(server: BenchServer): Promise<MachineSpeed> {
  return { ...jsonWorkloadMs(), loopbackUs: await loopbackRoundTripUs(), ...(await postgresProbe(server)) };
}

export function describeMachineSpeed({ jsonMs, jsonFastestMs, loopbackUs, postgresMs, commitUs }: MachineSpeed): string {
  return (
    `fixed JSON workload ${jsonMs.toFixed(0)} ms (fastest round ${jsonFastestMs.toFixed(0)}), loopback round trip to another process ${loopbackUs.toFixed(0)} µs, ` +
    `PostgreSQL: fixed statement ${postgresMs.toFixed(0)} ms, one-row commit ${commitUs.toFixed(0)} µs; lower is faster`
  );
}

const STATEMENT_RUNS = 7;
const COMMITS = 300;

async function postgresProbe(server: BenchServer): Promise<Pick<MachineSpeed, 'postgresMs' | 'commitUs'>> {
  const database = await server.createDatabase();
  const client = new Client({ connectionString: database.url });
  try {
    await client.connect();
    const timed = async (text: string) => {
      const started = performance.now();
      await client.query(text);
      return performance.now() - started;
    };
    const statement: number[] = [];
    for (let i = 0; i < STATEMENT_RUNS; i++) {
      statement.push(await timed(`SELECT count(DISTINCT j ->> 'k') FROM (SELECT jsonb_build_object('k', i % 1000, 'v', md5(i::text)) AS j FROM generate_series(1, 50000) AS i) s`));
    }
    await client.query('CREATE TABLE machine_probe (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
    const commits: number[] = [];
    for (let i = 0; i < COMMITS; i++) commits.push((await timed(`INSERT INTO machine_probe (id) VALUES (${i})`)) * 1000);
    return { postgresMs: summarise(statement.slice(1)).median, commitUs: summarise(commits.slice(COMMITS / 10)).median };
  } finally {
    await client.end().catch(() => undefined);
    await database.release();
  }
}

/** An agent card's worth of JSON (50 events), encoded and parsed JSON_REPEATS times, JSON_ROUNDS times. */
function jsonWorkloadMs(): Pick<MachineSpeed, 'jsonMs' | 'jsonFastestMs'> {
  const card = {
    customer: { id: 'Q3VzdG9tZXI6MQ==', displayName: 'Maya Runs', identifiers: [{ kind: 'EMAIL', value: 'maya@example.com' }] },
    timeline: Array.from({ length: 50 }, (_, i) => ({
      id: `VGltZWxpbmVFdmVudDo${i}`,
      kind: ['CALL', 'EMAIL', 'ORDER', 'SURVEY'][i % 4],
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      summary: `Event ${i} of the card, with a sentence of text`,
      details: { durationSeconds: i * 7, amount: { amount: '12.50', currency: 'EUR' }, tags: ['a', 'b'] },
    })),
  };
  const times: number[] = [];
  for (let round = 0; round < JSON_ROUNDS; round++) {
    const started = performance.now();
    let length = 0;
    for (let i = 0; i < JSON_REPEATS; i++) length += (JSON.parse(JSON.stringify(card)) as { timeline: unknown[] }).timeline.length;
    times.push(performance.now() - started);
    if (length !== 50 * JSON_REPEATS) throw new Error('the JSON workload lost events');
  }
  return { jsonMs: summarise(times).median, jsonFastestMs: Math.min(...times) };
}

/** ROUND_TRIPS one-byte round trips to an echo in a child process, one at a time; the median. */
async function loopbackRoundTripUs(): Promise<number> {
  const echo = spawn(process.execPath, ['-e', `require('net').createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      echo.stdout!.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
      echo.once('error', reject);
      echo.once('exit', (code) => reject(new Error(`the echo process exited with ${code}`)));
    });
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const times: number[] = [];
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      const send = () => {
        sent = performance.now();
        socket.write('x');
      };
      socket.on('data', () => {
        times.push((performance.now() - sent) * 1000);
        if (times.length === ROUND_TRIPS) resolve();
        else send();
      });
      socket.once('error', reject);
      send();
    });
    socket.destroy();
    // The first tenth warms up (JIT, the echo's first reads).
    return summarise(times.slice(ROUND_TRIPS / 10)).median;
  } finally {
    echo.kill();
  }
}

