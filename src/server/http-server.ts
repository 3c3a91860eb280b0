import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { Database } from '../db/database';
import { shapeRules } from '../query-limits/shape-rules';
import type { QueryLimits } from '../query-limits/query-limits';
import { RealtimeHub } from '../realtime/realtime-hub';
import { auditPlugin, noStorePlugin, operationLimitsPlugin, requestLogPlugin, unavailablePlugin } from './apollo-plugins';
import { authenticateHttp } from './http-authentication';
import { publicError } from './error-policy';
import { consolePages } from './console-pages';
import { graphiqlAssets, graphiqlPage } from './graphiql';
import { graphqlOverHttp } from './graphql-over-http';
import { jsonErrorHandler, jsonNotFound } from './http-errors';
import { createRequestContext, type RequestContext } from './request-context';
import { createServices, type Services } from './services';
import { Role, grantedScopes } from '../core/access-scopes';
import type { Viewer } from '../core/viewer';
import { attachSubscriptionServer, type SubscriptionServer } from './websocket-server';
import { WebhookDispatcher, type DispatcherSettings } from '../webhooks/webhook-dispatcher';

export interface TimelineServer {
  httpServer: http.Server;
  /** This process's subscriptions (graphql-ws over /graphql) and their notification listener. */
  realtime: RealtimeHub;
  /** The WebSocket side of those subscriptions: its sockets, and how often items were executed or shared. */
  subscriptions: SubscriptionServer;
  /** The services behind the schema, for the process's own housekeeping (and tests that drive it). */
  services: Services;
  /** This process's webhook dispatcher; null with WEBHOOK_DISPATCHER=false. */
  webhooks: WebhookDispatcher | null;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Begins a shutdown: `/readyz` answers 503 from now on, idle keep-alive connections are closed
   * and every answer asks its client to close the connection. Requests are still served.
   */
  beginShutdown(): void;
  /**
   * Stops taking requests, closes WebSockets with 1001 (Going Away), lets in-flight HTTP requests
   * finish, then returns. The data source stays open.
   */
  stop(): Promise<void>;
}

export function webhookSettings(config: Config): DispatcherSettings {
  return {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
    retryForMs: config.WEBHOOK_RETRY_FOR,
    pauseAfterFailures: config.WEBHOOK_PAUSE_AFTER_FAILURES,
    pauseAfterMs: config.WEBHOOK_PAUSE_AFTER,
    concurrency: config.WEBHOOK_CONCURRENCY,
    concurrencyPerWebhook: config.WEBHOOK_CONCURRENCY_PER_WEBHOOK,
    pollMs: config.WEBHOOK_POLL_MS,
    keepDeliveriesMs: config.WEBHOOK_KEEP_DELIVERIES,
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  };
}

export function queryLimitsOf(config: Config): QueryLimits {
  return { maxDepth: config.MAX_QUERY_DEPTH, maxAliases: config.MAX_QUERY_ALIASES, maxTokens: config.MAX_QUERY_TOKENS, maxCost: config.MAX_QUERY_COST };
}

export interface TimelineServerOptions {
  config: Config;
  db: DataSource;
  schema: GraphQLSchema;
  log: Logger;
  /** The embedded demo's AGENT key, which GraphiQL and the console's "demo agent" offer browsers on this machine. */
  demoAgentKey?: string | null;
  /**
   * Benchmarks only, to measure what access control costs: HTTP requests run without a
   * credential as an ADMIN with an unbounded budget, and nothing is audited, as before access
   * control existed. No configuration reaches it; main.ts never sets it.
   */
  benchmarkBaselineWithoutAccessControl?: boolean;
}

