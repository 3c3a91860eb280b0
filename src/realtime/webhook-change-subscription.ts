import type { GraphQLError } from 'graphql';
import { changeSubscriberTooSlow } from './errors';
import { LiveQueue } from './live-queue';
import type { WebhookChange } from './webhook-change.types';

/** `webhookChanged`: live only, for admins. */
export class WebhookChangeSubscription extends LiveQueue<WebhookChange> {
  offer(change: WebhookChange, round: number): void {
    this.push(change, round);
  }

  protected override tooSlow(): GraphQLError {
    return changeSubscriberTooSlow(this.limits);
  }
}
