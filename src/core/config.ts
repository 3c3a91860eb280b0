import { z } from 'zod';
import path from 'node:path';

/**
 * Defaults of the WebSocket and subscription bounds; each can be changed in the environment
 * (the variable named beside it), and the schema describes these defaults.
 */
export const SUBSCRIPTION_DEFAULTS = {
  /**
   * Undelivered items a subscription may leave waiting when more arrive (SUBSCRIPTION_MAX_QUEUED).
   * Ten full recordEvents batches: a subscriber following every customer during an import from
   * several writers was ended at 1000, one batch still waiting when the next committed. Waiting
   * items are references to events every subscriber shares, not copies.
   */
  maxQueued: 10_000,
  /** Unsent bytes on one socket beyond which a new item ends its subscription (WS_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: 8 * 1024 * 1024,
  /** Subscriptions one connection may hold at once (WS_MAX_SUBSCRIPTIONS_PER_CONNECTION). */
  subscriptionsPerConnection: 100,
  /** Largest message a client may send (WS_MAX_PAYLOAD_BYTES); larger closes the socket with 1009. */
  maxPayloadBytes: 1024 * 1024,
  /** Time a new socket has to send connection_init (WS_CONNECTION_INIT_TIMEOUT_MS); then 4408. */
  connectionInitTimeoutMs: 3000,
  /** Events per query of a replay (SUBSCRIPTION_REPLAY_PAGE_SIZE). */
  replayPageSize: 500,
  /** Ping interval; a socket that does not answer within one more interval is cut off (WS_KEEPALIVE_MS). */
  keepAliveMs: 12_000,
} as const;

/** Bounds on every GraphQL request, checked before anything runs; see the README's "Limits". */
export const REQUEST_DEFAULTS = {
  /** Nesting of selections (MAX_QUERY_DEPTH). */
  maxDepth: 12,
  /** Aliased fields, fragments expanded (MAX_QUERY_ALIASES). */
  maxAliases: 30,
  /** Lexical tokens of the document; variables do not count (MAX_QUERY_TOKENS). */
  maxTokens: 15_000,
  /** Computed cost: every field 1, a connection times its page size, a batch times its items (MAX_QUERY_COST). */
  maxCost: 50_000,
  /** Time one operation may take, database included (OPERATION_TIMEOUT_MS). */
  operationTimeoutMs: 10_000,
  /** Largest request body (MAX_REQUEST_BYTES). */
  maxRequestBytes: 10 * 1024 * 1024,
  /** Largest query response (MAX_RESPONSE_BYTES). */
  maxResponseBytes: 16 * 1024 * 1024,
  /** Pooled connections one request may hold at once (DB_CONNECTIONS_PER_REQUEST). */
  connectionsPerRequest: 3,
  /** Open WebSocket connections one process accepts (WS_MAX_CONNECTIONS). */
  maxWebSocketConnections: 10_000,
  /**
   * After SIGTERM, how long the server goes on answering (with `/readyz` at 503 and
   * `Connection: close`) so that load balancers stop sending before it stops listening (SHUTDOWN_DELAY_MS).
   */
  shutdownDelayMs: 1000,
  /**
   * How long an idle kept-alive HTTP connection stays open (HTTP_KEEP_ALIVE_TIMEOUT_MS): longer
   * than the idle timeout of the load balancers and proxies in front (60 s for AWS's and for
   * nginx's upstream connections), so that they close idle connections, not this server. With
   * Node's 5 s, a client reusing a connection idle that long can send on one the server is
   * closing and get a reset.
   */
  keepAliveTimeoutMs: 65_000,
} as const;

/** Server-side and client-side bounds on database work (milliseconds). */
export const DATABASE_DEFAULTS = {
  /** statement_timeout of every pooled connection (DB_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: 5000,
  /** lock_timeout (DB_LOCK_TIMEOUT_MS). */
  lockTimeoutMs: 2000,
  /** idle_in_transaction_session_timeout (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
  idleInTransactionTimeoutMs: 10_000,
  /** Waiting for a free pooled connection, or for a new one to open (DB_ACQUIRE_TIMEOUT_MS). */
  acquireTimeoutMs: 3000,
  /** `/readyz` answers 503 when the database has not answered `SELECT 1` by then (READYZ_TIMEOUT_MS). */
  readinessTimeoutMs: 1000,
} as const;

/** Credentials: query budgets and WebSocket bounds (see the README's "Access"). */
export const ACCESS_DEFAULTS = {
  /** API keys (machines, mostly): points held, points back per second (BUDGET_KEY_CAPACITY, BUDGET_KEY_REFILL_PER_SECOND). */
  keyBudget: { capacity: 100_000, refillPerSecond: 2_000 },
  /** Company-login users (BUDGET_USER_CAPACITY, BUDGET_USER_REFILL_PER_SECOND). */
  userBudget: { capacity: 20_000, refillPerSecond: 500 },
  /** Open WebSocket connections one credential may hold on one process (WS_MAX_CONNECTIONS_PER_CREDENTIAL). */
  socketsPerCredential: 20,
  /** Claim of a company-login token that names its role (AUTH_JWT_ROLE_CLAIM). */
  roleClaim: 'role',
} as const;

