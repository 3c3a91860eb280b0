import 'reflect-metadata';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { createDataSource } from '../db/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres';
import { migrate } from '../db/migrate';
import { isDatabaseEmpty, seedDemoData } from '../seed/demo-data';

/**
 * `npm run seed`: loads the demo data into DATABASE_URL, or into the embedded PostgreSQL when
 * DATABASE_URL is not set, after bringing the schema up to date. A database that already has
 * customers is left alone. `--anchor=2026-01-15T12:00:00Z` (or a day) pins the moment the demo
 * data ends (default: now); the same anchor always gives the same data.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const anchor = anchorFromArguments(process.argv.slice(2));
  let embedded: EmbeddedPostgres | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.EMBEDDED_PG_DIR, config.EMBEDDED_PG_PORT, createLogger(config.LOG_LEVEL));
    url = embedded.url;
    console.log(`embedded PostgreSQL started (${config.EMBEDDED_PG_DIR}, port ${config.EMBEDDED_PG_PORT})`);
  }
  const db = createDataSource({ url, poolSize: 1, applicationName: 'customer-timeline-seed' });
  try {
    await db.initialize();
    const applied = await migrate(db);
    if (applied.length > 0) console.log(`migrations applied: ${applied.join(', ')}`);
    if (!(await isDatabaseEmpty(db))) {
      console.log('the database already has customers; nothing seeded');
      return;
    }
    const started = process.hrtime.bigint();
    const counts = await seedDemoData(db, config, { anchor });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`seeded ${counts.customers} customers, ${counts.events} events and ${counts.cases} cases in ${elapsed.toFixed(2)} s`);
  } finally {
    if (db.isInitialized) await db.destroy();
    if (embedded) await embedded.stop();
  }
}

function anchorFromArguments(args: string[]): Date | undefined {
  for (const arg of args) {
    const match = /^--anchor=(.+)$/.exec(arg);
    if (!match) throw new Error(`Unknown argument "${arg}". Usage: npm run seed -- [--anchor=YYYY-MM-DD]`);
    const anchor = new Date(/^\d{4}-\d{2}-\d{2}$/.test(match[1]) ? `${match[1]}T00:00:00Z` : match[1]);
    if (Number.isNaN(anchor.getTime())) throw new Error(`--anchor: "${match[1]}" is not a date such as 2026-01-15.`);
    return anchor;
  }
  return undefined;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
