import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { AuditLog } from '../access/audit-log.service';
import type { QueryBudgets } from '../access/query-budgets';
import { ErrorCode, RETRY_AFTER_SECONDS, rateLimited, serviceUnavailable } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Viewer } from '../core/viewer';
import { checkCost } from '../query-limits/check-operation';
import { costReport } from '../query-limits/operation-cost';
import type { QueryLimits } from '../query-limits/query-limits';
import { unstorableInput } from '../query-limits/unstorable-input';
import { hasUnavailable } from './error-policy';
import type { RequestContext } from './request-context';

/**
 * The cost bound, after validation and before execution (so page sizes given as variables
 * count), the caller's budget, unstorable text in a query's arguments, and `extensions.cost`
 * and `RateLimit-*` headers on every response. A caller's per-query bound is the smaller of
 * MAX_QUERY_COST and its budget's capacity; the requested cost is reserved from its budget and
 * what the answer did not use is given back. Depth, aliases and tokens are bounded by the
 * validation rules and parse options the server is built with.
 */
export function operationLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits, budgets: QueryBudgets): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let reserved = 0;
      return {
        async didResolveOperation({ document, request, operation, contextValue }) {
          const { viewer, info } = contextValue;
          info.operation = operation?.operation ?? null;
          const cost = checkCost(schema, document, request.operationName, request.variables, limitsFor(limits, viewer));
          info.requestedCost = cost;
          const unstorable = operation ? unstorableInput(operation, document, request.variables) : null;
          if (unstorable) throw unstorable;
          const taken = budgets.take(viewer, cost);
          if (!taken.ok) {
            throw rateLimited(`This credential's query budget is spent for now: this query costs ${cost}. Retry in ${taken.retryAfterSeconds} s, or ask for less.`, taken.retryAfterSeconds);
          }
          reserved = cost;
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !contextValue?.viewer) return;
          const { viewer, info } = contextValue;
          const result = response.body.singleResult;
          const report = costReport(info.requestedCost, result.data, limitsFor(limits, viewer).maxCost);
          budgets.give(viewer, reserved - Math.min(reserved, report.actual));
          const budget = budgets.state(viewer);
          result.extensions = { ...result.extensions, cost: { ...report, remaining: budget.remaining } };
          response.http.headers.set('ratelimit-limit', String(budget.capacity));
          response.http.headers.set('ratelimit-remaining', String(budget.remaining));
          response.http.headers.set('ratelimit-reset', String(budget.resetSeconds));
          const limited = result.errors?.find((error) => error.extensions?.code === ErrorCode.RATE_LIMITED);
          if (limited) {
            response.http.status = 429;
            response.http.headers.set('retry-after', String(limited.extensions!.retryAfterSeconds));
          }
        },
      };
    },
  };
}

/** A caller's bounds: its budget's capacity caps the cost of one query too. */
export function limitsFor(limits: QueryLimits, viewer: Viewer): QueryLimits {
  return { ...limits, maxCost: Math.min(limits.maxCost, viewer.budget.capacity) };
}

/**
 * Writes what the operation showed in clear and wrote to the audit log before the answer goes
 * out (with other requests' entries, in one statement). When the audit cannot be written, the
 * answer is not sent: a SERVICE_UNAVAILABLE error takes its place (a write it did stays done, as
 * when a connection drops). The entries are written even when the operation ran out of its own time.
 */
export function auditPlugin(auditLog: AuditLog, log: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          if (!contextValue?.viewer || contextValue.audit.isEmpty) return;
          const { shown, writes } = contextValue.audit.drain();
          const written = (async () => {
            try {
              await auditLog.record(contextValue.viewer, operationName ?? null, shown, writes);
            } catch (error) {
              log.warn({ err: error }, 'audit entries could not be written; the answer was withheld');
              if (response.body.kind === 'single') {
                const unavailable = serviceUnavailable('The audit log cannot be written right now, so nothing is shown; retry in a few seconds.');
                response.body.singleResult = { errors: [{ message: unavailable.message, extensions: unavailable.extensions }] };
                response.http.status = 503;
                response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
              }
            }
          })();
          contextValue.info.audited = written;
          await written;
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
          // Apollo runs every plugin's willSendResponse at once: wait for the audit's statement.
          await contextValue?.info.audited;
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
