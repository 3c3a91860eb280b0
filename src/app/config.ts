import { z } from 'zod';
import path from 'node:path';
import { DEFAULT_LIMITS } from '../realtime/limits';

/** Every setting the server reads from the environment, validated once at start-up. */
const environment = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  /** Folder of the embedded PostgreSQL used when DATABASE_URL is not set. */
  EMBEDDED_PG_DIR: z.string().default(path.join(process.cwd(), '.data', 'postgres')),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Region used to read national phone numbers such as "020 7946 0958". */
  DEFAULT_PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US or GB')
    .default('US'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Serve GraphiQL at GET /graphql for browsers. */
  GRAPHIQL: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Subscriptions over WebSocket (graphql-ws); defaults in src/realtime/limits.ts. */
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(DEFAULT_LIMITS.connectionInitTimeoutMs),
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(DEFAULT_LIMITS.maxPayloadBytes),
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_LIMITS.maxBufferedBytes),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_LIMITS.subscriptionsPerConnection),
  WS_KEEPALIVE_MS: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.keepAliveMs),
  SUBSCRIPTION_MAX_QUEUED: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_LIMITS.maxQueued),
  SUBSCRIPTION_REPLAY_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_LIMITS.replayPageSize),
  /** Report the number of SQL statements a request ran in `extensions.sqlStatements`. */
  EXPOSE_SQL_STATEMENT_COUNT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type Config = z.infer<typeof environment>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL= npm start`) means "not set", as in most tools.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environment.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
