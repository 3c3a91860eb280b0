import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../src/core/config';
import { createLogger, type Logger } from '../../src/core/logger';
import { createTimelineServer, type TimelineServer } from '../../src/server/http-server';
import { buildTimelineSchema } from '../../src/server/schema';
import { createDataSource, sessionTimeouts } from '../../src/db/data-source';
import { Database } from '../../src/db/database';
import type { Role } from '../../src/core/access-scopes';
import { createKeyIn, registerCredential, type KeySpec } from './credentials';
import { createTestDatabase } from './test-database';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: any } }[];
  extensions?: { sqlStatements?: number; cost?: { requested: number; actual: number; limit: number; remaining: number } };
}

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: GraphQLResponse<T>;
}

export interface TestServer {
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The database as the tests see it, for checking stored rows directly. */
  db: DataSource;
  /** Its URL, for processes the test starts on the same database (the CLI, pg_dump). */
  databaseUrl: string;
  /** The services' way to the database (timeouts, retries), for tests that write as a service would. */
  database: Database;
  config: Config;
  /** The server's subscriptions and their notification listener. */
  realtime: TimelineServer['realtime'];
  /** Its WebSocket side, with the count of subscription items executed and shared. */
  subscriptions: TimelineServer['subscriptions'];
  /** The server's services, to run its housekeeping now (e.g. writing keys' lastUsedAt). */
  services: TimelineServer['services'];
  /** The ADMIN key every helper here sends unless given another. */
  adminKey: string;
  /** The embedded demo's AGENT key as GraphiQL and the console offer it (options.demoAgentRole), or null. */
  demoAgentKey: string | null;
  /** Makes an API key of the given role or scopes in this server's database. */
  createKey(spec: KeySpec): Promise<{ secret: string; id: string }>;
  /** The same helpers, sending another credential (a secret, or null for none). */
  as(secret: string | null): Pick<TestServer, 'graphql' | 'post' | 'data'>;
  /** POSTs one operation over real HTTP. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Same, answering the HTTP status and headers too. */
  post<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  /** Same, failing the test on any top-level error; answers `data`. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** The URL the server connects with, given the test database's (e.g. through a fault-injecting proxy). */
  serverDatabaseUrl?: (url: string) => string;
  /** A key of this role offered as the embedded demo's AGENT key (GraphiQL, the console's demo agent); its secret is `demoAgentKey`. */
  demoAgentRole?: Role;
}

/** The real server on a random port over its own fresh database. */
export async function startTestServer(env: Record<string, string> = {}, log: Logger = createLogger('silent'), options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const serverUrl = options.serverDatabaseUrl?.(database.url) ?? database.url;
  const config = loadConfig({ LOG_LEVEL: 'silent', EXPOSE_SQL_STATEMENT_COUNT: 'true', ...env, DATABASE_URL: serverUrl });
  // The test's own connections see the rows as they are, without the server's timeouts.
  const db = createDataSource({ url: database.url, poolSize: 5, applicationName: 'customer-timeline-test' });
  const served = createDataSource({ url: serverUrl, poolSize: config.DB_POOL_SIZE, timeouts: sessionTimeouts(config) });
  await Promise.all([db.initialize(), served.initialize()]);
  const demoAgentKey = options.demoAgentRole ? (await createKeyIn(database.url, { role: options.demoAgentRole, name: 'demo agent' })).secret : null;
  const server = await createTimelineServer({ config, db: served, schema: await buildTimelineSchema(), log, demoAgentKey });
  const port = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;

  const admin = await createKeyIn(database.url);
  registerCredential(url, admin.secret);
  const helpers = (secret: string | null) => {
    const post = async <T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T> };
    };
    const graphql = async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => (await post<T>(query, variables)).body;
    const data = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
      const response = await graphql<T>(query, variables);
      if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
      return response.data as T;
    };
    return { post, graphql, data };
  };
  const { post, graphql, data } = helpers(admin.secret);

  return {
    adminKey: admin.secret,
    demoAgentKey,
    createKey: (spec) => createKeyIn(database.url, spec),
    as: helpers,
    url,
    databaseUrl: database.url,
    origin: `http://127.0.0.1:${port}`,
    db,
    database: Database.configured(served, config, log),
    config,
    realtime: server.realtime,
    subscriptions: server.subscriptions,
    services: server.services,
    graphql,
    post,
    data,
    async stop() {
      await server.stop();
      await served.destroy().catch(() => undefined);
      await db.destroy();
      await database.drop();
    },
  };
}
