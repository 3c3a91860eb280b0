import 'reflect-metadata';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { buildTimelineSchema } from './schema';
import { createTimelineServer } from './server';
import { createDataSource } from '../db/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres';
import { migrate } from '../db/migrate';
import { isDatabaseEmpty, seedDemoData } from '../seed/demo-data';

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
  const db = createDataSource({ url, poolSize: config.DB_POOL_SIZE });
  try {
    await db.initialize();
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
    // Demo data goes only into the embedded database; a DATABASE_URL one gets it via `npm run seed`.
    if (embedded && (await isDatabaseEmpty(db))) {
      const counts = await seedDemoData(db, config);
      log.info(counts, 'demo data loaded');
    }
    const server = await createTimelineServer({ config, db, schema: await buildTimelineSchema(), log });
    const port = await server.listen(config.PORT);
    log.info({ port }, `Customer Timeline serving GraphQL at http://localhost:${port}/graphql`);

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down: finishing in-flight requests');
      try {
        await server.stop();
        await db.destroy();
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
    if (db.isInitialized) await db.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
