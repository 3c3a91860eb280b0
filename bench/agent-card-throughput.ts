import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/core/config';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { seedDemoData } from '../src/seed/demo-data';
import { createBenchKey, Role } from './bench-credentials';
import { freePort, type BenchServer } from './bench-database';
import type { Cleanup } from './cleanup';
import { formatTable, milliseconds, seconds, summarise } from './stats';

/**
 * The agent card under load, the baseline of issue 12: the README's AgentCard query (insights
 * and each event's case included) on the demo data, from CONNECTIONS concurrent clients for
 * BENCH_CARD_SECONDS, through the credential check, masking and audit of an AGENT key, against
 * the built server in a process of its own (production mode), so the load generator does not
 * share its event loop.
 */
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_CARD_SECONDS ?? 20);
const WARMUP_SECONDS = 3;

const AGENT_CARD = `query AgentCard {
  customerByIdentifier(identifier: { kind: SOCIAL, namespace: "instagram", value: "@Maya.Runs" }) {
    displayName
    identifiers { kind value namespace }
    preferences { preferredChannel contactHours notes consents { channel granted } }
    insights { lifetimeValue { amount currency } orderCount lastPurchaseAt openCases lifecycleStage csat { latest average } }
    timeline(first: 6) {
      edges { node { __typename occurredAt channel summary case { number subject status }
        ... on PurchaseEvent { orderNumber status total { amount currency } }
        ... on SurveyResponseEvent { survey score scaleMax } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export async function benchmarkAgentCardThroughput(server: BenchServer, cleanup: Cleanup): Promise<void> {
  console.log(`\n## agent card under load: ${CONNECTIONS} connections for ${SECONDS} s`);
  const database = await server.createDatabase();
  cleanup.add('drop the agent card benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 4 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  await seedDemoData(db, loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }), { anchor: new Date('2026-11-01T12:00:00Z') });
  const key = await createBenchKey(db, Role.AGENT, 'benchmark agent');

  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'server', 'main.js')], {
    env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', GRAPHIQL: 'false', CONSOLE: 'false', WEBHOOK_DISPATCHER: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanup.add('stop the server process', async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  const body = JSON.stringify({ query: AGENT_CARD });
  const card = async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"')) throw new Error(`the agent card failed: ${text.slice(0, 300)}`);
  };
  for (let started = Date.now(); ; ) {
    try {
      await card();
      break;
    } catch (error) {
      if (Date.now() - started > 30_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const run = async (ms: number) => {
    const latencies: number[] = [];
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          const sent = performance.now();
          await card();
          latencies.push(performance.now() - sent);
        }
      }),
    );
    return latencies;
  };
  await run(WARMUP_SECONDS * 1000);
  const latencies = await run(SECONDS * 1000);
  const latency = summarise(latencies);
  console.log(`load        the README's AgentCard with an AGENT key, ${CONNECTIONS} clients in this process, the server in its own; ${seconds(WARMUP_SECONDS * 1000)} untimed first`);
  const rows = [
    ['agent card: requests per second', "≥ 3× this baseline (issue 12)", `${Math.round(latencies.length / SECONDS)}`],
    ['agent card: p50 / p99 under that load', '', `${milliseconds(latency.median)} / ${milliseconds(latency.p99)} ms`],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], rows)}`);
}
