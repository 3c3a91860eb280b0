import { getComplexity, fieldExtensionsEstimator, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { GraphQLError, getNamedType, isObjectType, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LimitReason, overLimit } from './query-limits';

/** Page size a connection is costed at when the query gives none (the API's default page). */
const DEFAULT_PAGE_SIZE = 20;
/** A page larger than this is refused by the connection itself, so it is costed at this. */
const MAX_PAGE_SIZE = 100;
/** Selections walked at most while costing (fragments expanded), against fragment bombs. */
const MAX_COSTED_NODES = 20_000;

/**
 * A connection (a field returning `*Connection` with `first`/`last`) costs its own field plus
 * what it selects times its page size, page sizes given as variables included.
 */
const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNamedType(field.type);
  if (!isObjectType(type) || !type.name.endsWith('Connection') || !field.args.some((arg) => arg.name === 'first')) return undefined;
  const asked = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
  return 1 + Math.min(Math.max(asked, 0), MAX_PAGE_SIZE) * childComplexity;
};

/**
 * The cost of an operation before it runs: every field 1, plus what it selects; a connection
 * multiplies what it selects by its page size; a batch mutation (its field's `complexity`)
 * multiplies its payload by the number of items. Abstract types cost their dearest member.
 * Throws an over-limit error when the document is too large to cost.
 */
export function requestedCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, limit: number): number {
  // The servers hand the same document object for the same text (their parse caches), so
  // costs are kept with it, by what in the variables can change a cost.
  let costs = costsByDocument.get(document);
  const key = `${operationName ?? ''}\u0000${JSON.stringify(costShape(variables ?? {}))}`;
  const known = costs?.get(key);
  if (known !== undefined) return known;
  const cost = computeCost(schema, document, operationName, variables, limit);
  if (!costs) costsByDocument.set(document, (costs = new Map()));
  if (costs.size >= COSTS_PER_DOCUMENT) costs.delete(costs.keys().next().value!);
  costs.set(key, cost);
  return cost;
}

const costsByDocument = new WeakMap<DocumentNode, Map<string, number>>();
const COSTS_PER_DOCUMENT = 64;

/**
 * What of a variable's value a cost can depend on: numbers (page sizes) and how many items a
 * list holds (batch sizes; no estimator looks inside the items). Every string is the same
 * string and every boolean the same boolean, so two cards for different customers share one
 * costing, and a batch of 1,000 events is keyed by its length, not its contents.
 */
function costShape(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (typeof value === 'boolean') return false;
  if (Array.isArray(value)) return { items: value.length };
  if (value !== null && typeof value === 'object') {
    const shaped: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) shaped[name] = costShape(inner);
    return shaped;
  }
  return value;
}

function computeCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, limit: number): number {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
      maxQueryNodes: MAX_COSTED_NODES,
    });
  } catch (error) {
    if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) {
      throw overLimit(LimitReason.MAX_COST, `The query expands to more than ${MAX_COSTED_NODES} selections; it cannot be run.`, null, limit);
    }
    // Variables that do not fit their types: execution refuses them before anything runs.
    if (error instanceof GraphQLError) return 0;
    throw error;
  }
}

/**
 * What an answer actually cost, by the same rule: every field that came back costs 1 plus what
 * is inside it, and a list costs what its items cost (so a page of 6 costs 6 items, not its size).
 */
export function actualCost(value: unknown): number {
  // Walked by index and for...in: every answer is counted, and Object.values made an array per object of it.
  if (Array.isArray(value)) {
    let sum = 0;
    for (let i = 0; i < value.length; i++) sum += actualCost(value[i]);
    return sum;
  }
  if (value !== null && typeof value === 'object') {
    let sum = 0;
    for (const name in value) sum += 1 + actualCost((value as Record<string, unknown>)[name]);
    return sum;
  }
  return 0;
}

/** `extensions.cost` of every response. */
export interface CostReport {
  requested: number;
  actual: number;
  limit: number;
  /** What is left of the allowance: this request's limit less its actual cost (per credential once budgets exist). */
  remaining: number;
}

export function costReport(requested: number, data: unknown, limit: number): CostReport {
  const actual = actualCost(data);
  return { requested, actual, limit, remaining: Math.max(0, limit - actual) };
}
