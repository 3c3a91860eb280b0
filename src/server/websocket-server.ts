import { GraphQLError, getOperationAST, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { KEY_CACHE_MS } from '../access/authenticator';
import type { Config } from '../core/config';
import { ErrorCode, rateLimited } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Viewer } from '../core/viewer';
import { newRequestScope, runInScope } from '../core/request-scope';
import { CheckedDocuments } from '../query-limits/checked-documents';
import { costReport } from '../query-limits/operation-cost';
import type { QueryLimits } from '../query-limits/query-limits';
import { unstorableInput } from '../query-limits/unstorable-input';
import { EndReason } from '../realtime/errors';
import type { RealtimeHub } from '../realtime/realtime-hub';
import { limitsFor } from './apollo-plugins';
import { publicError } from './error-policy';
import { SerialisedAnswer } from './serialised-answers';
import { SharedSubscriptionResults, subscriptionShape, type AnswerSink, type SharedItemResult } from './shared-subscription-results';
import { keepSocketsAlive } from './socket-keepalive';
import { nextFrameHead, writeFramesByTurn, writeNextFrame } from './socket-writes';
import { SubscriptionAudit } from './subscription-audit';
import { createRequestContext, type RequestContext } from './request-context';
import type { Services } from './services';

export interface SubscriptionServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Subscription items executed, and answers reused by subscribers of the same shape, since start. */
  readonly itemAnswers: { readonly executed: number; readonly reused: number };
  /**
   * Closes every socket with 1001 (Going Away) and stops taking new ones. Sockets that do not
   * finish the closing handshake within `graceMs` are cut off, so a stuck client cannot hold up
   * the shutdown.
   */
  close(graceMs?: number): Promise<void>;
}

/** Carries the errors of a subscription that could not start to onError, which formats them. */
class StartFailure extends Error {
  constructor(readonly errors: readonly GraphQLError[]) {
    super(errors.map((error) => error.message).join('; '));
  }
}

/**
 * GraphQL subscriptions over WebSocket, with the graphql-ws protocol, on the HTTP server's own
 * port and path (/graphql). Only subscriptions are served here; queries and mutations go over HTTP.
 *
 * - The same bounds as HTTP (tokens, depth, aliases, cost) before anything runs, the same
 *   context, and the same error policy.
 * - At most WS_MAX_CONNECTIONS sockets per process: more are refused at the upgrade (HTTP 503).
 *   A browser's socket must come from this server's own origin or one of WS_ALLOWED_ORIGINS (403).
 * - `connection_init` must carry `{ authorization: "Bearer <credential>" }`, else 4403; at most
 *   WS_MAX_CONNECTIONS_PER_CREDENTIAL sockets per credential (1013 beyond). A socket closes with
 *   4403 when its credential expires or is revoked (within 5 s on every process).
 * - A socket must send `connection_init` within WS_CONNECTION_INIT_TIMEOUT_MS, else graphql-ws
 *   closes it with 4408; a message larger than WS_MAX_PAYLOAD_BYTES closes it with 1009.
 * - A subscription that cannot start (malformed document, unknown customer, forged cursor) gets a
 *   graphql-ws `error` message with `extensions.code`, and the socket stays open for the others.
 */
