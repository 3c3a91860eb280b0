import { GraphQLError, getOperationAST, parse, validate, type DocumentNode, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type http from 'node:http';
import { WebSocketServer } from 'ws';
import type { Config } from '../app/config';
import { createLoaders, type RequestContext, type Services } from '../app/context';
import { ErrorCode } from '../app/errors';
import type { Logger } from '../app/logger';
import { EndReason } from './errors';
import type { RealtimeHub } from './realtime-hub';

export interface SubscriptionServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  /**
   * Closes every socket with 1001 (Going Away) and stops taking new ones. Sockets that do not
   * finish the closing handshake within `graceMs` are cut off, so a stuck client cannot hold up
   * the shutdown.
   */
  close(graceMs?: number): Promise<void>;
}

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));
const DELIBERATE_REASONS = new Set<string>(Object.values(EndReason));

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
 * - A socket must send `connection_init` within WS_CONNECTION_INIT_TIMEOUT_MS, else graphql-ws
 *   closes it with 4408; a message larger than WS_MAX_PAYLOAD_BYTES closes it with 1009.
 * - A subscription that cannot start (malformed document, unknown customer, forged cursor) gets a
 *   graphql-ws `error` message with `extensions.code`, and the socket stays open for the others.
 * - Each operation gets its own context; each delivered item gets fresh DataLoaders (see
 *   subscription.resolver.ts).
 */
export function attachSubscriptionServer(options: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  services: Services;
  hub: RealtimeHub;
  log: Logger;
  config: Config;
}): SubscriptionServer {
  const { httpServer, schema, services, hub, log, config } = options;
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: config.WS_MAX_PAYLOAD_BYTES });
  const format = (errors: readonly GraphQLError[]) => formatErrors(errors, log);

  // graphql-ws's adapter reports every socket 'error' with console.error as an internal error,
  // including a client breaking the WebSocket protocol (e.g. a message over maxPayload), which ws
  // has already answered with the right close code (1009). Those are the client's fault: log them
  // at debug instead. Registered before useServer, so it runs first on each new socket.
  wss.on('connection', (socket) => {
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
      onSubscribe: (ctx, _id, payload): ExecutionArgs | GraphQLError[] => {
        // graphql-ws has already counted this one.
        if (Object.keys(ctx.subscriptions).length > config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            requestError(
              `At most ${config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection; complete one or open another connection.`,
              'TOO_MANY_SUBSCRIPTIONS',
            ),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [requestError(error instanceof Error ? error.message : String(error), 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid.map((error) => requestError(error.message, 'GRAPHQL_VALIDATION_FAILED', error));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [requestError('Could not tell which operation to run; give `operationName`.', 'OPERATION_RESOLUTION_FAILURE')];
        if (operation.operation !== 'subscription') {
          return [requestError('Only subscriptions are served over WebSocket; send queries and mutations as HTTP POST to /graphql.', 'OPERATION_NOT_SUPPORTED')];
        }
        const contextValue: RequestContext = {
          services,
          loaders: createLoaders(services),
          log,
          tally: { statements: 0 },
          realtime: hub,
          socket: ctx.extra.socket,
        };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onOperation: async (_ctx, _id, _payload, _args, operationResult) => {
        // A subscription that could not start answers like one that failed validation: with an
        // `error` message (the client's sink.error), not a `next` carrying errors.
        const result = await operationResult;
        if (!(Symbol.asyncIterator in result) && result.errors?.length) return failedStart(result.errors);
        return undefined;
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors?.length ? { ...result, errors: format(result.errors) } : undefined),
    },
    wss,
    config.WS_KEEPALIVE_MS,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async close(graceMs = 3000) {
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

/** An iterator whose first pull fails with the start errors; graphql-ws then sends `error`. */
function failedStart(errors: readonly GraphQLError[]): AsyncIterableIterator<never> {
  // Errors without a path come before any resolver ran: variables that do not fit their types.
  const classified = errors.map((error) => (error.path ? error : requestError(error.message, 'BAD_USER_INPUT', error)));
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

/**
 * The same rule as HTTP responses: known codes pass, our own reasons pass, request errors are
 * BAD_USER_INPUT, and anything else is a bare INTERNAL_SERVER_ERROR, logged.
 */
function formatErrors(errors: readonly GraphQLError[], log: Logger): GraphQLFormattedError[] {
  return errors.flatMap((error): GraphQLFormattedError[] => {
    const original = error.originalError;
    if (original instanceof StartFailure) return formatErrors(original.errors, log);
    const extensions = error.extensions ?? {};
    const code = String(extensions.code ?? '');
    const deliberate = DELIBERATE_REASONS.has(String(extensions.reason ?? ''));
    if ((PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) || deliberate) {
      if (extensions.reason === EndReason.SUBSCRIBER_TOO_SLOW) log.warn({ reason: extensions.reason }, 'subscription ended: subscriber too slow');
      return [{ message: error.message, locations: error.locations, path: error.path, extensions: { ...extensions, stacktrace: undefined } }];
    }
    if (!original) {
      return [{ message: error.message, locations: error.locations, extensions: { code: ErrorCode.BAD_USER_INPUT } }];
    }
    log.error({ err: original, path: error.path }, 'unexpected error in a subscription');
    return [{ message: 'Internal server error', path: error.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }];
  });
}