/** When a customer counts as at risk or churned (see the README's "Insights"). */
export const LIFECYCLE_DEFAULTS = {
  /** At risk once the last purchase is longer ago than this many days, or twice their usual gap between purchases if longer. */
  atRiskDays: 90,
  /** Churned once it is longer ago than this many days, or four times their usual gap if longer. */
  churnedDays: 180,
  atRiskRhythm: 2,
  churnedRhythm: 4,
  conversionWindow: '30d',
} as const;

/** How cases behave (see the README's "Cases"). */
export const CASE_DEFAULTS = {
  /** A case resolved less than this long before an interaction takes it (reopening it when inbound); older ones are CLOSED. */
  reopenWindow: '24h',
} as const;

export const WEBHOOK_DEFAULTS = {
  /** A receiver has this long to answer a POST. */
  timeoutMs: 10_000,
  /** The first retry waits about this long; each next one twice as long, up to retryMaxMs. */
  retryBaseMs: 10_000,
  retryMaxMs: 3_600_000,
  /** A delivery is retried for this long after it was written, then given up (FAILED). */
  retryFor: '72h',
  /** A webhook is paused after this many failed attempts in a row, all within at least pauseAfter. */
  pauseAfterFailures: 50,
  pauseAfter: '1h',
  /** POSTs in flight per server process, and per webhook (so one slow receiver cannot take them all). */
  concurrency: 256,
  concurrencyPerWebhook: 32,
  /** How often an idle dispatcher looks for work. */
  pollMs: 100,
  /** Finished deliveries (delivered, failed, cancelled) are kept this long for `deliveries` and replay, then deleted. */
  keepDeliveries: '7d',
} as const;

