import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createLoaders, createServices, type RequestContext } from './context';
import { ErrorCode } from './errors';
import { graphiqlAssets, graphiqlPage } from './graphiql';
import type { Logger } from './logger';
import { runCountingStatements, type StatementTally } from './sql-statement-count';
import { RealtimeHub } from '../realtime/realtime-hub';
import { attachSubscriptionServer } from '../realtime/websocket-server';

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));
/** Apollo's own codes for requests that are not valid GraphQL; the contract calls them BAD_USER_INPUT. */
const REQUEST_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED']);

export interface TimelineServer {
  httpServer: http.Server;
  /** This process's subscriptions (graphql-ws over /graphql) and their notification listener. */
  realtime: RealtimeHub;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Stops taking requests, closes WebSockets with 1001 (Going Away), lets in-flight HTTP requests
   * finish, then returns. The data source stays open.
   */
  stop(): Promise<void>;
}

export async function createTimelineServer(options: { config: Config; db: DataSource; schema: GraphQLSchema; log: Logger }): Promise<TimelineServer> {
  const { config, db, schema, log } = options;
  const services = createServices(db, config);
  const app = express();
  const httpServer = http.createServer(app);

  const apollo = new ApolloServer<RequestContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: it drains this server first, then closes the pool and the database.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No type or field has a cache hint, so Apollo's default cache-control plugin only ever
      // answered `cache-control: no-store`, yet it wrapped every field resolver to work that out
      // (about 1 ms of a 50-event timeline page). noStorePlugin sends the same header.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin,
      requestLogPlugin(log, config.EXPOSE_SQL_STATEMENT_COUNT),
    ],
    formatError: (formatted, error) => publicError(formatted, error, log),
  });
  await apollo.start();

  // Subscriptions: one LISTEN connection for this process, graphql-ws on the same port and path.
  const connectionString = (db.options as { url?: string }).url;
  if (!connectionString) throw new Error('the data source must be configured with a url');
  const realtime = new RealtimeHub({
    db,
    connectionString,
    log,
    limits: { maxQueued: config.SUBSCRIPTION_MAX_QUEUED, maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES, replayPageSize: config.SUBSCRIPTION_REPLAY_PAGE_SIZE },
  });
  await realtime.start();
  const subscriptions = attachSubscriptionServer({ httpServer, schema, services, hub: realtime, log, config });

  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  if (config.GRAPHIQL) {
    app.get('/graphql', (req, res, next) => {
      if (!req.accepts('html') || req.query.query !== undefined) return next();
      res.type('html').send(graphiqlPage('/graphql'));
    });
    app.use('/graphiql', graphiqlAssets());
  }
  app.use(
    '/graphql',
    express.json({ limit: '10mb' }),
    (req, res, next) => {
      const tally: StatementTally = { statements: 0 };
      res.locals.tally = tally;
      runCountingStatements(tally, next);
    },
    expressMiddleware(apollo, {
      context: async ({ res }) => ({
        services,
        loaders: createLoaders(services),
        log,
        tally: res.locals.tally as StatementTally,
        realtime,
      }),
    }),
  );

  return {
    httpServer,
    realtime,
    listen: (port, host = config.HOST) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      }),
    stop: async () => {
      // WebSockets first: upgraded sockets would otherwise keep the HTTP server from draining.
      await subscriptions.close();
      await apollo.stop();
      await realtime.stop();
    },
  };
}

/** Answers are one customer's data: never to be cached by browsers or proxies. */
const noStorePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

/** One log line per operation: what ran, how long, how many SQL statements; never variables or identifiers. */
function requestLogPlugin(log: Logger, exposeStatementCount: boolean): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operation, operationName, errors, contextValue: context }) {
          const tally = (context ?? contextValue)?.tally;
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          log.info(
            {
              operation: operation?.operation ?? null,
              operationName: operationName ?? null,
              durationMs: Math.round(durationMs * 100) / 100,
              sqlStatements: tally?.statements ?? 0,
              errors: errors?.length ?? 0,
              errorCodes: errors?.length ? [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))] : undefined,
            },
            'graphql request',
          );
          if (exposeStatementCount && response.body.kind === 'single' && tally) {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: tally.statements };
          }
        },
      };
    },
  };
}

/** Known codes pass through; anything else becomes a bare INTERNAL_SERVER_ERROR and is logged. */
function publicError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? '');
  if (REQUEST_CODES.has(code)) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: code } };
  }
  if (PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return { ...formatted, extensions: { ...formatted.extensions, stacktrace: undefined } };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  log.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
