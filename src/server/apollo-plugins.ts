import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { RETRY_AFTER_SECONDS } from '../core/errors';
import type { Logger } from '../core/logger';
import { checkCost } from '../query-limits/check-operation';
import { costReport } from '../query-limits/operation-cost';
import type { QueryLimits } from '../query-limits/query-limits';
import { unstorableInput } from '../query-limits/unstorable-input';
import { hasUnavailable } from './error-policy';
import type { RequestContext } from './request-context';

/**
 * The cost bound, after validation and before execution (so page sizes given as variables
 * count), unstorable text in a query's arguments, and `extensions.cost` on every response.
 * Depth, aliases and tokens are bounded by the validation rules and parse options the server
 * is built with.
 */
export function operationLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, operation, contextValue }) {
          contextValue.info.operation = operation?.operation ?? null;
          contextValue.info.requestedCost = checkCost(schema, document, request.operationName, request.variables, limits);
          const unstorable = operation ? unstorableInput(operation, document, request.variables) : null;
          if (unstorable) throw unstorable;
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: costReport(contextValue?.info.requestedCost ?? 0, result.data, limits.maxCost) };
        },
      };
    },
  };
}

/** The database cannot be reached: HTTP 503 with Retry-After, so clients and proxies back off. */
export const unavailablePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind === 'single' && hasUnavailable(response.body.singleResult.errors)) {
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        }
      },
    };
  },
};

/** Answers are one customer's data: never to be cached by browsers or proxies. */
export const noStorePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

/** One log line per operation: what ran, how long, its cost and SQL statements; never variables or identifiers. */
export function requestLogPlugin(log: Logger, exposeStatementCount: boolean): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operation, operationName, errors, contextValue }) {
          const statements = contextValue?.info.scope?.statements ?? 0;
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          log.info(
            {
              operation: operation?.operation ?? null,
              operationName: operationName ?? null,
              durationMs: Math.round(durationMs * 100) / 100,
              sqlStatements: statements,
              cost: contextValue?.info.requestedCost ?? 0,
              errors: errors?.length ?? 0,
              errorCodes: errors?.length ? [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))] : undefined,
            },
            'graphql request',
          );
          if (exposeStatementCount && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: statements };
          }
        },
      };
    },
  };
}
