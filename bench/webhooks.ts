import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/core/config';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { toGlobalId } from '../src/relay/global-id';
import { createBenchKey, Role } from './bench-credentials';
import type { BenchServer } from './bench-database';
import { headersFor, startServer, type RunningServer } from './bench-server';
import type { Cleanup } from './cleanup';
import { insertCustomers } from './load-timelines';
import { formatTable, milliseconds, seconds, summarise, type Finding } from './stats';

/**
 * Webhooks under load: recordEvents throughput without and with three webhooks (closed loop,
 * four writers, windows of each taken in turn), then 500 events/s offered for 60 s to three webhooks on a local receiver (in a
 * worker thread, so it does not share the server's event loop): latency from the change's
 * transaction to the POST's arrival, p50 and p99, and the outbox's pending deliveries over time
 * until it drains. BENCH_WEBHOOK_RATE, BENCH_WEBHOOK_SECONDS and BENCH_WEBHOOK_THROUGHPUT_SECONDS resize it.
 */
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 60);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_WEBHOOK_THROUGHPUT_SECONDS ?? 5);
const ROUNDS = 3;
const CUSTOMERS = 1000;
const BATCH = 10;
const WRITERS = 4;
const WEBHOOKS = 3;

/** The receiver: answers 200 at once, and keeps for each POST how long after its change's transaction it arrived. */
const RECEIVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const latencies = [];
let posts = 0;
const ids = new Set();
let duplicates = 0;
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const arrived = Date.now();
    posts++;
    const id = req.headers['x-timeline-delivery'];
    if (ids.has(id)) duplicates++; else ids.add(id);
    try { latencies.push(arrived - Date.parse(JSON.parse(body).committedAt)); } catch {}
    res.end('ok');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'report') parentPort.postMessage({ posts, duplicates, latencies: latencies.splice(0) });
});
`;

interface ReceiverReport {
  posts: number;
  duplicates: number;
  latencies: number[];
}

export async function benchmarkWebhooks(server: BenchServer, cleanup: Cleanup): Promise<Finding[]> {
  console.log(`\n## webhooks: ${WEBHOOKS} webhooks on a local receiver`);
  const database = await server.createDatabase();
  cleanup.add('drop the webhooks benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 10 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  // BENCH_WEBHOOK_DISPATCHER=false: no deliveries sent, to measure what writing the outbox alone costs recording.
  const dispatching = process.env.BENCH_WEBHOOK_DISPATCHER !== 'false';
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', GRAPHIQL: 'false', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', CONSOLE: 'false', WEBHOOK_DISPATCHER: String(dispatching) });
  const customers = (await insertCustomers(db, Array.from({ length: CUSTOMERS }, (_, i) => `Webhook Customer ${i + 1}`))).map((key) => toGlobalId('Customer', key));

  const worker = new Worker(RECEIVER, { eval: true });
  cleanup.add('stop the receiver', () => worker.terminate().then(() => undefined));
  const port = await new Promise<number>((resolve) => worker.once('message', (message: { port: number }) => resolve(message.port)));
  const report = () =>
    new Promise<ReceiverReport>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage('report');
    });

  const served = await startServer(db, config, cleanup);
  const integration: RunningServer = { url: served.url, secret: await createBenchKey(db, Role.INTEGRATION, 'benchmark integration') };
  const admin: RunningServer = { url: served.url, secret: await createBenchKey(db, Role.ADMIN, 'benchmark admin') };
  let sequence = 0;
  const recordBatch = async () => {
    const events = Array.from({ length: BATCH }, () => ({
      socialMessage: {
        customerId: customers[Math.floor(Math.random() * customers.length)],
        occurredAt: new Date().toISOString(),
        direction: 'INBOUND',
        platform: 'instagram',
        handle: '@bench',
        text: 'Where is my order?',
        source: 'bench',
        externalId: `webhook-bench-${++sequence}`,
      },
    }));
    const response = await fetch(integration.url, {
      method: 'POST',
      headers: headersFor(integration),
      body: JSON.stringify({ query: `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, variables: { input: { events } } }),
    });
    const body = (await response.json()) as { errors?: unknown; data?: { recordEvents: { results: { created: boolean }[] } } };
    if (body.errors || !body.data?.recordEvents.results.every((r) => r.created)) throw new Error(`recordEvents failed: ${JSON.stringify(body).slice(0, 300)}`);
  };
  const closedLoop = async () => {
    const until = performance.now() + THROUGHPUT_SECONDS * 1000;
    let batches = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (performance.now() < until) {
          await recordBatch();
          batches++;
        }
      }),
    );
    return (batches * BATCH) / THROUGHPUT_SECONDS;
  };
  const pending = async () => Number((await db.query(`SELECT count(*) AS n FROM webhook_delivery WHERE state = 'PENDING'`))[0].n);
  const drain = async (timeoutMs: number) => {
    const started = performance.now();
    while ((await pending()) > 0 && performance.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 100));
    return performance.now() - started;
  };

  // Open loop: a batch every BATCH/RATE seconds, whatever the answers take; each batch timed, the outbox sampled.
  const openLoop = async () => {
    const interval = (BATCH / RATE) * 1000;
    const started = performance.now();
    const samples: string[] = [];
    const sampler = setInterval(() => void pending().then((n) => samples.push(`${Math.round((performance.now() - started) / 1000)}s: ${n}`)), 5000);
    const inFlight: Promise<void>[] = [];
    const batchTimes: number[] = [];
    let late = 0;
    for (let next = started; next < started + SECONDS * 1000; next += interval) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else late++;
      const sent = performance.now();
      inFlight.push(recordBatch().then(() => void batchTimes.push(performance.now() - sent)));
    }
    await Promise.all(inFlight);
    clearInterval(sampler);
    const ended = performance.now();
    return { recording: summarise(batchTimes), samples, late, rate: (batchTimes.length * BATCH) / ((ended - started) / 1000) };
  };

  let webhookIds: string[] = [];
  const setWebhooks = async (on: boolean) => {
    for (const id of on ? Array.from({ length: WEBHOOKS }, (_, i) => String(i)) : webhookIds) {
      const response = await fetch(admin.url, {
        method: 'POST',
        headers: headersFor(admin),
        body: JSON.stringify(
          on
            ? { query: `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } userErrors { message } } }`, variables: { input: { url: `http://127.0.0.1:${port}/hook/${id}`, topics: ['TIMELINE_EVENT_ADDED'] } } }
            : { query: `mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { webhook { id } userErrors { message } } }`, variables: { id } },
        ),
      });
      const body = (await response.json()) as { data?: Record<string, { webhook: { id: string } | null; userErrors: unknown[] }> };
      const answer = body.data && Object.values(body.data)[0];
      if (!answer || answer.userErrors.length || !answer.webhook) throw new Error(`webhook change failed: ${JSON.stringify(body)}`);
      if (on) webhookIds.push(answer.webhook.id);
    }
    if (!on) webhookIds = [];
  };

  // Saturated: windows without and with webhooks taken in turn, so that the tables growing and
  // the machine's other load fall on both alike; the outbox drained before each window.
  await closedLoop();
  const rates = { without: [] as number[], with: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    rates.without.push(await closedLoop());
    await setWebhooks(true);
    rates.with.push(await closedLoop());
    if (dispatching) await drain(300_000);
    await setWebhooks(false);
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const without = mean(rates.without);
  const withWebhooks = mean(rates.with);
  console.log(
    `throughput  recordEvents(${BATCH}) from ${WRITERS} writers, ${ROUNDS} windows of ${THROUGHPUT_SECONDS} s each way: ${Math.round(without)} events/s without webhooks ` +
      `(${rates.without.map(Math.round).join(', ')}), ${Math.round(withWebhooks)} with ${WEBHOOKS} (${rates.with.map(Math.round).join(', ')})${dispatching ? '' : ', writing the outbox only (no dispatcher)'}`,
  );
  const saturated: Finding = ['recording throughput with webhooks ÷ without, saturated', '(>= 90 %)', `${((withWebhooks / without) * 100).toFixed(1)} % (${Math.round(withWebhooks)} / ${Math.round(without)} events/s)`];
  if (!dispatching) return [saturated];
  await report();

  console.log(`load        ${RATE} events/s (recordEvents of ${BATCH}) for ${SECONDS} s without webhooks, then the same to ${WEBHOOKS} webhooks on TIMELINE_EVENT_ADDED`);
  const quiet = await openLoop();
  await setWebhooks(true);
  const loud = await openLoop();
  const drained = await drain(600_000);

  const received = await report();
  const latency = summarise(received.latencies);
  const expectedPosts = received.latencies.length;
  console.log(`outbox      pending deliveries every 5 s: ${loud.samples.join(', ')}; drained ${seconds(drained)} after the load ended`);
  console.log(`received    ${received.posts.toLocaleString('en-US')} POSTs, ${received.duplicates} repeated; ${quiet.late} and ${loud.late} batches started late`);

  const rows: Finding[] = [
    ['commit → POST arrival (from the transaction time): p50 / p99', '', `${milliseconds(latency.median)} / ${milliseconds(latency.p99)} ms (${expectedPosts.toLocaleString('en-US')} POSTs)`],
    [`recording at ${RATE} events/s offered, with webhooks ÷ without`, '>= 90 %', `${((loud.rate / quiet.rate) * 100).toFixed(1)} % (${Math.round(loud.rate)} / ${Math.round(quiet.rate)} events/s)`],
    saturated,
    [`recordEvents(${BATCH}) at ${RATE} events/s: p50 / p99 without webhooks`, '', `${milliseconds(quiet.recording.median)} / ${milliseconds(quiet.recording.p99)} ms`],
    [`recordEvents(${BATCH}) at ${RATE} events/s: p50 / p99 with ${WEBHOOKS} webhooks`, '', `${milliseconds(loud.recording.median)} / ${milliseconds(loud.recording.p99)} ms`],
    ['outbox after the load', 'drains', `empty ${seconds(drained)} after the load ended`],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], rows)}`);
  return rows;
}

