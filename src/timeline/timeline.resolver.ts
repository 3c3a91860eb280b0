import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { Customer } from '../customers/customer.types';
import { TimelineEvent } from './timeline-event.types';

@Resolver(() => TimelineEvent)
export class TimelineEventResolver {
  @FieldResolver(() => Customer, { description: 'The customer this interaction belongs to.' })
  async customer(@Root() event: TimelineEvent, @Ctx() { loaders }: RequestContext): Promise<Customer> {
    const customer = await loaders.customerByKey.load(event.customerKey);
    if (!customer) throw new Error(`event ${event.eventKey} has no customer`);
    return customer;
  }
}
