import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { requireScopes } from '../access/auth-checker';
import { decodeStreamCursor, notAStreamCursor } from '../changefeed/stream-cursor';
import { Scope } from '../core/access-scopes';
import { badUserInput } from '../core/errors';
import { Customer } from '../customers/customer.types';
import { keyOf } from '../relay/global-id';
import { mayAskFor } from '../relay/selected-fields';
import { TimelineEvent } from '../timeline/timeline-event.types';
import { checkTimelineFilter, TimelineFilter } from '../timeline/timeline-filter';
import { CustomerChange } from './customer-change.types';
import { WebhookChange } from './webhook-change.types';
import { Webhook } from '../webhooks/webhook.types';
import { webhookFromRow } from '../webhooks/webhook-rows';
import type { WebhooksContext } from '../webhooks/webhooks.context';
import { DEFAULT_SUBSCRIPTION_LIMITS_TEXT } from './limits';
import type { SubscriptionHooks } from './live-queue';
import type { RealtimeContext } from './realtime.context';

interface TimelineEventAddedArgs {
  customerId?: string | null;
  filter?: TimelineFilter | null;
  after?: string | null;
}

/** Each delivered item runs with DataLoaders of its own; they never outlive one message. */
function hooksFor(context: RealtimeContext): SubscriptionHooks {
  return {
    onDeliver: () => context.renewLoaders(),
    unsentBytes: () => context.socket?.bufferedAmount ?? 0,
  };
}

function customerKeyArgument(id: string | null | undefined, argument: string): string | null {
  if (id == null) return null;
  const key = keyOf(id, 'Customer');
  if (!key) throw badUserInput(`\`${argument}\` is not a customer id.`, { argument });
  return key;
}

async function subscribeTimeline(args: TimelineEventAddedArgs, context: RealtimeContext, info: GraphQLResolveInfo): Promise<AsyncIterable<TimelineEvent>> {
  const customerKey = customerKeyArgument(args.customerId, 'customerId');
  // Everyone's events at once is the firehose: for administrators only.
  requireScopes(context, 'timelineEventAdded', customerKey ? [Scope.CUSTOMERS_READ] : [Scope.CUSTOMERS_READ, Scope.ADMIN]);
  const filter = args.filter ?? null;
  checkTimelineFilter(filter);
  let after: bigint | null = null;
  if (args.after != null) {
    after = decodeStreamCursor(args.after, 'after');
    // A well-formed cursor from beyond the end of the stream was not issued here.
    if (after > (await context.realtime.newestStreamPosition())) throw notAStreamCursor('after');
  }
  return context.realtime.subscribeTimeline({ requestedKey: customerKey, filter, after, asksForCase: mayAskFor(info, 'case') }, hooksFor(context));
}

async function subscribeCustomerChanges(args: { id?: string | null }, context: RealtimeContext): Promise<AsyncIterable<CustomerChange>> {
  const customerKey = customerKeyArgument(args.id, 'id');
  requireScopes(context, 'customerChanged', customerKey ? [Scope.CUSTOMERS_READ] : [Scope.CUSTOMERS_READ, Scope.ADMIN]);
  return context.realtime.subscribeCustomerChanges(customerKey, hooksFor(context));
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => TimelineEvent, {
    description:
      'Every timeline event as it is committed, in commit order, over WebSocket (graphql-ws protocol, path /graphql). CUSTOMERS_READ; without `customerId`, ADMIN too. Only committed events are announced, ' +
      'and an event you receive can be queried at once. Pass the `streamCursor` of the last event you saw as `after` to first get everything committed since ' +
      '(from the database), then continue live, without gap or repeat. ' +
      `Bounds: ${DEFAULT_SUBSCRIPTION_LIMITS_TEXT}`,
    subscribe: ({ args, context, info }) => subscribeTimeline(args, context, info),
  })
  // type-graphql lists arguments last parameter first; these come in the contract's order.
  timelineEventAdded(
    @Root() event: TimelineEvent,
    @Arg('after', () => String, {
      nullable: true,
      description:
        'A `TimelineEvent.streamCursor`: replay every matching event committed after that one, then go live. Omit to start with the next event committed. A cursor this server did not issue is a BAD_USER_INPUT error.',
    })
    _after: string | null,
    @Arg('filter', () => TimelineFilter, { nullable: true, description: 'Only events matching every given condition; omit for all events.' })
    _filter: TimelineFilter | null,
    @Arg('customerId', () => ID, {
      nullable: true,
      description: "Only this customer's events; a merged-away id follows its survivor. Omit for every customer's events. An unknown id is a NOT_FOUND error.",
    })
    _customerId: string | null,
  ): TimelineEvent {
    return event;
  }

  @Subscription(() => CustomerChange, {
    description:
      'Changes to customers as they are committed, in commit order: creation, profile updates, identifier changes, preference updates, merges (with the survivor id), unmerges and erasures. CUSTOMERS_READ; without `id`, ADMIN too. ' +
      'Live only (changes have no cursor): after a disconnect, re-read the customers you follow. ' +
      `Bounds: ${DEFAULT_SUBSCRIPTION_LIMITS_TEXT}`,
    subscribe: ({ args, context }) => subscribeCustomerChanges(args, context),
  })
  customerChanged(
    @Root() change: CustomerChange,
    @Arg('id', () => ID, {
      nullable: true,
      description: "Only this customer's changes; a merged-away id follows its survivor. Omit for every customer. An unknown id is a NOT_FOUND error.",
    })
    _id: string | null,
  ): CustomerChange {
    return change;
  }
}

@Resolver(() => WebhookChange)
export class WebhookChangeResolver {
  @Subscription(() => WebhookChange, {
    description:
      'Webhooks paused after failures in a row, disabled by a 410 Gone, or resumed or paused by an admin, as each change commits. ADMIN. Live only: after a disconnect, read `webhooks`. ' +
      `Bounds: ${DEFAULT_SUBSCRIPTION_LIMITS_TEXT}`,
    subscribe: ({ context }) => {
      requireScopes(context as RealtimeContext, 'webhookChanged', [Scope.ADMIN]);
      return (context as RealtimeContext).realtime.subscribeWebhookChanges(hooksFor(context as RealtimeContext));
    },
  })
  webhookChanged(@Root() change: WebhookChange): WebhookChange {
    return change;
  }

  @FieldResolver(() => Webhook, { nullable: true, description: 'The webhook as it is when the change is delivered; null when it has been deleted since.' })
  async webhook(@Root() change: WebhookChange, @Ctx() { services }: WebhooksContext): Promise<Webhook | null> {
    const row = await services.webhooks.byId(change.webhookKey);
    return row ? webhookFromRow(row) : null;
  }
}

@Resolver(() => CustomerChange)
export class CustomerChangeResolver {
  @FieldResolver(() => Customer, {
    description:
      'The customer as it is when the change is delivered (so at least as new as the change); for a merged-away customer, its survivor.',
  })
  async customer(@Root() change: CustomerChange, @Ctx() { loaders }: RealtimeContext): Promise<Customer> {
    const customer = await loaders.customerByKey.load(change.customerKey);
    if (!customer) throw new Error(`customer ${change.customerKey} of a change is gone`);
    return customer;
  }
}
