import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../core/errors';
import type { Logger } from '../core/logger';
import { isTokenLimitError, tooManyTokens } from '../query-limits/check-operation';
import type { QueryLimits } from '../query-limits/query-limits';
import { EndReason } from '../realtime/errors';

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));
/** Codes Apollo and graphql-ws give requests that are not valid GraphQL; the contract calls them BAD_USER_INPUT. */
const REQUEST_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED']);
/** Our own reasons for ending a subscription, which pass even under INTERNAL_SERVER_ERROR. */
const DELIBERATE_REASONS = new Set<string>(Object.values(EndReason));

/**
 * The one rule for what a client may see of an error, on HTTP and WebSocket alike:
 * - codes of the contract pass, with their extensions (less stack traces and HTTP details);
 * - requests that are not valid GraphQL are BAD_USER_INPUT, with the reason (MAX_DEPTH, ...);
 * - anything else is a bare INTERNAL_SERVER_ERROR, and logged once without personal values.
 */
export function publicError(formatted: GraphQLFormattedError, error: unknown, log: Logger, limits: QueryLimits): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const code = String(extensions.code ?? '');
  const { stacktrace: _stacktrace, http: _http, ...shown } = extensions as Record<string, unknown>;
  if (REQUEST_CODES.has(code)) {
    if (code === 'GRAPHQL_PARSE_FAILED' && isTokenLimitError(formatted.message)) {
      const refusal = tooManyTokens(limits);
      return { message: refusal.message, extensions: without(refusal.extensions, 'http') };
    }
    return { message: formatted.message, locations: formatted.locations, extensions: { ...shown, code: ErrorCode.BAD_USER_INPUT, reason: shown.reason ?? code } };
  }
  if ((PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) || DELIBERATE_REASONS.has(String(extensions.reason ?? ''))) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: shown };
  }
  const original = error instanceof GraphQLError ? error.originalError : error;
  // graphql-js's own errors (variables that do not fit their types) carry no original error.
  if (error instanceof GraphQLError && !original) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  log.error({ err: original ?? error, path: formatted.path }, 'unexpected error while resolving');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

function without(extensions: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = extensions;
  return rest;
}

/** The HTTP status of a response with these (public) errors: 503 when the database cannot be reached. */
export function hasUnavailable(errors: readonly GraphQLFormattedError[] | undefined): boolean {
  return !!errors?.some((error) => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE);
}
