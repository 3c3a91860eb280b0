import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { checkCost, checkDocument } from './check-operation';
import type { QueryLimits } from './query-limits';

/** Distinct documents kept; the least recently used goes first. */
const KEPT_DOCUMENTS = 1000;

/**
 * Everything an operation must pass before it runs (tokens, validation with depth and aliases,
 * cost), for a transport that parses and validates itself (WebSocket), remembering the documents
 * that passed by their text. A thousand consoles subscribing with the same document
 * then share one parsed copy, held by each of their subscriptions for as long as it lives, and
 * one validation. Only parsing and validation are remembered: they depend on the document and
 * on the bounds every caller shares (tokens, depth, aliases); the cost depends on the variables
 * and on the caller's budget, so it is checked every time. Refused documents are not kept.
 */
export class CheckedDocuments {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(private readonly schema: GraphQLSchema) {}

  check(
    source: string,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
    limits: QueryLimits,
  ): { document: DocumentNode; cost: number } | { errors: readonly GraphQLError[] } {
    let document = this.documents.get(source);
    if (document) {
      this.documents.delete(source);
      this.documents.set(source, document);
    } else {
      const checked = checkDocument(this.schema, source, limits);
      if ('errors' in checked) return checked;
      document = checked.document;
      this.keep(source, document);
    }
    try {
      return { document, cost: checkCost(this.schema, document, operationName, variables, limits) };
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
  }

  private keep(source: string, document: DocumentNode): void {
    this.documents.set(source, document);
    if (this.documents.size > KEPT_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
  }
}
