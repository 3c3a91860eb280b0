import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ValidationRule } from 'graphql';
import { LimitReason, overLimit, type QueryLimits } from './query-limits';

/**
 * Depth and alias bounds as validation rules. graphql-armor counts (fragments expanded;
 * introspection's own depth not counted); the rule asks it for the count with no bound of its own and judges it here,
 * so the refusal carries the reason and the numbers in this API's error shape.
 */
export function shapeRules(limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases'>): ValidationRule[] {
  const depth = maxDepthRule({
    n: Number.POSITIVE_INFINITY,
    // Fields count, fragments do not: `... on CallEvent { outcome }` is no deeper than `outcome`.
    flattenFragments: true,
    onAccept: [
      (context, { n }) => {
        if (context && n > limits.maxDepth) {
          context.reportError(overLimit(LimitReason.MAX_DEPTH, `The query is nested ${n} levels deep; at most ${limits.maxDepth} are allowed.`, n, limits.maxDepth));
        }
      },
    ],
  });
  const aliases = maxAliasesRule({
    n: Number.POSITIVE_INFINITY,
    onAccept: [
      (context, { n }) => {
        if (context && n > limits.maxAliases) {
          context.reportError(overLimit(LimitReason.MAX_ALIASES, `The query uses ${n} aliases; at most ${limits.maxAliases} are allowed.`, n, limits.maxAliases));
        }
      },
    ],
  });
  return [depth, aliases];
}
