import { GraphQLError, visit, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ErrorCode } from '../core/errors';
import { findUnstorableText, isStorableText } from '../core/storable-text';

/**
 * Queries and subscriptions whose arguments carry text PostgreSQL cannot store (NUL, an unpaired
 * surrogate) are refused before they run: BAD_USER_INPUT, reason UNSTORABLE_TEXT, naming the
 * variable or the argument. (Mutations report it as an INVALID user error on the field instead.)
 */
export function unstorableInput(operation: OperationDefinitionNode, document: DocumentNode, variables: Record<string, unknown> | null | undefined): GraphQLError | null {
  if (operation.operation === 'mutation') return null;
  const path = findUnstorableText(variables ?? {});
  if (path) return refusal(`Variable \`$${path.join('.')}\``);
  const literal = unstorableLiteralIn(document);
  return literal ? refusal(`Argument \`${literal}\``) : null;
}

/** Per parsed document (which Apollo keeps for each query text it has seen): its literals never change. */
const literalChecks = new WeakMap<DocumentNode, string | null>();

/** The argument whose literal text cannot be stored, or null. */
function unstorableLiteralIn(document: DocumentNode): string | null {
  const known = literalChecks.get(document);
  if (known !== undefined) return known;
  let literal: string | null = null;
  visit(document, {
    Argument(node) {
      if (literal) return false;
      visit(node.value, {
        StringValue(value) {
          if (!literal && !isStorableText(value.value)) literal = node.name.value;
        },
      });
      return false;
    },
  });
  literalChecks.set(document, literal);
  return literal;
}

function refusal(what: string): GraphQLError {
  return new GraphQLError(`${what} contains characters that cannot be stored (NUL, or an unpaired UTF-16 surrogate).`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, reason: 'UNSTORABLE_TEXT', http: { status: 400 } },
  });
}
