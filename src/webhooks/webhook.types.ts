import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel, EventKind } from '../core/enums';
import { UserError } from '../core/errors';
import { connectionType } from '../relay/connection-type';
import { Node } from '../relay/node';

export enum WebhookTopic {
  TIMELINE_EVENT_ADDED = 'TIMELINE_EVENT_ADDED',
  CUSTOMER_CHANGED = 'CUSTOMER_CHANGED',
  CASE_CHANGED = 'CASE_CHANGED',
}
registerEnumType(WebhookTopic, {
  name: 'WebhookTopic',
  description: 'What a webhook is sent (README, "Webhooks", for each payload).',
  valuesConfig: {
    TIMELINE_EVENT_ADDED: { description: 'Every timeline event as it is committed.' },
    CUSTOMER_CHANGED: { description: 'A customer created, updated, given or losing identifiers, preferences changed, merged, unmerged or erased.' },
    CASE_CHANGED: { description: 'A case opened, its status, subject or agent changed, or events added to or moved out of it.' },
  },
});

export enum WebhookState {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  DISABLED = 'DISABLED',
}
registerEnumType(WebhookState, {
  name: 'WebhookState',
  description: 'Whether a webhook sends.',
  valuesConfig: {
    ACTIVE: { description: 'It sends.' },
    PAUSED: { description: 'Too many failures in a row: it collects deliveries but sends none until an admin resumes it (`updateWebhook(active: true)`).' },
    DISABLED: { description: 'Its receiver answered 410 Gone: it neither collects nor sends until resumed.' },
  },
});

export enum WebhookDeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(WebhookDeliveryState, {
  name: 'WebhookDeliveryState',
  description: 'Where a delivery is.',
  valuesConfig: {
    PENDING: { description: 'Not yet answered with 2xx: waiting for its turn, in flight, or waiting to be retried.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Given up: retried for WEBHOOK_RETRY_FOR (72 h by default) without a 2xx. `redeliverWebhookDelivery` sends it again.' },
    CANCELLED: { description: 'Its webhook was deleted first.' },
  },
});

@ObjectType({ description: 'Which changes a webhook is sent, beside its topics; unset parts match everything.' })
export class WebhookFilter {
  @Field(() => ID, { nullable: true, description: "Only this customer's changes (and those of customers merged into it)." })
  customerId!: string | null;

  @Field(() => [EventKind], { nullable: true, description: 'TIMELINE_EVENT_ADDED: only events of these kinds.' })
  kinds!: EventKind[] | null;

  @Field(() => [Channel], { nullable: true, description: 'TIMELINE_EVENT_ADDED: only events on these channels.' })
  channels!: Channel[] | null;
}

@InputType({ description: 'Which changes a webhook is sent, beside its topics.' })
export class WebhookFilterInput {
  @Field(() => ID, { nullable: true, description: "Only this customer's changes (and those of customers merged into it later)." })
  customerId?: string | null;

  @Field(() => [EventKind], { nullable: true, description: 'TIMELINE_EVENT_ADDED: only events of these kinds.' })
  kinds?: EventKind[] | null;

  @Field(() => [Channel], { nullable: true, description: 'TIMELINE_EVENT_ADDED: only events on these channels.' })
  channels?: Channel[] | null;
}

@ObjectType({ description: 'One change on its way to one webhook: the POSTs made for it, and where it is.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Its id: sent as `X-Timeline-Delivery` with every attempt, the same each time, for receivers to de-duplicate.' })
  id!: string;

  @Field(() => WebhookTopic, { description: 'What it announces.' })
  topic!: WebhookTopic;

  @Field(() => WebhookDeliveryState, { description: 'Where it is.' })
  state!: WebhookDeliveryState;

  @Field(() => Int, { description: 'POSTs made so far.' })
  attempt!: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last answer; null before the first or when none came (timeout, refused connection).' })
  status!: number | null;

  @Field(() => Date, { nullable: true, description: 'When the receiver answered 2xx; null until then.' })
  deliveredAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it will be tried next; null when it is not pending.' })
  nextAttemptAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'What went wrong the last time, e.g. "HTTP 500" or "no answer within 10000 ms"; null after success.' })
  error!: string | null;

  @Field({ description: 'When the change was committed (the delivery was written in its transaction).' })
  createdAt!: Date;
}

export const WebhookDeliveryConnection = connectionType<WebhookDelivery>({
  name: 'WebhookDelivery',
  node: () => WebhookDelivery,
  description: "A page of a webhook's deliveries, newest first.",
  edgeDescription: 'One delivery, with its cursor.',
  nodeDescription: 'The delivery.',
});
export type WebhookDeliveryConnection = InstanceType<typeof WebhookDeliveryConnection>;

