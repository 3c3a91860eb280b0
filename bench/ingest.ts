import { performance } from 'node:perf_hooks';
import { getOperationAST, getVariableValues, parse, type OperationDefinitionNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { decodeStreamCursor } from '../src/changefeed/stream-cursor';
import { CUSTOMER_CHANNEL, TIMELINE_CHANNEL } from '../src/changefeed/notifications';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { buildTimelineSchema } from '../src/server/schema';
import { BASELINE_COMMIT, buildBaseline } from './baseline-build';
import { databaseForBaseline } from './baseline-database';
import { createBenchKey, Role } from './bench-credentials';
import { cpuSeconds, graphqlRequester, machineBusySeconds } from './card-load';
import { startServerProcess, THIS_CHECKOUT, untilServing, type ServerProcess } from './server-process';
import type { BenchServer } from './bench-database';
import type { Cleanup } from './cleanup';
import { formatTable, milliseconds, seconds, summarise, type Finding } from './stats';
import { printStatementProfile, resetStatementProfile } from './statement-profile';

/**
 * Ingest (issue 12), through the API as integrations send it, with identity resolution (every
 * event names its customer by e-mail address, among CUSTOMERS people, who are created on first
 * sight) and idempotency (every event has a (source, externalId)):
 * - batches: recordEvents of BATCH from WRITERS concurrent writers for BENCH_INGEST_SECONDS; then
 *   every batch sent again, which must create nothing; then the same load for
 *   BENCH_INGEST_COMPARE_SECONDS to each in turn (in two rounds), each with people of its own: this build, this
 *   build while a subscriber follows every customer, this build as two processes, and the
 *   baseline commit (BENCH_BASELINE); and what GraphQL's coercion of one BATCH-item input costs
 *   by itself;
 * - single events: recordCall from SINGLE_CLIENTS concurrent clients for BENCH_INGEST_SINGLE_SECONDS
 *   each to this build and to the baseline commit (BENCH_BASELINE), server processes of their
 *   own taking turns, while a WebSocket subscriber of this build's process follows every
 *   customer, and must see each call once, in stream order.
 * Requests go through node's http client over keep-alive connections (`graphqlRequester`).
 */
const BATCH = 1000;
const WRITERS = 4;
const CUSTOMERS = 20_000;
const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 60);
const SINGLE_CLIENTS = 32;
const SINGLE_SECONDS = Number(process.env.BENCH_INGEST_SINGLE_SECONDS ?? 20);
const SINGLE_ROUNDS = 2;
/** Events per recordEvents call of the small-batch clients, which take turns with the single calls. */
const SMALL_BATCH = 5;
const COMPARE_SECONDS = Number(process.env.BENCH_INGEST_COMPARE_SECONDS ?? 20);
const COMPARE_ROUNDS = 2;

const RECORD_EVENTS = `mutation Ingest($input: RecordEventsInput!) { recordEvents(input: $input) { results { created userErrors { message } } } }`;
const RECORD_CALL = `mutation Call($input: RecordCallInput!) { recordCall(input: $input) { created event { streamCursor } userErrors { message } } }`;
const RECORD_SMALL_BATCH = `mutation Calls($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { streamCursor } userErrors { message } } } }`;

