import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Customer } from '../customers/customer.types';
import { CustomerInsights } from './customer-insights.types';
import type { InsightsContext } from './insights.context';

/** `Customer.insights`, which insights add to the customer type. */
@Resolver(() => Customer)
export class CustomerInsightsResolver {
  @FieldResolver(() => CustomerInsights, {
    description: "What the customer's history adds up to: lifetime value, orders, last contact, survey scores, open cases, lifecycle stage. Batched: one statement for a page of customers.",
  })
  insights(@Root() customer: Customer, @Ctx() { loaders }: InsightsContext): Promise<CustomerInsights> {
    return loaders.insightsByCustomer.load(customer.key);
  }
}
