import { Pool } from 'pg';
import { loadConfig } from '../src/core/config';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { seedDemoData } from '../src/seed/demo-data';
import { assertFloorMatchesCard, CARD_FLOOR_STATEMENT } from './agent-card-floor';
import { BASELINE_COMMIT, buildBaseline } from './baseline-build';
import { databaseForBaseline } from './baseline-database';
import { createBenchKey, Role } from './bench-credentials';
import type { BenchServer } from './bench-database';
import { startServerProcess, THIS_CHECKOUT, type ServerProcess } from './server-process';
import { printStatementProfile, resetStatementProfile, STATEMENT_PROFILE_TOP } from './statement-profile';
import { closedLoop, cpuSeconds, graphqlPoster, machineBusySeconds, type Send } from './card-load';
import type { Cleanup } from './cleanup';
import { formatTable, milliseconds, summarise, timeInterleaved, type Finding } from './stats';

/**
 * The agent card under load (issue 12): the README's AgentCard (insights and each event's case
 * included) on the demo data, through the credential check, masking and audit of an AGENT key,
 * from CONNECTIONS concurrent clients, against
 * - this build, in a server process of its own (production mode), and as two processes;
 * - the baseline: BENCH_BASELINE, the commit issue 12's work started from, built in a git
 *   worktree and run beside it on the same database;
 * - the floor: one hand-written statement returning the same rows as JSON (./agent-card-floor.ts),
 *   sent by the same client process over a pool of CONNECTIONS connections.
 * The three take turns, BENCH_CARD_ROUNDS rounds of BENCH_CARD_SECONDS each, so that whatever
 * else the machine does falls on all of them alike. Then each is timed one request at a time.
 */
const CONNECTIONS = 16;
const ROUND_SECONDS = Number(process.env.BENCH_CARD_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_CARD_ROUNDS ?? 4);
const WARMUP_SECONDS = 2;
const ONE_AT_A_TIME = 300;
const PAGE_SIZE = 6;

