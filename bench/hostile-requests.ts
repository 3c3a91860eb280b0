import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/core/config';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { toGlobalId } from '../src/relay/global-id';
import { seedDemoData } from '../src/seed/demo-data';
import type { BenchServer } from './bench-database';
import { createBenchKey, Role } from './bench-credentials';
import { headersFor, startServer, type RunningServer } from './bench-server';
import type { Cleanup } from './cleanup';
import { formatTable, milliseconds, summarise, type Finding } from './stats';

/**
 * Requests an attacker (or a careless client) sends, against the server in this process on the
 * demo data: the 265-byte query that nests a customer's timeline of 100 three levels deep (it
 * ran the server out of memory before the query bounds), 6,000 timeline aliases in one request,
 * and eight clients flooding the server with alias-heavy searches while an agent card is timed.
 * Prints each figure next to its goal.
 */

const FLOOD_CLIENTS = 8;
const FLOOD_SECONDS = 5;
const CARD_SAMPLES = 40;

export async function benchmarkHostileRequests(server: BenchServer, cleanup: Cleanup): Promise<Finding[]> {
  console.log('\n## hostile requests: bounded before they run');
  const database = await server.createDatabase();
  cleanup.add('drop the hostile-requests database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 4 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', GRAPHIQL: 'false' });
  await seedDemoData(db, config, { anchor: new Date('2026-11-01T12:00:00Z') });
  const [{ id: busiest, events }] = await db.query(`SELECT customer_id AS id, count(*)::int AS events FROM timeline_event GROUP BY 1 ORDER BY 2 DESC LIMIT 1`);
  const served = await startServer(db, config, cleanup);
  // The flooding clients are machines of their own, each with the default budget of a key.
  const flooders = await Promise.all(Array.from({ length: FLOOD_CLIENTS }, (_, i) => createBenchKey(db, Role.INTEGRATION, `flooder ${i}`, null)));
  const customerId = toGlobalId('Customer', busiest);
  console.log(`data        the demo data; the busiest customer has ${events} events`);

  let inner = 'id displayName';
  for (let i = 0; i < 3; i++) inner = `id timeline(first: 100) { edges { node { summary customer { ${inner} } } } }`;
  const deepQuery = `query Deep($id: ID!) { customer(id: $id) { ${inner} } }`;
  const deep = await measured(() => post(served, deepQuery, { id: customerId }));

  const aliases = Array.from({ length: 6000 }, (_, i) => `a${i}: timeline(first: ${1 + (i % 100)}) { edges { cursor } }`).join(' ');
  const wide = await measured(() => post(served, `query Wide($id: ID!) { customer(id: $id) { ${aliases} } }`, { id: customerId }));

  const card = `query Card($id: ID!) { customer(id: $id) { displayName identifiers { kind value } preferences { contactHours consents { channel granted } } timeline(first: 20) { edges { node { __typename occurredAt summary } } } } }`;
  const quiet = await cardLatencies(served, card, customerId);
  // The strongest flood the bounds let through: as many aliased searches as allowed, eight at a time.
  const searches = Array.from({ length: config.MAX_QUERY_ALIASES }, (_, i) => `s${i}: searchCustomers(query: "${['maya', 'okafor', 'example', 'ben', 'smith'][i % 5]}${i}", first: 100) { edges { node { id displayName } } }`).join(' ');
  let flooding = true;
  let floodRequests = 0;
  let floodLimited = 0;
  const flood = flooders.map(async (secret) => {
    while (flooding) {
      const answer = await post({ url: served.url, secret }, `{ ${searches} }`);
      floodRequests++;
      if (answer.status === 429) floodLimited++;
    }
  });
  const started = performance.now();
  const loud = await cardLatencies(served, card, customerId, FLOOD_SECONDS * 1000);
  flooding = false;
  await Promise.all(flood);
  const floodSeconds = (performance.now() - started) / 1000;

  const refusal = (answer: Answer) => `${answer.status} ${answer.body.errors?.[0]?.extensions?.reason ?? answer.body.errors?.[0]?.extensions?.code ?? 'answered'}`;
  const rows: Finding[] = [
    ['deep query (265 bytes): answer', 'refused, 400 MAX_DEPTH', refusal(deep.answer)],
    ['deep query: time to answer', '<= 50 ms', `${milliseconds(deep.ms)} ms`],
    ['deep query: memory grown', '<= 50 MiB', `${deep.rssGrowthMiB.toFixed(1)} MiB`],
    ['6,000 aliases: answer', 'refused, 400 MAX_TOKENS or MAX_ALIASES', refusal(wide.answer)],
    ['6,000 aliases: time to answer', '<= 100 ms', `${milliseconds(wide.ms)} ms`],
    ['agent card alone: p50 / p99', '', `${milliseconds(quiet.median)} / ${milliseconds(quiet.p99)} ms`],
    [`agent card under ${FLOOD_CLIENTS} clients flooding ${config.MAX_QUERY_ALIASES}-alias searches: p50 / p99`, 'p99 <= 1000 ms', `${milliseconds(loud.median)} / ${milliseconds(loud.p99)} ms`],
    ['flood requests answered', '', `${floodRequests} in ${floodSeconds.toFixed(1)} s`],
    ['of which refused by the flooders\' budgets (429)', '', `${floodLimited}`],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], rows)}`);
  return rows;
}

interface Answer {
  status: number;
  body: { errors?: { extensions?: Record<string, unknown> }[] };
}

async function post(server: RunningServer, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(server.url, { method: 'POST', headers: headersFor(server), body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function measured(send: () => Promise<Answer>): Promise<{ answer: Answer; ms: number; rssGrowthMiB: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const answer = await send();
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { answer, ms, rssGrowthMiB: (peak - before) / 1024 / 1024 };
}

/** Agent-card latencies, one at a time: CARD_SAMPLES of them, or as many as fit in `forMs`. */
async function cardLatencies(server: RunningServer, card: string, customerId: string, forMs = 0) {
  const samples: number[] = [];
  const until = performance.now() + forMs;
  while (samples.length < CARD_SAMPLES || performance.now() < until) {
    const started = performance.now();
    const answer = await post(server, card, { id: customerId });
    if (answer.body.errors) throw new Error(`the agent card failed: ${JSON.stringify(answer.body.errors)}`);
    samples.push(performance.now() - started);
  }
  return summarise(samples);
}