export async function benchmarkIngest(server: BenchServer, cleanup: Cleanup): Promise<Finding[]> {
  console.log(
    `\n## ingest: recordEvents(${BATCH}) from ${WRITERS} writers for ${SECONDS} s; recordCall, then recordEvents(${SMALL_BATCH}), from ${SINGLE_CLIENTS} clients for ${SINGLE_SECONDS} s each with a subscriber`,
  );
  const database = await server.createDatabase();
  cleanup.add('drop the ingest benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 4 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  const integrationKey = await createBenchKey(db, Role.INTEGRATION, 'benchmark integration');
  const baselineFolder = await buildBaseline(BASELINE_COMMIT, cleanup);
  const baselineUrl = baselineFolder ? await databaseForBaseline(server, database, db, baselineFolder, cleanup) : null;

  let sequence = 0;
  const batchOf = (people?: string) => Array.from({ length: BATCH }, () => eventInput(++sequence, people));
  // As many sockets per server as the most clients any part of the run sends from at once.
  const request = graphqlRequester(integrationKey, SINGLE_CLIENTS);
  const post = async (query: string, variables: Record<string, unknown>, url: string) => {
    const body = JSON.parse((await request(url, query, variables)).text) as { errors?: { extensions?: { code?: string } }[]; data?: Record<string, any> };
    // Both say "nothing or everything was stored; safe to retry".
    if (['TIMEOUT', 'SERVICE_UNAVAILABLE'].includes(body.errors?.[0]?.extensions?.code ?? '')) return null;
    if (body.errors || !body.data) throw new Error(`the mutation failed: ${JSON.stringify(body).slice(0, 300)}`);
    return body.data;
  };
  // A batch that ran out of the operation's time, or whose audit entries could not be written in
  // time, is sent again, as a client would (safe: recording is idempotent).
  const timedOut = new Map<string, number>();
  const postUntilDone = async (query: string, variables: Record<string, unknown>, url: string) => {
    for (;;) {
      const data = await post(query, variables, url);
      if (data) return data;
      timedOut.set(url, (timedOut.get(url) ?? 0) + 1);
    }
  };

  // Every NOTIFY the recording sends, counted per second: each one is a commit that took
  // PostgreSQL's global notification lock. (On the baseline's database too, where it has its own.)
  let notifications = new Map<number, number>();
  for (const url of new Set([database.url, baselineUrl ?? database.url])) {
    const listener = new Client({ connectionString: url });
    await listener.connect();
    cleanup.add('close the listener', () => listener.end());
    listener.on('notification', () => {
      const second = Math.floor(performance.now() / 1000);
      notifications.set(second, (notifications.get(second) ?? 0) + 1);
    });
    await listener.query(`LISTEN ${TIMELINE_CHANNEL}; LISTEN ${CUSTOMER_CHANNEL}`);
  }
  const notifyRate = () => {
    const perSecond = [...notifications.values()];
    notifications = new Map();
    return perSecond.length ? `${Math.max(...perSecond)} / ${Math.round(perSecond.reduce((a, b) => a + b, 0) / perSecond.length)}` : '0 / 0';
  };

  // This build and the baseline commit, each in a server process of its own: the batches go to
  // this build's; the comparison and the single calls to each in turn.
  const contenders = [{ name: 'this build', server: await startServerProcess(THIS_CHECKOUT, database.url, cleanup) }];
  if (baselineFolder && baselineUrl) contenders.push({ name: `baseline ${BASELINE_COMMIT.slice(0, 7)}`, server: await startServerProcess(baselineFolder, baselineUrl, cleanup) });
  await Promise.all(contenders.map(({ server }) => untilServing(server)));
  await resetStatementProfile(database.url);
  // Batches, closed loop: each writer sends its next batch when the last is answered.
  const sent: Record<string, unknown>[][] = [];
  const batchMs: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (performance.now() < until) {
        const events = batchOf();
        const t = performance.now();
        const data = await postUntilDone(RECORD_EVENTS, { input: { events } }, contenders[0].server.url);
        batchMs.push(performance.now() - t);
        // Created, or (when an earlier attempt of this batch committed before its answer was lost) stored already.
        if (!data.recordEvents.results.every((r: { userErrors: unknown[] }) => r.userErrors.length === 0)) throw new Error(`a batch had events not stored: ${JSON.stringify(data).slice(0, 300)}`);
        sent.push(events);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const recorded = sent.length * BATCH;
  const batches = summarise(batchMs);
  const batchNotifies = notifyRate();
  await printStatementProfile(database.url, `recordEvents(${BATCH}) from ${WRITERS} writers`);

  // Every batch again: idempotency must answer each event as stored, creating nothing.
  let repeatsCreated = 0;
  const replayStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < sent.length; i = next++) {
        const data = await postUntilDone(RECORD_EVENTS, { input: { events: sent[i] } }, contenders[0].server.url);
        repeatsCreated += data.recordEvents.results.filter((r: { created: boolean }) => r.created).length;
      }
    }),
  );
  const replaySeconds = (performance.now() - replayStarted) / 1000;
  notifyRate();
  const [{ stored }] = await db.query(`SELECT count(*)::int AS stored FROM timeline_event`);

  // The same load for COMPARE_SECONDS to each way of serving it in turn, each with people of its
  // own (so that each creates its customers from the start): this build alone; this build while a
  // subscriber on the same process follows every customer (and must see each event once); this
  // build as two processes on the one database, the writers shared between them; the baseline.
  const admin = await createBenchKey(db, Role.ADMIN, 'benchmark subscriber');
  const second = await startServerProcess(THIS_CHECKOUT, database.url, cleanup);
  await untilServing(second);
  const runs: { name: string; servers: ServerProcess[]; subscribed?: boolean }[] = [
    { name: 'this build', servers: [contenders[0].server] },
    { name: 'this build, a subscriber following every customer', servers: [contenders[0].server], subscribed: true },
    { name: 'this build, 2 processes', servers: [contenders[0].server, second] },
    ...contenders.slice(1).map(({ name, server }) => ({ name, servers: [server] })),
  ];
  type Figures = { events: number; seconds: number; ms: number[]; serverCpu: number | null; machineCpu: number | null };
  const compared = new Map<string, Figures>(runs.map((run) => [run.name, { events: 0, seconds: 0, ms: [], serverCpu: null, machineCpu: null }]));
  const batchSubscriber = { expected: 0, received: 0, duplicates: 0, drainedMs: 0, endedBy: [] as string[] };
  // In COMPARE_ROUNDS rounds, each taking every run in turn, so that the machine's drift falls on all alike.
  for (let round = 0; round < COMPARE_ROUNDS; round++) {
    for (const [i, run] of runs.entries()) {
      const follower = run.subscribed ? await followEveryCustomer(run.servers[0].url.replace(/^http/, 'ws'), admin, cleanup) : null;
      const figures = compared.get(run.name)!;
      const pids = new Set(run.servers.map((server) => String(server.child.pid)));
      const serverCpu = () => cpuSeconds((_, pid) => pids.has(pid));
      const [serverBefore, machineBefore] = [serverCpu(), machineBusySeconds()];
      const compareUntil = performance.now() + (COMPARE_SECONDS * 1000) / COMPARE_ROUNDS;
      const compareStarted = performance.now();
      let events = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, writer) => {
          while (performance.now() < compareUntil) {
            const t = performance.now();
            await postUntilDone(RECORD_EVENTS, { input: { events: batchOf(`compare${i}-${round}`) } }, run.servers[writer % run.servers.length].url);
            figures.ms.push(performance.now() - t);
            events += BATCH;
          }
        }),
      );
      figures.events += events;
      figures.seconds += (performance.now() - compareStarted) / 1000;
      const [serverAfter, machineAfter] = [serverCpu(), machineBusySeconds()];
      if (serverBefore !== null && serverAfter !== null) figures.serverCpu = (figures.serverCpu ?? 0) + serverAfter - serverBefore;
      if (machineBefore !== null && machineAfter !== null) figures.machineCpu = (figures.machineCpu ?? 0) + machineAfter - machineBefore;
      if (follower) {
        const ended = performance.now();
        for (const deadline = ended + 30_000; follower.received.length < events && performance.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
        batchSubscriber.expected += events;
        batchSubscriber.received += follower.received.length;
        batchSubscriber.duplicates += follower.received.length - new Set(follower.received).size;
        batchSubscriber.drainedMs = Math.max(batchSubscriber.drainedMs, performance.now() - ended);
        batchSubscriber.endedBy.push(...follower.endedBy);
        await follower.dispose();
      }
    }
  }
  const alone = compared.get(runs[0].name)!;
  const followed = compared.get(runs[1].name)!;
  const subscribedShare = followed.events / followed.seconds / (alone.events / alone.seconds);

  // GraphQL's coercion of one batch's variables, alone: parse once, coerce BATCH items.
  const schema = await buildTimelineSchema();
  const operation = getOperationAST(parse(RECORD_EVENTS)) as OperationDefinitionNode;
  const sample = batchOf();
  const coercions: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], { input: { events: sample } });
    coercions.push(performance.now() - t);
    if (coerced.errors) throw new Error(`coercion failed: ${coerced.errors[0].message}`);
  }
  const coercion = summarise(coercions.slice(5));

  // Single events, then small batches of calls, with a subscriber following every customer.
  // The subscriber is served by this build's process, which records the calls, as the batches' one
  // is; it is held to this build's calls (the baseline's may be on a database of its own).
  const { received, endedBy } = await followEveryCustomer(contenders[0].server.url.replace(/^http/, 'ws'), admin, cleanup);
  const calls = new Map(contenders.map(({ name }) => [name, { ms: [] as number[], count: 0, seconds: 0, notifies: [] as string[], serverCpu: 0, machineCpu: 0 }]));
  const smallBatches = new Map(contenders.map(({ name }) => [name, { ms: [] as number[], events: 0, seconds: 0 }]));
  const cursors: string[] = [];
  for (let round = 0; round < SINGLE_ROUNDS; round++) {
    for (const { name, server } of contenders) {
      const figures = calls.get(name)!;
      const profiled = round === 0 && name === contenders[0].name;
      if (profiled) await resetStatementProfile(database.url);
      notifyRate();
      const serverCpu = () => cpuSeconds((_, pid) => pid === String(server.child.pid)) ?? 0;
      const [serverBefore, machineBefore] = [serverCpu(), machineBusySeconds() ?? 0];
      const until = performance.now() + (SINGLE_SECONDS * 1000) / SINGLE_ROUNDS;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: SINGLE_CLIENTS }, async () => {
          while (performance.now() < until) {
            const n = ++sequence;
            const t = performance.now();
            const data = await postUntilDone(RECORD_CALL, { input: callInput(n) }, server.url);
            figures.ms.push(performance.now() - t);
            if (!data.recordCall.event) throw new Error(`a call was not stored: ${JSON.stringify(data).slice(0, 300)}`);
            if (server === contenders[0].server) cursors.push(data.recordCall.event.streamCursor);
            figures.count++;
          }
        }),
      );
      figures.seconds += (performance.now() - started) / 1000;
      figures.serverCpu += serverCpu() - serverBefore;
      figures.machineCpu += (machineBusySeconds() ?? 0) - machineBefore;
      figures.notifies.push(notifyRate());
      if (profiled) await printStatementProfile(database.url, `recordCall from ${SINGLE_CLIENTS} clients, ${name}`);

      // The same calls, SMALL_BATCH to a request: what integrations pushing a few events at a time send.
      const small = smallBatches.get(name)!;
      const smallUntil = performance.now() + (SINGLE_SECONDS * 1000) / SINGLE_ROUNDS;
      const smallStarted = performance.now();
      await Promise.all(
        Array.from({ length: SINGLE_CLIENTS }, async () => {
          while (performance.now() < smallUntil) {
            const events = Array.from({ length: SMALL_BATCH }, () => ({ call: callInput(++sequence) }));
            const t = performance.now();
            const data = await postUntilDone(RECORD_SMALL_BATCH, { input: { events } }, server.url);
            small.ms.push(performance.now() - t);
            for (const result of data.recordEvents.results as { event: { streamCursor: string } | null }[]) {
              if (!result.event) throw new Error(`a call of a small batch was not stored: ${JSON.stringify(data).slice(0, 300)}`);
              if (server === contenders[0].server) cursors.push(result.event.streamCursor);
            }
            small.events += SMALL_BATCH;
          }
        }),
      );
      small.seconds += (performance.now() - smallStarted) / 1000;
    }
  }
  const allDelivered = () => {
    const delivered = new Set(received);
    return cursors.every((cursor) => delivered.has(cursor));
  };
  for (const deadline = Date.now() + 10_000; !allDelivered() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
  const position = (cursor: string) => decodeStreamCursor(cursor);
  const inOrder = received.every((cursor, i) => i === 0 || position(received[i - 1]) < position(cursor));
  const delivered = new Set(received);
  const missed = cursors.filter((cursor) => !delivered.has(cursor)).length;

  console.log(
    `batches     ${sent.length} batches of ${BATCH} in ${elapsed.toFixed(1)} s; replayed in ${replaySeconds.toFixed(1)} s (${Math.round(recorded / replaySeconds)} events/s); ${stored} events stored\n` +
      `single      ${cursors.length} calls, alone and ${SMALL_BATCH} to a request, from ${contenders.map((c) => c.name).join(' and ')} in turn, ${SINGLE_ROUNDS} rounds; the subscriber (on this build) received ${cursors.length - missed} of this build's ${cursors.length}`,
  );
  const smallBatchFigures = (name: string): Finding[] => {
    const small = smallBatches.get(name)!;
    const latency = summarise(small.ms);
    return [
      [`recordEvents(${SMALL_BATCH}) from ${SINGLE_CLIENTS} clients, a subscriber on, ${name}: events/s`, '', `${Math.round(small.events / small.seconds).toLocaleString('en-US')}`],
      [`recordEvents(${SMALL_BATCH}), ${name}: p50 / p99 per batch`, '', `${milliseconds(latency.median)} / ${milliseconds(latency.p99)} ms`],
    ];
  };
  const rows: Finding[] = [
    [`recordEvents(${BATCH}) from ${WRITERS} writers: events/s`, '>= 50,000', `${Math.round(recorded / elapsed).toLocaleString('en-US')}`],
    [`recordEvents(${BATCH}): p50 / p99 per batch`, 'p99 <= 500 ms', `${milliseconds(batches.median)} / ${milliseconds(batches.p99)} ms`],
    ...[...compared].map(([name, f]): Finding => [
      `recordEvents(${BATCH}), new people, ${COMPARE_SECONDS} s, ${name}: events/s, p50 batch, CPU ms per 1,000 events (server / machine)`,
      '',
      `${Math.round(f.events / f.seconds).toLocaleString('en-US')}, ${milliseconds(summarise(f.ms).median)} ms, ${perThousand(f.serverCpu, f.events)} / ${perThousand(f.machineCpu, f.events)}`,
    ]),
    ['recordEvents with a subscriber following every customer: share of the throughput alone', '>= 90 %', `${Math.round(subscribedShare * 100)} %`],
    [
      'that subscriber: events received of those created, duplicates, caught up after the last batch (or ended by the server)',
      'all, 0',
      `${batchSubscriber.received} of ${batchSubscriber.expected}, ${batchSubscriber.duplicates}, ` +
        (batchSubscriber.endedBy.length ? `ended ${batchSubscriber.endedBy.length}× (${[...new Set(batchSubscriber.endedBy)].join('; ')})` : seconds(batchSubscriber.drainedMs)),
    ],
    ['requests answered TIMEOUT or SERVICE_UNAVAILABLE (sent again), this build', '0', `${(timedOut.get(contenders[0].server.url) ?? 0) + (timedOut.get(second.url) ?? 0)}`],
    ...contenders.slice(1).map(({ name, server }): Finding => [`requests answered TIMEOUT or SERVICE_UNAVAILABLE (sent again), ${name}`, '', `${timedOut.get(server.url) ?? 0}`]),
    ['every batch replayed: events created again', '0', `${repeatsCreated} (${stored} stored for ${recorded} sent)`],
    ['NOTIFYs per second during the batches: max / mean', '', batchNotifies],
    [`GraphQL coercion of one ${BATCH}-event input: median`, '', `${milliseconds(coercion.median)} ms`],
    ...contenders.flatMap(({ name }): Finding[] => {
      const figures = calls.get(name)!;
      const latency = summarise(figures.ms);
      return [
        [`recordCall from ${SINGLE_CLIENTS} clients, a subscriber on, ${name}: calls/s`, name === 'this build' ? '>= 1,500' : '', `${Math.round(figures.count / figures.seconds).toLocaleString('en-US')}`],
        [`recordCall, ${name}: p50 / p99`, '', `${milliseconds(latency.median)} / ${milliseconds(latency.p99)} ms`],
        [
          `recordCall, ${name}: CPU cores busy (server process / machine)`,
          '',
          `${(figures.serverCpu / figures.seconds).toFixed(2)} / ${(figures.machineCpu / figures.seconds).toFixed(2)}`,
        ],
        [`NOTIFYs per second during the calls, ${name}: max / mean, per round`, '', figures.notifies.join(', ')],
        ...smallBatchFigures(name),
      ];
    }),
    ['subscriber: calls (alone and in small batches) missed, out of stream order', '0, 0', `${missed}, ${inOrder ? 0 : 'some'}${endedBy.length ? ` (ended by the server: ${[...new Set(endedBy)].join('; ')})` : ''}`],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], rows)}`);
  return rows;
}

/** CPU milliseconds per 1,000 events, or a dash where /proc could not tell. */
function perThousand(cpuSeconds: number | null, events: number): string {
  return cpuSeconds === null ? '-' : String(Math.round((cpuSeconds * 1000 * 1000) / events));
}

const KINDS = ['call', 'email', 'socialMessage'] as const;

/** Event n of the load: a call, an e-mail or a DM in turn, from one of CUSTOMERS people by e-mail address. */
function eventInput(n: number, people = 'ingest'): Record<string, unknown> {
  const person = `${people}-${n % CUSTOMERS}@example.com`;
  const common = { identifier: { kind: 'EMAIL', value: person }, occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(), source: 'bench', externalId: `ingest-${n}` };
  const kind = KINDS[n % KINDS.length];
  if (kind === 'call') return { call: { ...common, direction: 'INBOUND', outcome: 'ANSWERED', durationSeconds: 120 + (n % 300) } };
  if (kind === 'email') return { email: { ...common, direction: 'INBOUND', fromAddress: person, toAddresses: ['support@example.com'], subject: 'Where is my order?', bodyText: 'Hello, my parcel has not arrived yet.' } };
  return { socialMessage: { ...common, direction: 'INBOUND', platform: 'instagram', handle: `@${people}${n % CUSTOMERS}`, text: 'Any news on my parcel?' } };
}

function callInput(n: number): Record<string, unknown> {
  return { identifier: { kind: 'EMAIL', value: `ingest-${n % CUSTOMERS}@example.com` }, occurredAt: new Date().toISOString(), direction: 'INBOUND', outcome: 'ANSWERED', durationSeconds: 60, source: 'bench-calls', externalId: `call-${n}` };
}

/**
 * A WebSocket subscriber of `timelineEventAdded` for every customer (which takes ADMIN), on the
 * server at `wsUrl`: the stream cursor of each event it receives, in order of arrival, and why
 * the server ended its subscription if it did (such as SUBSCRIBER_TOO_SLOW).
 */
async function followEveryCustomer(wsUrl: string, adminKey: string, cleanup: Cleanup): Promise<{ received: string[]; endedBy: string[]; dispose: () => Promise<void> }> {
  const received: string[] = [];
  const endedBy: string[] = [];
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${adminKey}` } });
  const dispose = () => client.dispose() as Promise<void>;
  cleanup.add('close a subscriber', dispose);
  let live = false;
  await new Promise<void>((resolve, reject) => {
    const off = client.on('connected', () => {
      off();
      // The subscription is started after the connection: give it a moment to be listening.
      setTimeout(() => {
        live = true;
        resolve();
      }, 200);
    });
    client.subscribe<{ timelineEventAdded: { streamCursor: string } }>(
      { query: `subscription { timelineEventAdded { streamCursor } }` },
      {
        next: (item) => item.data && received.push(item.data.timelineEventAdded.streamCursor),
        error: (error) => {
          if (!live) return reject(error);
          const errors = Array.isArray(error) ? (error as { extensions?: { reason?: string; code?: string } }[]) : [];
          endedBy.push(errors.map((e) => e.extensions?.reason ?? e.extensions?.code ?? 'error').join(', ') || String(error));
        },
        complete: () => undefined,
      },
    );
  });
  return { received, endedBy, dispose };
}