const AGENT_CARD = `query AgentCard {
  customerByIdentifier(identifier: { kind: SOCIAL, namespace: "instagram", value: "@Maya.Runs" }) {
    displayName
    identifiers { kind value namespace }
    preferences { preferredChannel contactHours notes consents { channel granted } }
    insights { lifetimeValue { amount currency } orderCount lastPurchaseAt openCases lifecycleStage csat { latest average } }
    timeline(first: ${PAGE_SIZE}) {
      edges { node { __typename occurredAt channel summary case { number subject status }
        ... on PurchaseEvent { orderNumber status total { amount currency } }
        ... on SurveyResponseEvent { survey score scaleMax } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
const FLOOR_PARAMS = ['SOCIAL', 'instagram', 'maya.runs', PAGE_SIZE + 1];

interface Contender {
  name: string;
  send: Send;
  /** CPU seconds of its own process so far (the floor has none besides PostgreSQL). */
  ownCpu: () => number | null;
}

export async function benchmarkAgentCardThroughput(server: BenchServer, cleanup: Cleanup): Promise<Finding[]> {
  console.log(`\n## agent card under load: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${ROUND_SECONDS} s each for this build, the baseline and the floor`);
  const database = await server.createDatabase();
  cleanup.add('drop the agent card benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 4 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  await seedDemoData(db, loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }), { anchor: new Date('2026-11-01T12:00:00Z') });
  const key = await createBenchKey(db, Role.AGENT, 'benchmark agent');
  const baselineFolder = await buildBaseline(BASELINE_COMMIT, cleanup);
  const baselineUrl = baselineFolder ? await databaseForBaseline(server, database, db, baselineFolder, cleanup) : null;

  const contenders: Contender[] = [];
  const thisBuild = await startServerProcess(THIS_CHECKOUT, database.url, cleanup);
  contenders.push(await graphqlContender('this build', thisBuild, key));
  // Two server processes of this build, clients taking them in turn: what a second core buys.
  const second = await graphqlContender('this build, 2nd process', await startServerProcess(THIS_CHECKOUT, database.url, cleanup), key);
  let turn = 0;
  contenders.push({
    name: 'this build, 2 processes',
    send: () => (turn++ % 2 === 0 ? contenders[0].send() : second.send()),
    ownCpu: () => {
      const [first, other] = [contenders[0].ownCpu(), second.ownCpu()];
      return first === null || other === null ? null : first + other;
    },
  });
  if (baselineFolder && baselineUrl) contenders.push(await graphqlContender(`baseline ${BASELINE_COMMIT.slice(0, 7)}`, await startServerProcess(baselineFolder, baselineUrl, cleanup), key));

  const pool = new Pool({ connectionString: database.url, max: CONNECTIONS, options: '-c TimeZone=UTC' });
  cleanup.add('close the floor pool', () => pool.end());
  // Prepared on each pooled connection, as the server's statements are: planned once, not per card.
  const floorCard = async () => (await pool.query<{ card: unknown }>({ name: 'agent-card-floor', text: CARD_FLOOR_STATEMENT, values: FLOOR_PARAMS })).rows[0]?.card;
  const answer = (await graphqlPoster(thisBuild.url, key, AGENT_CARD, 1).first()) as { data: { customerByIdentifier: Parameters<typeof assertFloorMatchesCard>[1] } };
  assertFloorMatchesCard((await floorCard()) as Parameters<typeof assertFloorMatchesCard>[0], answer.data.customerByIdentifier, PAGE_SIZE);
  contenders.push({
    name: 'floor: one SQL statement',
    send: async () => {
      if (!(await floorCard())) throw new Error('the floor statement found no customer');
    },
    ownCpu: () => null,
  });
  console.log(`load        the README's AgentCard with an AGENT key; node http keep-alive clients in this process, each server in its own; the floor's answer checked against the card's`);

  const totals = new Map(contenders.map((c) => [c.name, { requests: 0, latencies: [] as number[], ownCpu: 0, machineCpu: 0 }]));
  for (const contender of contenders) await closedLoop(contender.send, CONNECTIONS, WARMUP_SECONDS * 1000);
  for (let round = 0; round < ROUNDS; round++) {
    for (const contender of contenders) {
      const [own, machine] = [contender.ownCpu(), machineBusySeconds()];
      const latencies = await closedLoop(contender.send, CONNECTIONS, ROUND_SECONDS * 1000);
      const total = totals.get(contender.name)!;
      total.requests += latencies.length;
      total.latencies.push(...latencies);
      const [ownAfter, machineAfter] = [contender.ownCpu(), machineBusySeconds()];
      if (own !== null && ownAfter !== null) total.ownCpu += ownAfter - own;
      if (machine !== null && machineAfter !== null) total.machineCpu += machineAfter - machine;
    }
  }
  const alone = await timeInterleaved(new Map(contenders.map((c) => [c.name, c.send])), ONE_AT_A_TIME, 20);
  if (STATEMENT_PROFILE_TOP > 0) {
    // What this build's cards ask of PostgreSQL, apart from the other contenders.
    await resetStatementProfile(database.url);
    const cards = (await closedLoop(contenders[0].send, CONNECTIONS, ROUND_SECONDS * 1000)).length;
    await printStatementProfile(database.url, `${cards} cards of this build from ${CONNECTIONS} clients`);
  }

  const perRequest = (cpu: number, requests: number) => (cpu > 0 ? `${((cpu * 1000) / requests).toFixed(2)}` : '');
  const figures = new Map(
    contenders.map((c) => {
      const total = totals.get(c.name)!;
      return [c.name, { perSecond: total.requests / (ROUNDS * ROUND_SECONDS), loaded: summarise(total.latencies), alone: summarise(alone.get(c.name)!), ...total }];
    }),
  );
  console.log(
    `\n${formatTable(
      ['contender', 'requests/s', 'p50 ms', 'p99 ms', 'alone: median ms', 'server CPU ms/request', 'machine CPU ms/request'],
      [...figures].map(([name, f]) => [name, f.perSecond.toFixed(0), milliseconds(f.loaded.median), milliseconds(f.loaded.p99), milliseconds(f.alone.median), perRequest(f.ownCpu, f.requests), perRequest(f.machineCpu, f.requests)]),
    )}`,
  );
  const mine = figures.get('this build')!;
  const floor = figures.get('floor: one SQL statement')!;
  const baseline = baselineFolder ? figures.get(`baseline ${BASELINE_COMMIT.slice(0, 7)}`)! : null;
  const two = figures.get('this build, 2 processes')!;
  const findings: Finding[] = [
    [
      'agent card: requests/s, this build ÷ baseline',
      '≥ 3×',
      baseline ? `${(mine.perSecond / baseline.perSecond).toFixed(2)}× (${mine.perSecond.toFixed(0)} / ${baseline.perSecond.toFixed(0)})` : `${mine.perSecond.toFixed(0)} /s (no baseline)`,
    ],
    ['agent card: requests/s, two processes ÷ one', '', `${(two.perSecond / mine.perSecond).toFixed(2)}× (${two.perSecond.toFixed(0)} / ${mine.perSecond.toFixed(0)})`],
    ['agent card: median alone ÷ floor', '≤ 2×', `${(mine.alone.median / floor.alone.median).toFixed(2)}× (${milliseconds(mine.alone.median)} / ${milliseconds(floor.alone.median)} ms)`],
    ['agent card: p50 under load ÷ floor', '≤ 2×', `${(mine.loaded.median / floor.loaded.median).toFixed(2)}× (${milliseconds(mine.loaded.median)} / ${milliseconds(floor.loaded.median)} ms)`],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], findings)}`);
  return findings;
}

async function graphqlContender(name: string, server: ServerProcess, key: string): Promise<Contender> {
  const { send } = graphqlPoster(server.url, key, AGENT_CARD, CONNECTIONS);
  for (let started = Date.now(); ; ) {
    try {
      await send();
      break;
    } catch (error) {
      if (Date.now() - started > 30_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const pid = String(server.child.pid);
  return { name, send, ownCpu: () => cpuSeconds((_, candidate) => candidate === pid) };
}
