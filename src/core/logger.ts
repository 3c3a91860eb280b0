import pino from 'pino';

export type Logger = pino.Logger;

/**
 * One JSON line per entry. Errors are logged by what they are, never by what they carry: a
 * database error keeps its SQLSTATE and the constraint, table and column it names, but not its
 * message or detail (PostgreSQL quotes the offending values there: "Key (value)=(maya@...)"), nor
 * the statement or its parameters. Other errors keep their message and stack, which this code
 * writes without personal values.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = { level, base: { service: 'customer-timeline' }, serializers: { err: safeError, error: safeError } };
  return destination ? pino(options, destination) : pino(options);
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const DATABASE_FIELDS = ['severity', 'constraint', 'table', 'column', 'dataType', 'routine'] as const;

export function safeError(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const { code, message, stack } = error as { code?: unknown; message?: unknown; stack?: unknown };
  if (typeof code === 'string' && SQLSTATE.test(code)) {
    const fields: Record<string, unknown> = { type: error.constructor.name, code };
    for (const field of DATABASE_FIELDS) {
      const value = (error as unknown as Record<string, unknown>)[field];
      if (typeof value === 'string') fields[field] = value;
    }
    return fields;
  }
  return { type: error.constructor.name, ...(typeof code === 'string' ? { code } : {}), message, stack };
}
