import type { DataSource } from 'typeorm';
import type { Config } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { createDataSource, sessionTimeouts } from '../src/db/data-source';
import { createTimelineServer } from '../src/server/http-server';
import { buildTimelineSchema } from '../src/server/schema';
import { createBenchKey, Role } from './bench-credentials';
import type { Cleanup } from './cleanup';

export interface RunningServer {
  url: string;
  /** An AGENT key with a budget the benchmark does not spend; null for the baseline, which needs none. */
  secret: string | null;
}

/**
 * The real server in this process on a free port, logging nothing, over a pool of its own with
 * the serving timeouts (the benchmark's `db` has none, for loading), with an AGENT key to call
 * it with. `baseline`: the same server without access control (no credential, no audit), to
 * measure what access control costs.
 */
export async function startServer(db: DataSource, config: Config, cleanup: Cleanup, options: { baseline?: boolean } = {}): Promise<RunningServer> {
  const url = (db.options as { url: string }).url;
  const served = createDataSource({ url, poolSize: config.DB_POOL_SIZE, timeouts: sessionTimeouts(config) });
  await served.initialize();
  cleanup.add('close the server pool', () => served.destroy());
  const server = await createTimelineServer({
    config,
    db: served,
    schema: await buildTimelineSchema(),
    log: createLogger('silent'),
    benchmarkBaselineWithoutAccessControl: options.baseline ?? false,
  });
  cleanup.add('stop the server', () => server.stop());
  const port = await server.listen(0, '127.0.0.1');
  const secret = options.baseline ? null : await createBenchKey(db, Role.AGENT, 'benchmark agent');
  return { url: `http://127.0.0.1:${port}/graphql`, secret };
}

/** The headers of a GraphQL POST with the server's key. */
export function headersFor(server: RunningServer): Record<string, string> {
  return { 'content-type': 'application/json', ...(server.secret ? { authorization: `Bearer ${server.secret}` } : {}) };
}