/** A duration such as "24h", "90m", "2d", "45s": in milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
      if (!match || Number(match[1]) === 0) {
        ctx.addIssue({ code: 'custom', message: 'a duration such as 24h, 90m, 2d or 45s' });
        return z.NEVER;
      }
      return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
    });

const milliseconds = (fallback: number) => z.coerce.number().int().min(1).max(3_600_000).default(fallback);

/** Every setting the server reads from the environment, validated once at start-up. */
const environment = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Where to listen; 127.0.0.1 for the embedded demo (its keys are for this machine), 0.0.0.0 otherwise. */
  HOST: z.string().optional(),
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
  /**
   * The recording thread's pool for large batches: one connection for each stored at once (others
   * wait their turn). The transaction single events and small batches share has one more of its own.
   */
  DB_RECORDING_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(4),
  /** Serve GraphiQL at GET /graphql for browsers. */
  GRAPHIQL: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Serve the agent console (the built console/ folder) at / for browsers. */
  CONSOLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Subscriptions over WebSocket (graphql-ws); defaults in SUBSCRIPTION_DEFAULTS above. */
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(SUBSCRIPTION_DEFAULTS.connectionInitTimeoutMs),
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(SUBSCRIPTION_DEFAULTS.maxPayloadBytes),
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(SUBSCRIPTION_DEFAULTS.maxBufferedBytes),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(SUBSCRIPTION_DEFAULTS.subscriptionsPerConnection),
  WS_KEEPALIVE_MS: z.coerce.number().int().min(0).default(SUBSCRIPTION_DEFAULTS.keepAliveMs),
  SUBSCRIPTION_MAX_QUEUED: z.coerce.number().int().min(1).max(1_000_000).default(SUBSCRIPTION_DEFAULTS.maxQueued),
  SUBSCRIPTION_REPLAY_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(SUBSCRIPTION_DEFAULTS.replayPageSize),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).max(100).default(REQUEST_DEFAULTS.maxDepth),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(10_000).default(REQUEST_DEFAULTS.maxAliases),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(REQUEST_DEFAULTS.maxTokens),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(REQUEST_DEFAULTS.maxCost),
  OPERATION_TIMEOUT_MS: milliseconds(REQUEST_DEFAULTS.operationTimeoutMs),
  MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).default(REQUEST_DEFAULTS.maxRequestBytes),
  MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(REQUEST_DEFAULTS.maxResponseBytes),
  DB_CONNECTIONS_PER_REQUEST: z.coerce.number().int().min(1).max(100).default(REQUEST_DEFAULTS.connectionsPerRequest),
  WS_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(REQUEST_DEFAULTS.maxWebSocketConnections),
  DB_STATEMENT_TIMEOUT_MS: milliseconds(DATABASE_DEFAULTS.statementTimeoutMs),
  DB_LOCK_TIMEOUT_MS: milliseconds(DATABASE_DEFAULTS.lockTimeoutMs),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: milliseconds(DATABASE_DEFAULTS.idleInTransactionTimeoutMs),
  DB_ACQUIRE_TIMEOUT_MS: milliseconds(DATABASE_DEFAULTS.acquireTimeoutMs),
  READYZ_TIMEOUT_MS: milliseconds(DATABASE_DEFAULTS.readinessTimeoutMs),
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(REQUEST_DEFAULTS.shutdownDelayMs),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds(REQUEST_DEFAULTS.keepAliveTimeoutMs),
  BUDGET_KEY_CAPACITY: z.coerce.number().int().min(1).default(ACCESS_DEFAULTS.keyBudget.capacity),
  BUDGET_KEY_REFILL_PER_SECOND: z.coerce.number().int().min(1).default(ACCESS_DEFAULTS.keyBudget.refillPerSecond),
  BUDGET_USER_CAPACITY: z.coerce.number().int().min(1).default(ACCESS_DEFAULTS.userBudget.capacity),
  BUDGET_USER_REFILL_PER_SECOND: z.coerce.number().int().min(1).default(ACCESS_DEFAULTS.userBudget.refillPerSecond),
  WS_MAX_CONNECTIONS_PER_CREDENTIAL: z.coerce.number().int().min(1).default(ACCESS_DEFAULTS.socketsPerCredential),
  /** Origins (scheme://host:port, comma-separated) browsers may open WebSockets from, beside this server's own. */
  WS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean)),
  /** OpenID Connect: all three turn company-login tokens on. */
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_JWT_ROLE_CLAIM: z.string().min(1).default(ACCESS_DEFAULTS.roleClaim),
  /**
   * The console's company login: the client id of a public client (authorization code with PKCE)
   * registered at AUTH_JWT_ISSUER with the redirect URI <console origin>/login/callback.
   */
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CONSOLE_OIDC_SCOPE: z.string().min(1).default('openid profile email'),
  /** Key of the hashes that suppressed identifiers are kept as (at least 32 characters); kept in the database when unset. */
  PRIVACY_HASH_KEY: z.string().min(32).optional(),
  /** Where the embedded demo writes its API keys; next to EMBEDDED_PG_DIR by default. */
  DEMO_KEYS_FILE: z.string().optional(),
  LIFECYCLE_AT_RISK_DAYS: z.coerce.number().int().min(1).max(3650).default(LIFECYCLE_DEFAULTS.atRiskDays),
  LIFECYCLE_CHURNED_DAYS: z.coerce.number().int().min(1).max(3650).default(LIFECYCLE_DEFAULTS.churnedDays),
  /** How soon after a lead is created a first purchase counts as its conversion; in milliseconds. */
  CONVERSION_WINDOW: duration(LIFECYCLE_DEFAULTS.conversionWindow),
  /** CASE_REOPEN_WINDOW, in milliseconds. */
  CASE_REOPEN_WINDOW: duration(CASE_DEFAULTS.reopenWindow),
  /** Webhooks (README, "Webhooks"). Private, loopback and link-local targets only when true: development and tests. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Whether this process sends webhook deliveries (every process does by default; they share the work). */
  WEBHOOK_DISPATCHER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(WEBHOOK_DEFAULTS.timeoutMs),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(WEBHOOK_DEFAULTS.retryBaseMs),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(10).default(WEBHOOK_DEFAULTS.retryMaxMs),
  WEBHOOK_RETRY_FOR: duration(WEBHOOK_DEFAULTS.retryFor),
  WEBHOOK_PAUSE_AFTER_FAILURES: z.coerce.number().int().min(1).default(WEBHOOK_DEFAULTS.pauseAfterFailures),
  WEBHOOK_PAUSE_AFTER: duration(WEBHOOK_DEFAULTS.pauseAfter),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(WEBHOOK_DEFAULTS.concurrency),
  WEBHOOK_CONCURRENCY_PER_WEBHOOK: z.coerce.number().int().min(1).max(1000).default(WEBHOOK_DEFAULTS.concurrencyPerWebhook),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(WEBHOOK_DEFAULTS.pollMs),
  WEBHOOK_KEEP_DELIVERIES: duration(WEBHOOK_DEFAULTS.keepDeliveries),
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
  const config = parsed.data;
  const jwt = [config.AUTH_JWT_ISSUER, config.AUTH_JWT_AUDIENCE, config.AUTH_JWKS_URL].filter(Boolean).length;
  if (jwt !== 0 && jwt !== 3) throw new Error('Invalid configuration: set all of AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE and AUTH_JWKS_URL, or none.');
  if (config.CONSOLE_OIDC_CLIENT_ID && !config.AUTH_JWT_ISSUER) throw new Error('Invalid configuration: CONSOLE_OIDC_CLIENT_ID needs AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE and AUTH_JWKS_URL.');
  return config;
}
