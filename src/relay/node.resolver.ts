import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { badUserInput } from '../core/errors';
import { fromGlobalId, type GlobalIdType } from './global-id';
import { Node } from './node';

/** How `node(id)` reaches each type's loader; the server wires one per type. */
export interface NodeContext {
  loadNode(type: GlobalIdType, key: string): Promise<Node | null>;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when it does not exist. Needs the scope of the fields that lead to its type: CUSTOMERS_READ for customers, events and cases, ADMIN for API keys, AUDIT_READ for audit entries (FORBIDDEN otherwise).' })
  node(
    @Arg('id', () => ID, { description: 'A global ID from any `id` field; one this server did not issue is a BAD_USER_INPUT error.' }) id: string,
    @Ctx() context: NodeContext,
  ): Promise<Node | null> {
    const parsed = fromGlobalId(id);
    if (!parsed) throw badUserInput('`id` is not a global ID issued by this server.', { argument: 'id' });
    return context.loadNode(parsed.type, parsed.key);
  }
}
