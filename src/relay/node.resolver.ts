import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { badUserInput } from '../app/errors';
import { fromGlobalId } from './global-id';
import { Node } from './node';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when it does not exist.' })
  async node(
    @Arg('id', () => ID, { description: 'A global ID from any `id` field; one this server did not issue is a BAD_USER_INPUT error.' }) id: string,
    @Ctx() { loaders }: RequestContext,
  ): Promise<Node | null> {
    const parsed = fromGlobalId(id);
    if (!parsed) throw badUserInput('`id` is not a global ID issued by this server.', { argument: 'id' });
    switch (parsed.type) {
      case 'Customer':
        return loaders.customerByKey.load(parsed.key);
      case 'TimelineEvent':
        return loaders.eventByKey.load(parsed.key);
    }
  }
}