export async function createTimelineServer(options: TimelineServerOptions): Promise<TimelineServer> {
  const { config, schema, log } = options;
  const limits = queryLimitsOf(config);
  const database = Database.configured(options.db, config, log);
  // Subscriptions' LISTEN connection and the recording thread's pool connect on their own.
  const connectionString = (options.db.options as { url?: string }).url;
  if (!connectionString) throw new Error('the data source must be configured with a url');
  const services = createServices(database, config, connectionString);
  const app = express();
  // Requests are handled once everything below is ready (see the end).
  const httpServer = http.createServer();
  // Idle kept-alive connections are left for the proxies in front to close (HTTP_KEEP_ALIVE_TIMEOUT_MS);
  // a request's headers may take as long, and one second more.
  httpServer.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  httpServer.headersTimeout = Math.max(httpServer.headersTimeout, config.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1000);
  let stopping = false;

  const apollo = new ApolloServer<RequestContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: it drains this server first, then closes the pool and the database.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: limits.maxTokens },
    // Compact answers: Apollo indents by default, which costs bytes on the wire and time to write.
    stringifyResult: (value) => JSON.stringify(value),
    validationRules: shapeRules(limits),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No type or field has a cache hint, so Apollo's default cache-control plugin only ever
      // answered `cache-control: no-store`, yet it wrapped every field resolver to work that out.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin,
      ...(options.benchmarkBaselineWithoutAccessControl ? [] : [auditPlugin(services.auditLog, log)]),
      operationLimitsPlugin(schema, limits, services.budgets),
      unavailablePlugin,
      requestLogPlugin(log, config.EXPOSE_SQL_STATEMENT_COUNT),
    ],
    formatError: (formatted, error) => publicError(formatted, error, log, limits),
  });
  await apollo.start();

  const webhooks = config.WEBHOOK_DISPATCHER ? new WebhookDispatcher(database, webhookSettings(config), log) : null;
  await services.recording.start();
  // Subscriptions: one LISTEN connection for this process, graphql-ws on the same port and path.
  const realtime = new RealtimeHub({
    connectionString,
    timeline: services.timeline,
    customers: services.customers,
    log,
    limits: { maxQueued: config.SUBSCRIPTION_MAX_QUEUED, maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES, replayPageSize: config.SUBSCRIPTION_REPLAY_PAGE_SIZE },
    // A commit announced: its webhook deliveries are due now, sooner than the next poll.
    onCommitted: () => webhooks?.wake(),
  });
  await realtime.start();
  const subscriptions = attachSubscriptionServer({ httpServer, schema, services, hub: realtime, log, config, limits });
  webhooks?.start();
  const demoAgentKey = options.demoAgentKey ?? null;
  // The demo key only for a browser on this machine: anyone else who reaches the port brings their own.
  const demoAgentKeyFor = (req: express.Request) => (demoAgentKey && isLoopback(req.socket.remoteAddress) ? demoAgentKey : null);

  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const changeFeed = realtime.isListening ? 'listening' : 'reconnecting';
    if (stopping) return void res.status(503).json({ status: 'stopping', database: database.isReachable ? 'ok' : 'unreachable', changeFeed });
    const answer = await databaseAnswers(database, config.READYZ_TIMEOUT_MS);
    res.status(answer === 'ok' ? 200 : 503).json({ status: answer === 'ok' ? 'ready' : 'not ready', database: answer, changeFeed });
  });
  if (config.GRAPHIQL) {
    app.get('/graphql', (req, res, next) => {
      if (!req.accepts('html') || req.query.query !== undefined) return next();
      res.type('html').send(graphiqlPage('/graphql', demoAgentKeyFor(req)));
    });
    app.use('/graphiql', graphiqlAssets());
  }
  const serveGraphql = graphqlOverHttp(apollo, {
    // The credential before the body: an unauthenticated client cannot make the server read 10 MiB.
    viewer: options.benchmarkBaselineWithoutAccessControl ? async () => BASELINE_VIEWER : authenticateHttp(services.authenticator),
    readBody: express.json({ limit: config.MAX_REQUEST_BYTES }),
    context: (scope, viewer) => createRequestContext({ services, realtime, log, scope, viewer }),
    operationTimeoutMs: config.OPERATION_TIMEOUT_MS,
    connectionsPerRequest: config.DB_CONNECTIONS_PER_REQUEST,
    maxResponseBytes: config.MAX_RESPONSE_BYTES,
    log,
  });
  // Other methods and spellings of the path (GET with a query, /graphql/) come through Express.
  app.use('/graphql', (req, res) => void serveGraphql(req, res));
  if (config.CONSOLE) {
    const login =
      config.CONSOLE_OIDC_CLIENT_ID && config.AUTH_JWT_ISSUER && config.AUTH_JWT_AUDIENCE
        ? { issuer: config.AUTH_JWT_ISSUER, clientId: config.CONSOLE_OIDC_CLIENT_ID, scope: config.CONSOLE_OIDC_SCOPE, audience: config.AUTH_JWT_AUDIENCE }
        : null;
    app.use(consolePages({ demoAgentKeyFor, login }));
  }
  app.use(jsonNotFound);
  app.use(jsonErrorHandler(log));
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    // While shutting down, every answer asks its client to close the connection.
    if (stopping) res.setHeader('connection', 'close');
    // POST /graphql, nearly every request, goes straight to GraphQL: Express's router and its
    // request and response objects cost about 0.1 ms of CPU per request.
    if (req.method === 'POST' && pathOf(req.url) === '/graphql') void serveGraphql(req, res);
    else app(req, res);
  });

  return {
    httpServer,
    realtime,
    subscriptions,
    services,
    webhooks,
    listen: (port, host = config.HOST ?? '0.0.0.0') =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      }),
    beginShutdown: () => {
      stopping = true;
      httpServer.closeIdleConnections();
    },
    stop: async () => {
      stopping = true;
      // WebSockets first: upgraded sockets would otherwise keep the HTTP server from draining.
      await subscriptions.close();
      await apollo.stop();
      // After the requests in flight: their recordings finish first.
      await services.recording.stop();
      await realtime.stop();
      // POSTs in flight finish (within their deadline) and their outcomes are written before the pool closes.
      await webhooks?.stop();
      await services.apiKeys.flushUse().catch(() => undefined);
    },
  };
}

const BASELINE_VIEWER: Viewer = {
  id: 'benchmark-baseline',
  name: 'benchmark baseline',
  role: Role.ADMIN,
  scopes: grantedScopes(Role.ADMIN, []),
  credential: 'api-key',
  apiKeyId: null,
  expiresAt: null,
  budget: { capacity: Number.MAX_SAFE_INTEGER, refillPerSecond: Number.MAX_SAFE_INTEGER },
};

/** The path of a request's URL, without its query. */
function pathOf(url: string | undefined): string {
  if (!url) return '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** `SELECT 1` within `timeoutMs`: 'ok', 'timeout' or 'unreachable'. */
async function databaseAnswers(database: Database, timeoutMs: number): Promise<'ok' | 'timeout' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const answer = database.query('SELECT 1').then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
