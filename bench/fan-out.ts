import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Cleanup } from './cleanup';
import type { Finding } from './stats';

/**
 * The fan-out goal as one section of `npm run bench`: ./subscriptions.ts (the same run as
 * `npm run bench:subscriptions`) with the goal's load: 10,000 subscribers on one server process,
 * 100 of them following every customer, 500 events/s recorded five per transaction, for
 * BENCH_FANOUT_SECONDS (20). It runs as a process of its own, on its own database (the server
 * BENCH_DATABASE_URL names, else its own embedded PostgreSQL), and hands its figures back in a file.
 */
export async function benchmarkFanOut(own: Cleanup): Promise<Finding[]> {
  console.log('## fan-out: 10,000 subscribers on one server process, 500 events/s (./subscriptions.ts)\n');
  const findingsFile = path.join(os.tmpdir(), `customer-timeline-fan-out-${process.pid}.json`);
  own.add('remove the fan-out findings', () => rm(findingsFile, { force: true }));
  const env = {
    ...process.env,
    BENCH_SUBSCRIBERS: '10000',
    BENCH_FIREHOSE: '100',
    BENCH_PROCESSES: '1',
    BENCH_BATCH: '5',
    BENCH_RATE: '500',
    BENCH_SECONDS: process.env.BENCH_FANOUT_SECONDS ?? '20',
    BENCH_FINDINGS_FILE: findingsFile,
  };
  const child = spawn(process.execPath, [path.join(__dirname, 'subscriptions.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  own.add('stop the fan-out run', async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`the fan-out run exited with ${code}`);
  return JSON.parse(await readFile(findingsFile, 'utf8')) as Finding[];
}
