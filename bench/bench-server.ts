import type { DataSource } from 'typeorm';
import type { Config } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { createTimelineServer } from '../src/server/http-server';
import { buildTimelineSchema } from '../src/server/schema';
import type { Cleanup } from './cleanup';

/** The real server in this process on a free port, logging nothing; answers its GraphQL URL. */
export async function startServer(db: DataSource, config: Config, cleanup: Cleanup): Promise<string> {
  const server = await createTimelineServer({ config, db, schema: await buildTimelineSchema(), log: createLogger('silent') });
  cleanup.add('stop the server', () => server.stop());
  const port = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}/graphql`;
}
