import type express from 'express';
import type http from 'node:http';
import { ErrorCode, RETRY_AFTER_SECONDS } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * Every HTTP error is GraphQL-shaped JSON with a code, never Express's HTML page or a stack:
 * a body that is not JSON, one over MAX_REQUEST_BYTES, an unknown path.
 */
export const jsonNotFound: express.RequestHandler = (req, res) => {
  sendError(res, 404, ErrorCode.NOT_FOUND, `Nothing is served at ${req.method} ${req.path}; GraphQL is at /graphql.`, 'NO_ROUTE');
};

const BODY_PROBLEMS: Record<string, [status: number, reason: string, message: string]> = {
  'entity.parse.failed': [400, 'MALFORMED_JSON', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'BODY_TOO_LARGE', 'The request body is larger than this server accepts; split the batch.'],
  'encoding.unsupported': [415, 'UNSUPPORTED_ENCODING', 'The request body is in an encoding this server does not read.'],
  'charset.unsupported': [415, 'UNSUPPORTED_CHARSET', 'The request body is in a character set this server does not read; send UTF-8.'],
  'request.aborted': [400, 'REQUEST_ABORTED', 'The request body ended early.'],
  'request.size.invalid': [400, 'MALFORMED_BODY', 'The request body is shorter than its Content-Length.'],
};

/** Answers a request that failed outside GraphQL: its body, or the database while its credential was checked. */
export function sendHttpError(res: http.ServerResponse, error: unknown, log: Logger): void {
  const failure = error as { type?: unknown; message?: unknown; extensions?: { code?: unknown } } | null;
  const type = typeof failure?.type === 'string' ? failure.type : '';
  const problem = BODY_PROBLEMS[type];
  if (problem) return sendError(res, problem[0], ErrorCode.BAD_USER_INPUT, problem[2], problem[1]);
  // The database failing while a credential is checked.
  const code = failure?.extensions?.code;
  if (code === ErrorCode.SERVICE_UNAVAILABLE || code === ErrorCode.TIMEOUT) {
    res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    return sendError(res, 503, code, String(failure?.message));
  }
  log.error({ err: error }, 'unexpected error in the HTTP layer');
  sendError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
}

export function jsonErrorHandler(log: Logger): express.ErrorRequestHandler {
  return (error, _req, res, _next) => sendHttpError(res, error, log);
}

/** A JSON answer written as it is, without Express (GraphQL's own requests do not go through it). */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const bytes = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', bytes.byteLength);
  res.end(bytes);
}

function sendError(res: http.ServerResponse, status: number, code: ErrorCode, message: string, reason?: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...(reason ? { reason } : {}) } }] });
}
