import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import { pageRequest } from '../relay/connection';
import type { SearchContext } from './customer-search.context';
import { CustomerConnection } from './customer-search.types';

@Resolver()
export class CustomerSearchResolver {
  @Authorized(Scope.CUSTOMERS_READ)
  @Query(() => CustomerConnection, {
    description:
      'Customers whose name roughly matches (typos tolerated) or one of whose identifiers matches `query` in any format, best match first. Merged-away customers are not listed. At least 3 characters; a bare domain ("example.com") finds nobody. CUSTOMERS_READ.',
  })
  async searchCustomers(
    @Arg('query', { description: 'What the agent typed: a name, an e-mail, a phone number in any format, a handle, an external id, or part of one (3-200 characters).' }) query: string,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many results (default 20, at most 100).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { services, loaders }: SearchContext,
  ): Promise<CustomerConnection> {
    const results = await services.search.search(query, pageRequest({ first, after }));
    for (const { node } of results.edges) loaders.customerByKey.prime(node.key, node);
    return results;
  }
}
