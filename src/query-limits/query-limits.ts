import { GraphQLError } from 'graphql';
import { ErrorCode } from '../core/errors';

/** The bounds every operation is held to before anything of it runs, on HTTP and WebSocket alike. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  /** Lexical tokens of the document (graphql-js stops parsing beyond it). */
  maxTokens: number;
  maxCost: number;
}

/** Why an operation was refused: `extensions.reason` of its BAD_USER_INPUT error. */
export enum LimitReason {
  MAX_DEPTH = 'MAX_DEPTH',
  MAX_ALIASES = 'MAX_ALIASES',
  MAX_TOKENS = 'MAX_TOKENS',
  MAX_COST = 'MAX_COST',
}

export const LIMIT_REASONS: ReadonlySet<string> = new Set(Object.values(LimitReason));

/**
 * A refused operation: BAD_USER_INPUT with the reason and `extensions.cost { requested limit }`
 * (for depth, aliases and tokens, what was requested of that bound). HTTP 400.
 */
export function overLimit(reason: LimitReason, message: string, requested: number | null, limit: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, reason, cost: { requested, limit }, http: { status: 400 } },
  });
}
