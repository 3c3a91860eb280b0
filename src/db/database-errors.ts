import { badUserInput, serviceUnavailable, timedOut } from '../core/errors';

/** Thrown when a concurrent transaction took a unique key first; the transaction is run again. */
export class LostRace extends Error {
  constructor(what: string) {
    super(`lost a race for ${what}`);
  }
}

/** Our own client-side deadline for one statement passed; its connection is closed, not reused. */
export class StatementDeadline extends Error {
  constructor() {
    super('the statement ran past its deadline');
  }
}

/** What went wrong with a database call, as far as the caller needs to know. */
export type DatabaseFailure =
  /** Worth running the whole transaction again: a deadlock, a serialization failure, a lost race. */
  | 'retry'
  /** Out of time: a statement or lock timeout, a pool that had no connection free in time. */
  | 'timeout'
  /** The database cannot be reached or went away. */
  | 'unavailable'
  /** The value cannot be stored (a character PostgreSQL refuses). */
  | 'bad-input'
  /** Something the database refused about one row: a constraint, a trigger. */
  | 'refused'
  | 'other';

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export function classifyDatabaseError(error: unknown): DatabaseFailure {
  if (error instanceof LostRace) return 'retry';
  if (error instanceof StatementDeadline) return 'timeout';
  // Duck-typed: errors from Node's sockets may come from another realm (a test runner's VM).
  if (typeof error !== 'object' || error === null) return 'other';
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
    if (code === '40P01' || code === '40001') return 'retry';
    if (code === '57014' || code === '55P03' || code === '25P03') return 'timeout';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return 'unavailable';
    if (code === '22021' || code === '22P05' || code === '54000') return 'bad-input';
    if (code.startsWith('22') || code.startsWith('23') || code === 'P0001') return 'refused';
    if (SOCKET_ERRORS.has(code)) return 'unavailable';
  }
  if (typeof message !== 'string') return 'other';
  if (message === 'timeout exceeded when trying to connect') return 'timeout';
  if (/^Connection terminated|^Client has encountered a connection error|^Connection ended/.test(message)) return 'unavailable';
  return 'other';
}

/** Whether the connection that raised this error must be closed rather than returned to the pool. */
export function breaksConnection(error: unknown): boolean {
  const failure = classifyDatabaseError(error);
  return failure === 'unavailable' || error instanceof StatementDeadline;
}

/**
 * The error a caller sees for a database failure: TIMEOUT, SERVICE_UNAVAILABLE or
 * BAD_USER_INPUT, each safe to show; anything else unchanged, for the error policy to hide.
 */
export function publicDatabaseError(error: unknown): unknown {
  switch (classifyDatabaseError(error)) {
    case 'timeout':
      return timedOut();
    case 'unavailable':
      return serviceUnavailable();
    case 'bad-input':
      return badUserInput('A value contains characters that cannot be stored.', { reason: 'UNSTORABLE_TEXT' });
    default:
      return error;
  }
}

/** A constraint or trigger refused a row: the item that wrote it can fail alone. */
export function isRefusedByDatabase(error: unknown): boolean {
  return classifyDatabaseError(error) === 'refused';
}
