import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { requestedCost } from './operation-cost';
import { LimitReason, overLimit, type QueryLimits } from './query-limits';
import { shapeRules } from './shape-rules';

/** The rules every document is validated with: GraphQL's own, then depth and aliases. */
export function validationRulesFor(limits: QueryLimits): ValidationRule[] {
  return [...specifiedRules, ...shapeRules(limits)];
}

/** Parses within the token bound; a longer document is refused before it is read to the end. */
export function parseWithinLimits(source: string, limits: QueryLimits): DocumentNode | GraphQLError {
  try {
    return parse(source, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return isTokenLimitError(error.message) ? tooManyTokens(limits) : error;
  }
}

export function tooManyTokens(limits: QueryLimits): GraphQLError {
  return overLimit(LimitReason.MAX_TOKENS, `The document has more than ${limits.maxTokens} tokens; send values as variables, or split it.`, null, limits.maxTokens);
}

/** graphql-js's message when `maxTokens` stops the parser. */
export function isTokenLimitError(message: string): boolean {
  // (graphql-js 16 spells it "more that")
  return /Document contains more th(?:an|at) \d+ tokens/.test(message);
}

/** The cost bound, once the document is valid: answers its requested cost, or the refusal. */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): number {
  const cost = requestedCost(schema, document, operationName, variables, limits.maxCost);
  if (cost > limits.maxCost) {
    const operation = getOperationAST(document, operationName ?? undefined);
    throw overLimit(
      LimitReason.MAX_COST,
      `The ${operation?.operation ?? 'operation'} would cost ${cost}; at most ${limits.maxCost} is allowed. Ask for smaller pages (first/last) or fewer nested connections.`,
      cost,
      limits.maxCost,
    );
  }
  return cost;
}

/**
 * What a document must pass before its cost can be counted, in order: tokens, then GraphQL
 * validation with depth and aliases. For transports that parse and validate themselves
 * (WebSocket, through CheckedDocuments, which adds the cost).
 */
export function checkDocument(schema: GraphQLSchema, source: string, limits: QueryLimits): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  const document = parseWithinLimits(source, limits);
  if (document instanceof GraphQLError) return { errors: [document] };
  const invalid = validate(schema, document, validationRulesFor(limits));
  return invalid.length > 0 ? { errors: invalid } : { document };
}
