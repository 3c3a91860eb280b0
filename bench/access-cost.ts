import { loadConfig } from '../src/core/config';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { seedDemoData } from '../src/seed/demo-data';
import type { BenchServer } from './bench-database';
import { headersFor, startServer, type RunningServer } from './bench-server';
import type { Cleanup } from './cleanup';
import { formatTable, milliseconds, summarise, timeInterleaved, type Finding } from './stats';

/**
 * What access control costs the agent card: the README's AgentCard query on the demo data, sent
 * in turn to two servers in this process over the same database, one as shipped (an AGENT key:
 * the credential checked, every field's scope, personal fields noted, the audit entry written
 * before the answer goes out) and one built without access control (no credential, no audit).
 */
const AGENT_CARD = `query AgentCard {
  customerByIdentifier(identifier: { kind: SOCIAL, namespace: "instagram", value: "@Maya.Runs" }) {
    displayName
    identifiers { kind value namespace }
    preferences { preferredChannel contactHours notes consents { channel granted } }
    timeline(first: 6) {
      edges { node { __typename occurredAt channel summary
        ... on PurchaseEvent { orderNumber status total { amount currency } }
        ... on SurveyResponseEvent { survey score scaleMax } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export async function benchmarkAccessCost(server: BenchServer, iterations: number, warmup: number, cleanup: Cleanup): Promise<Finding[]> {
  console.log('\n## access control: what auth and audit cost the agent card');
  const database = await server.createDatabase();
  cleanup.add('drop the access benchmark database', () => database.release());
  const db = createDataSource({ url: database.url, poolSize: 4 });
  await db.initialize();
  cleanup.add('close the data source', () => db.destroy());
  await migrate(db);
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', GRAPHIQL: 'false', EXPOSE_SQL_STATEMENT_COUNT: 'true' });
  await seedDemoData(db, config, { anchor: new Date('2026-11-01T12:00:00Z') });
  const enforced = await startServer(db, config, cleanup);
  const baseline = await startServer(db, config, cleanup, { baseline: true });
  console.log(`timing      ${iterations} runs per case, cases taken in turn, after ${warmup} untimed rounds; the README's AgentCard query over HTTP on 127.0.0.1`);

  const statements = new Map<string, number>();
  const card = (name: string, target: RunningServer) => async () => {
    const response = await fetch(target.url, { method: 'POST', headers: headersFor(target), body: JSON.stringify({ query: AGENT_CARD }) });
    const body = (await response.json()) as { data?: { customerByIdentifier: { displayName: string } | null }; errors?: unknown[]; extensions?: { sqlStatements?: number } };
    if (!response.ok || body.errors || body.data?.customerByIdentifier?.displayName !== 'Maya Okafor') throw new Error(`the agent card failed (${name}): ${JSON.stringify(body)}`);
    statements.set(name, body.extensions?.sqlStatements ?? -1);
  };
  const samples = await timeInterleaved(
    new Map([
      ['without access control (before)', card('before', baseline)],
      ['as an AGENT key, audited (after)', card('after', enforced)],
    ]),
    iterations,
    warmup,
  );
  const [before, after] = [...samples.values()].map(summarise);
  const [{ count: audited }] = await db.query(`SELECT count(*)::int AS count FROM audit_entry WHERE field = 'customerByIdentifier'`);
  const rows: Finding[] = [
    ['median: before / after', '', `${milliseconds(before.median)} / ${milliseconds(after.median)} ms`],
    ['p99: before / after', '', `${milliseconds(before.p99)} / ${milliseconds(after.p99)} ms`],
    ['median cost of auth and audit', '<= 1 ms', `${milliseconds(after.median - before.median)} ms`],
    ['SQL statements: before / after', 'at most one more', `${statements.get('before')} / ${statements.get('after')}`],
    ['audit entries written by the timed cards', 'one per card', `${audited} for ${iterations + warmup} cards`],
  ];
  console.log(`\n${formatTable(['figure', 'goal', 'measured'], rows)}`);
  return rows;
}