export function attachSubscriptionServer(options: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  services: Services;
  hub: RealtimeHub;
  log: Logger;
  config: Config;
  limits: QueryLimits;
}): SubscriptionServer {
  const { httpServer, schema, services, hub, log, config, limits } = options;
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: config.WS_MAX_PAYLOAD_BYTES,
    verifyClient: (info, done) => {
      if (wss.clients.size >= config.WS_MAX_CONNECTIONS) return done(false, 503, 'Too many WebSocket connections on this server; retry later or on another one.', { 'Retry-After': '5' });
      if (!originAllowed(info.origin, info.req.headers.host, info.secure, config.WS_ALLOWED_ORIGINS)) return done(false, 403, 'WebSockets from this origin are not allowed.');
      done(true);
    },
  });
  const keepAlive = keepSocketsAlive(wss, config.WS_KEEPALIVE_MS);
  const viewers = new WeakMap<WebSocket, Viewer>();
  const socketsByCredential = new Map<string, Set<WebSocket>>();
  const subscriptionAudit = new SubscriptionAudit(services.auditLog, log);
  const sharedResults = new SharedSubscriptionResults();
  const documents = new CheckedDocuments(schema);
  /** Each subscription's shape (what its items' answers depend on) and where its answers go, by its context. */
  const subscriptions = new WeakMap<object, { shape: string; sink: AnswerSink }>();
  const closeForCredential = (socket: WebSocket, why: string) => socket.close(4403, why);
  // Revoked or expired keys: every socket they hold is closed within KEY_CACHE_MS, whichever process revoked them.
  const sweep = setInterval(async () => {
    const keyIds = [...new Set([...socketsByCredential.values()].flatMap((set) => [...set].map((socket) => viewers.get(socket)?.apiKeyId).filter((id): id is string => !!id)))];
    if (keyIds.length === 0) return;
    try {
      const unusable = await services.apiKeys.unusable(keyIds);
      for (const set of socketsByCredential.values()) for (const socket of set) if (unusable.has(viewers.get(socket)?.apiKeyId ?? '')) closeForCredential(socket, 'Credential revoked or expired');
    } catch {
      // The database is away: sockets stay until the next sweep can tell.
    }
  }, KEY_CACHE_MS);
  sweep.unref();
  const revoked = (apiKeyId: string) => {
    for (const set of socketsByCredential.values()) for (const socket of set) if (viewers.get(socket)?.apiKeyId === apiKeyId) closeForCredential(socket, 'Credential revoked');
  };
  services.authenticator.onForget(revoked);
  const format = (errors: readonly GraphQLError[]) => formatErrors(errors, log, limits);
  const answers = new AnswerFrames(subscriptionAudit, format, limits);

  // graphql-ws's adapter reports every socket 'error' with console.error as an internal error,
  // including a client breaking the WebSocket protocol (e.g. a message over maxPayload), which ws
  // has already answered with the right close code (1009). Those are the client's fault: log them
  // at debug instead. Registered before useServer, so it runs first on each new socket.
  wss.on('connection', (socket, request) => {
    writeFramesByTurn(socket, request.socket);
    const once = socket.once.bind(socket);
    socket.once = ((event: string, listener: (...args: any[]) => void) =>
      event === 'error'
        ? once('error', (error: Error & { code?: string }) => {
            if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) log.debug({ code: error.code }, 'WebSocket closed: the client broke the protocol');
            else listener(error);
          })
        : once(event, listener)) as typeof socket.once;
  });

  const graphqlWs = useServer(
    {
      schema,
      connectionInitWaitTimeout: config.WS_CONNECTION_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        // graphql-ws keeps the upgrade request for the socket's whole life, and nothing here reads
        // it again: its headers and parser state were a tenth of what an idle subscriber holds.
        (ctx.extra as { request: unknown }).request = null;
        const authorization = (ctx.connectionParams as { authorization?: unknown } | undefined)?.authorization;
        let viewer: Viewer | null;
        try {
          viewer = await services.authenticator.authenticate(typeof authorization === 'string' ? authorization : null);
        } catch {
          // The database or the company login's keys are away: the credential may well be
          // good, so "try again later" (1013), not 4403, which tells a client to sign in again.
          socket.close(1013, 'Credentials cannot be checked right now; reconnect in a few seconds.');
          return false;
        }
        if (!viewer) return false;
        const held = socketsByCredential.get(viewer.id) ?? new Set<WebSocket>();
        if (held.size >= config.WS_MAX_CONNECTIONS_PER_CREDENTIAL) {
          socket.close(1013, `At most ${config.WS_MAX_CONNECTIONS_PER_CREDENTIAL} connections per credential; close one first.`);
          return false;
        }
        held.add(socket);
        socketsByCredential.set(viewer.id, held);
        viewers.set(socket, viewer);
        const expiry = viewer.expiresAt ? setTimeout(() => closeForCredential(socket, 'Credential expired'), Math.min(viewer.expiresAt.getTime() - Date.now(), 2 ** 31 - 1)) : null;
        expiry?.unref();
        socket.once('close', () => {
          if (expiry) clearTimeout(expiry);
          held.delete(socket);
          if (held.size === 0) socketsByCredential.delete(viewer.id);
        });
        return true;
      },
      onSubscribe: (ctx, id, payload): ExecutionArgs | GraphQLError[] => {
        const viewer = viewers.get(ctx.extra.socket);
        if (!viewer || (viewer.expiresAt && viewer.expiresAt.getTime() <= Date.now())) {
          ctx.extra.socket.close(4403, 'Credential expired');
          return [new GraphQLError('The credential of this connection has expired.', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        }
        // graphql-ws has already counted this one.
        if (Object.keys(ctx.subscriptions).length > config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            requestError(
              `At most ${config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection; complete one or open another connection.`,
              'TOO_MANY_SUBSCRIPTIONS',
            ),
          ];
        }
        const checked = documents.check(payload.query, payload.operationName, payload.variables ?? undefined, limitsFor(limits, viewer));
        if ('errors' in checked) {
          return checked.errors.map((error) =>
            error.extensions?.code ? error : requestError(error.message, error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED', error),
          );
        }
        const operation = getOperationAST(checked.document, payload.operationName);
        if (!operation) return [requestError('Could not tell which operation to run; give `operationName`.', 'OPERATION_RESOLUTION_FAILURE')];
        if (operation.operation !== 'subscription') {
          return [requestError('Only subscriptions are served over WebSocket; send queries and mutations as HTTP POST to /graphql.', 'OPERATION_NOT_SUPPORTED')];
        }
        const unstorable = unstorableInput(operation, checked.document, payload.variables);
        if (unstorable) return [unstorable];
        // The subscribe phase (customer lookup, cursor check, replay registration) runs within
        // the same bounds as an HTTP request; deliveries afterwards are bounded per item.
        const taken = services.budgets.take(viewer, checked.cost);
        if (!taken.ok) return [rateLimited(`This credential's query budget is spent for now: this subscription costs ${checked.cost}.`, taken.retryAfterSeconds)];
        const scope = newRequestScope({ timeoutMs: config.OPERATION_TIMEOUT_MS, maxConnections: config.DB_CONNECTIONS_PER_REQUEST });
        const contextValue = createRequestContext({ services, realtime: hub, log, scope, viewer, socket: ctx.extra.socket });
        contextValue.info.operation = 'subscription';
        contextValue.info.requestedCost = checked.cost;
        subscriptions.set(contextValue, {
          shape: subscriptionShape(viewer, payload.query, payload.operationName, payload.variables),
          sink: new SubscriberAnswers(answers, contextValue, operation.name?.value ?? null, ctx.extra.socket, nextFrameHead(id)),
        });
        return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      subscribe: async (args) => {
        const scope = (args.contextValue as RequestContext).info.scope!;
        try {
          const { shape, sink } = subscriptions.get(args.contextValue as object)!;
          return await runInScope(scope, () => sharedResults.subscribe(args, shape, sink));
        } finally {
          // The deadline bounds the subscribe phase; a subscription then lives as long as it is wanted.
          scope.deadline = Number.POSITIVE_INFINITY;
          // Nor does it keep what the subscribe phase was read with.
          (args.contextValue as RequestContext).renewLoaders();
        }
      },
      onOperation: async (_ctx, _id, _payload, _args, operationResult) => {
        // A subscription that could not start answers like one that failed validation: with an
        // `error` message (the client's sink.error), not a `next` carrying errors.
        const result = await operationResult;
        if (!(Symbol.asyncIterator in result) && result.errors?.length) return failedStart(result.errors);
        return undefined;
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
    // Pings are keepSocketsAlive's: one timer for every socket rather than graphql-ws's two per socket.
    0,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    itemAnswers: sharedResults.stats,
    async close(graceMs = 3000) {
      clearInterval(sweep);
      keepAlive.stop();
      await subscriptionAudit.flush();
      const sockets = [...wss.clients];
      const cutOff = setTimeout(() => {
        for (const socket of sockets) if (socket.readyState !== socket.CLOSED) socket.terminate();
      }, graceMs);
      try {
        // Sends close 1001 "Going away" to every client, then waits until all have closed.
        await graphqlWs.dispose();
      } finally {
        clearTimeout(cutOff);
      }
    },
  };
}

/**
 * What turns a shared answer into frames: the payload is the same for every subscriber of the
 * shape (the errors and the cost report depend only on it) and written as JSON once; what it
 * showed is audited for each subscriber's own credential.
 */
class AnswerFrames {
  constructor(
    private readonly audit: SubscriptionAudit,
    private readonly format: (errors: readonly GraphQLError[]) => GraphQLFormattedError[],
    private readonly limits: QueryLimits,
  ) {}

  send(subscriber: SubscriberAnswers, shared: SharedItemResult): Promise<void> | void {
    const { context, operationName } = subscriber;
    if (shared.shown.length > 0) this.audit.add(context.viewer, operationName, shared.shown);
    const { result } = shared;
    const sent = (shared.sent ??= new SerialisedAnswer({
      ...result,
      ...(result.errors?.length ? { errors: this.format(result.errors) as never } : {}),
      extensions: { ...result.extensions, cost: costReport(context.info.requestedCost, result.data, this.limits.maxCost) },
    }));
    return writeNextFrame(subscriber.socket, subscriber.frameHead, sent.frameEndText());
  }
}

/** Where one subscription's answers go. A class, as 10,000 subscribers hold one each. */
class SubscriberAnswers implements AnswerSink {
  constructor(
    private readonly answers: AnswerFrames,
    readonly context: RequestContext,
    readonly operationName: string | null,
    readonly socket: WebSocket,
    readonly frameHead: string,
  ) {}

  send(shared: SharedItemResult): Promise<void> | void {
    return this.answers.send(this, shared);
  }
}

/**
 * Browsers send Origin; other clients do not, and carry their credential in connection_init
 * anyway. A browser may connect from this server's own origin, or one listed in WS_ALLOWED_ORIGINS.
 */
function originAllowed(origin: string | undefined, host: string | undefined, secure: boolean, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  return !!host && (origin === `${secure ? 'https' : 'http'}://${host}`);
}

/** An iterator whose first pull fails with the start errors; graphql-ws then sends `error`. */
function failedStart(errors: readonly GraphQLError[]): AsyncIterableIterator<never> {
  // Errors without a path come before any resolver ran: variables that do not fit their types.
  const classified = errors.map((error) => (error.path || error.extensions?.code ? error : requestError(error.message, 'BAD_USER_INPUT', error)));
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => Promise.reject(new StartFailure(classified)),
    return: async () => ({ done: true, value: undefined }),
  };
}

function requestError(message: string, reason: string, located?: GraphQLError): GraphQLError {
  return new GraphQLError(message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    extensions: { code: ErrorCode.BAD_USER_INPUT, reason },
  });
}

/** The server's one error policy (error-policy.ts), and a log line when a slow subscriber is cut off. */
function formatErrors(errors: readonly GraphQLError[], log: Logger, limits: QueryLimits): GraphQLFormattedError[] {
  return errors.flatMap((error): GraphQLFormattedError[] => {
    if (error.originalError instanceof StartFailure) return formatErrors(error.originalError.errors, log, limits);
    if (error.extensions?.reason === EndReason.SUBSCRIBER_TOO_SLOW) log.warn({ reason: error.extensions.reason }, 'subscription ended: subscriber too slow');
    return [publicError(error.toJSON(), error, log, limits)];
  });
}
