import type { GraphQLError } from 'graphql';
import type { CustomerChange } from './customer-change.types';
import { changeSubscriberTooSlow } from './errors';
import { LiveQueue, type SubscriptionHooks, type SubscriptionLimits } from './live-queue';

/** `customerChanged`: live changes only; a change has no cursor to resume from. */
export class CustomerChangeSubscription extends LiveQueue<CustomerChange> {
  liveKey: string | null = null;

  constructor(
    readonly requestedKey: string | null,
    limits: SubscriptionLimits,
    hooks: SubscriptionHooks,
  ) {
    super(limits, hooks);
  }

  offer(change: CustomerChange, round: number): void {
    this.push(change, round);
  }

  protected override tooSlow(): GraphQLError {
    return changeSubscriberTooSlow(this.limits);
  }
}
