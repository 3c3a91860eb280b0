import { Field, ID, ObjectType } from 'type-graphql';
import { WebhookState } from '../webhooks/webhook.types';

@ObjectType({ description: 'A webhook paused (too many failures in a row), disabled (410 Gone), or resumed or paused by an admin, as `webhookChanged` announces it.' })
export class WebhookChange {
  /** Database key; not exposed. */
  webhookKey!: string;

  @Field(() => ID, { description: 'Global ID of the webhook.' })
  webhookId!: string;

  @Field(() => WebhookState, { description: 'Its state now.' })
  state!: WebhookState;

  @Field(() => String, { nullable: true, description: 'Why, e.g. "50 failed attempts in a row since 2026-12-01T08:00:00Z"; null when resumed.' })
  reason!: string | null;

  @Field({ description: 'When it changed (the transaction time).' })
  occurredAt!: Date;
}
