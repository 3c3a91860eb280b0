import 'reflect-metadata';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { ApiKeyService } from '../access/api-keys.service';
import { loadConfig, type Config } from '../core/config';
import { createLogger, type Logger } from '../core/logger';
import { createDataSource, sessionTimeouts } from '../db/data-source';
import { Database } from '../db/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres';
import { migrate } from '../db/migrate';
import { isDatabaseEmpty, seedDemoData } from '../seed/demo-data';
import { ensureDemoKeys } from './demo-keys';
import { createTimelineServer } from './http-server';
import { buildTimelineSchema } from './schema';

/**
 * `npm start`: PostgreSQL from DATABASE_URL, or the embedded one (seeded with demo data when
 * empty), migrated, then GraphQL on PORT. SIGINT/SIGTERM drain requests and stop everything.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  let embedded: EmbeddedPostgres | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.EMBEDDED_PG_DIR, config.EMBEDDED_PG_PORT, log);
    url = embedded.url;
    log.info({ dataDirectory: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT }, 'embedded PostgreSQL started');
  }
  let db: DataSource | null = null;
  try {
    await prepareDatabase(url, embedded !== null, config, log);
    db = createDataSource({ url, poolSize: config.DB_POOL_SIZE, timeouts: sessionTimeouts(config) });
    await db.initialize();
    let demoAgentKey: string | null = null;
    if (embedded) {
      // Demo credentials only for the embedded demo database; a DATABASE_URL one never gets any.
      const file = config.DEMO_KEYS_FILE ?? path.join(path.dirname(path.resolve(config.EMBEDDED_PG_DIR)), 'demo-api-keys.json');
      const database = Database.configured(db, config, log);
      const { keys, created } = await ensureDemoKeys(database, new ApiKeyService(database, { capacity: config.BUDGET_KEY_CAPACITY, refillPerSecond: config.BUDGET_KEY_REFILL_PER_SECOND }), file);
      demoAgentKey = keys.AGENT;
      log.info({ file, roles: Object.keys(keys), created }, `demo API keys (one per role) are in ${file}; GraphiQL and the console's demo agent use the AGENT key`);
    }
    const server = await createTimelineServer({ config, db, schema: await buildTimelineSchema(), log, demoAgentKey });
    // The embedded demo listens on this machine only, unless HOST says otherwise: its keys are in a file here.
    const port = await server.listen(config.PORT, config.HOST ?? (embedded ? '127.0.0.1' : '0.0.0.0'));
    log.info({ port }, `Customer Timeline serving GraphQL at http://localhost:${port}/graphql${config.CONSOLE ? ` and the agent console at http://localhost:${port}/` : ''}`);

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal, delayMs: config.SHUTDOWN_DELAY_MS }, 'shutting down: not ready any more; finishing in-flight requests');
      try {
        server.beginShutdown();
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
        await server.stop();
        await db?.destroy();
        await embedded?.stop();
        log.info('stopped');
        process.exit(0);
      } catch (error) {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      }
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (error) {
    log.fatal({ err: error }, 'could not start');
    if (db?.isInitialized) await db.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

/**
 * Migrations, and the demo data for an empty embedded database (a DATABASE_URL one gets it only
 * from `npm run seed`), on a connection of their own without the serving pool's timeouts.
 */
async function prepareDatabase(url: string, isEmbedded: boolean, config: Config, log: Logger): Promise<void> {
  const db = createDataSource({ url, poolSize: 1, applicationName: 'customer-timeline-migrate' });
  await db.initialize();
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
    if (isEmbedded && (await isDatabaseEmpty(db))) {
      const counts = await seedDemoData(db, config);
      log.info(counts, 'demo data loaded');
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
