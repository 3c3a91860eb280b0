import type { DataSource } from 'typeorm';
import type { Config } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { createDataSource, sessionTimeouts } from '../src/db/data-source';
import { createTimelineServer } from '../src/server/http-server';
import { buildTimelineSchema } from '../src/server/schema';
import type { Cleanup } from './cleanup';

/**
 * The real server in this process on a free port, logging nothing, over a pool of its own with
 * the serving timeouts (the benchmark's `db` has none, for loading); answers its GraphQL URL.
 */
export async function startServer(db: DataSource, config: Config, cleanup: Cleanup): Promise<string> {
  const url = (db.options as { url: string }).url;
  const served = createDataSource({ url, poolSize: config.DB_POOL_SIZE, timeouts: sessionTimeouts(config) });
  await served.initialize();
  cleanup.add('close the server pool', () => served.destroy());
  const server = await createTimelineServer({ config, db: served, schema: await buildTimelineSchema(), log: createLogger('silent') });
  cleanup.add('stop the server', () => server.stop());
  const port = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}/graphql`;
}
