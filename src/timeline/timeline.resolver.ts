import { Arg, Args, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { encodeStreamCursor } from '../changefeed/stream-cursor';
import { Scope } from '../core/access-scopes';
import { Customer } from '../customers/customer.types';
import { ConnectionArgs } from '../relay/connection';
import { customerTimelineRequest } from './timeline-read-ahead';
import type { TimelineContext } from './timeline.context';
import { TimelineConnection, TimelineEvent } from './timeline-event.types';
import { TimelineFilter } from './timeline-filter';

@Resolver(() => TimelineEvent)
export class TimelineEventResolver {
  @Authorized(Scope.CUSTOMERS_READ)
  @FieldResolver(() => Customer, { description: 'The customer this interaction belongs to. CUSTOMERS_READ.' })
  async customer(@Root() event: TimelineEvent, @Ctx() { loaders }: TimelineContext): Promise<Customer> {
    const customer = await loaders.customerByKey.load(event.customerKey);
    if (!customer) throw new Error(`event ${event.eventKey} has no customer`);
    return customer;
  }

  @FieldResolver(() => String, {
    description:
      "Opaque position of this event in the stream of all recorded events, which follows commit order. Keep the last one a subscription delivered and pass it as `timelineEventAdded(after:)` to resume without loss or repeats. Not a timeline page cursor.",
  })
  streamCursor(@Root() event: TimelineEvent, @Ctx() context: TimelineContext): string | Promise<string> {
    // Deliveries, replays and new recordings carry it; pages leave it out (one batched read when asked).
    // The loaders are reached only then: a request's first touch makes all of them, and a
    // subscription item that asks only for plain fields and this one would make them for nothing.
    if (event.streamPosition !== undefined) return encodeStreamCursor(event.streamPosition);
    return context.loaders.streamPosition.load(event.eventKey).then((position) => {
      if (position === null) throw new Error(`event ${event.eventKey} has no stream position`);
      return encodeStreamCursor(position);
    });
  }
}

/** `Customer.timeline`, which the timeline adds to the customer type. */
@Resolver(() => Customer)
export class CustomerTimelineResolver {
  @FieldResolver(() => TimelineConnection, { description: 'Every interaction, newest first by (occurredAt, id), keyset-paged.' })
  timeline(
    @Root() customer: Customer,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => TimelineFilter, { nullable: true, description: 'Only events matching every given condition; null for all events.' }) filter: TimelineFilter | null,
    @Ctx() { loaders }: TimelineContext,
  ): Promise<TimelineConnection> {
    return loaders.timelinePage.load(customerTimelineRequest(customer.key, args, filter));
  }
}
