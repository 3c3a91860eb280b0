import type { DataSource } from 'typeorm';
import type { Config } from '../src/app/config';
import { createLogger } from '../src/app/logger';
import { buildTimelineSchema } from '../src/app/schema';
import { createTimelineServer } from '../src/app/server';
import type { Cleanup } from './cleanup';

/** The real server in this process on a free port, logging nothing; answers its GraphQL URL. */
export async function startServer(db: DataSource, config: Config, cleanup: Cleanup): Promise<string> {
  const server = await createTimelineServer({ config, db, schema: await buildTimelineSchema(), log: createLogger('silent') });
  cleanup.add('stop the server', () => server.stop());
  const port = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}/graphql`;
}