@ObjectType({ implements: Node, description: 'Where changes are POSTed, signed, at least once and in commit order per customer (README, "Webhooks"). ADMIN.' })
export class Webhook extends Node {
  /** Database key; not exposed. */
  webhookKey!: string;

  @Field({ description: 'Where deliveries are POSTed.' })
  url!: string;

  @Field(() => [WebhookTopic], { description: 'What it is sent.' })
  topics!: WebhookTopic[];

  @Field(() => WebhookFilter, { description: 'Which changes of those topics; unset parts match everything.' })
  filter!: WebhookFilter;

  @Field({ description: 'Whether it sends now (state ACTIVE).' })
  active!: boolean;

  @Field(() => WebhookState, { description: 'Active, paused after failures, or disabled by a 410 Gone.' })
  state!: WebhookState;

  @Field(() => String, { nullable: true, description: 'Why it was paused or disabled; null while active.' })
  stateReason!: string | null;

  @Field(() => Int, { description: 'Failed attempts in a row, reset by a success.' })
  consecutiveFailures!: number;

  @Field({ description: 'Whether its payloads carry personal values (summaries, names, subjects, event details): when its creator had PII_READ.' })
  includesPersonalData!: boolean;

  @Field({ description: 'Who created it (a Viewer id).' })
  createdBy!: string;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;
}

export const WebhookConnection = connectionType<Webhook>({
  name: 'Webhook',
  node: () => Webhook,
  description: 'A page of webhooks, newest first.',
  edgeDescription: 'One webhook, with its cursor.',
  nodeDescription: 'The webhook.',
});
export type WebhookConnection = InstanceType<typeof WebhookConnection>;

@InputType({ description: 'A webhook to create.' })
export class CreateWebhookInput {
  @Field({ description: 'An http(s) URL on a public address (private ones only with WEBHOOK_ALLOW_PRIVATE_TARGETS=true).' })
  url!: string;

  @Field(() => [WebhookTopic], { description: 'What to send; at least one.' })
  topics!: WebhookTopic[];

  @Field(() => String, { nullable: true, description: 'The signing secret, at least 24 characters; one is made (and answered once) when omitted.' })
  secret?: string | null;

  @Field(() => WebhookFilterInput, { nullable: true, description: 'Which changes of those topics; all when omitted.' })
  filter?: WebhookFilterInput | null;
}

@InputType({ description: 'A webhook to change.' })
export class UpdateWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;

  @Field(() => Boolean, { nullable: true, description: 'true resumes a paused or disabled webhook (what it collected meanwhile is sent, in order); false pauses it.' })
  active?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A new target URL, checked like a new one.' })
  url?: string | null;

  @Field(() => [WebhookTopic], { nullable: true, description: 'New topics; at least one.' })
  topics?: WebhookTopic[] | null;
}

@InputType({ description: 'A webhook to delete.' })
export class DeleteWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;
}

@InputType({ description: 'A new signing secret for a webhook.' })
export class RotateWebhookSecretInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'For how many seconds deliveries are signed with the old secret too (a second `v1=`); default 86400, at most 604800.' })
  graceSeconds?: number | null;
}

@InputType({ description: 'A delivery to send again.' })
export class RedeliverWebhookDeliveryInput {
  @Field(() => ID, { description: 'The delivery (from `Webhook.deliveries`).' })
  deliveryId!: string;
}

@InputType({ description: 'Send a webhook its deliveries again from a point in time.' })
export class ReplayWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;

  @Field({ description: 'Every delivery of this webhook written at or after this instant is sent again, in order, with its own id.' })
  since!: Date;
}

@ObjectType({ description: 'The outcome of a webhook mutation.' })
export class WebhookPayload {
  @Field(() => Webhook, { nullable: true, description: 'The webhook as it is now; null when there were user errors.' })
  webhook!: Webhook | null;

  @Field(() => String, { nullable: true, description: 'The signing secret: only in the answer to createWebhook (when it made one) and rotateWebhookSecret, never again.' })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Problems with the input; nothing was changed when there are any.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The outcome of redelivering or replaying.' })
export class WebhookRedeliveryPayload {
  @Field(() => Int, { description: 'Deliveries set to be sent again.' })
  deliveries!: number;

  @Field(() => [UserError], { description: 'Problems with the input; nothing was changed when there are any.' })
  userErrors!: UserError[];
}
