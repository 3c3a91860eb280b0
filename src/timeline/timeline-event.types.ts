import { Field, ID, InputType, Int, InterfaceType, ObjectType } from 'type-graphql';
import { Node } from '../relay/node';
import { PageInfo } from '../relay/connection';
import { toGlobalId } from '../relay/global-id';
import { encodeTimelineCursor } from './cursor';
import { CallOutcome, Channel, Direction, EventKind, PurchaseStatus, SurveyKind } from './enums';

/** A `timeline_event` row as the timeline queries select it. */
export interface TimelineEventRow {
  id: string;
  customer_id: string;
  kind: EventKind;
  channel: Channel;
  occurred_at: Date;
  received_at: Date;
  direction: Direction | null;
  summary: string;
  source: string | null;
  external_id: string | null;
  agent_id: string | null;
  details: Record<string, unknown>;
  /** occurred_at in UTC with microseconds, for keyset cursors. */
  position_at: string;
}

@InterfaceType({ implements: Node, description: 'One interaction in a customer\'s history.' })
export abstract class TimelineEvent extends Node {
  /** Database key; not exposed. */
  eventKey!: string;
  /** Owning customer's key; not exposed, resolved through `customer`. */
  customerKey!: string;
  /** Keyset cursor of this event in its customer's timeline. */
  cursor!: string;

  @Field(() => EventKind)
  kind!: EventKind;

  @Field(() => Channel, { description: 'How the interaction happened.' })
  channel!: Channel;

  @Field({ description: 'When it happened, as reported by the source system.' })
  occurredAt!: Date;

  @Field({ description: 'When this server stored it.' })
  receivedAt!: Date;

  @Field(() => Direction, { nullable: true })
  direction!: Direction | null;

  @Field({ description: 'One human-readable line for an agent console.' })
  summary!: string;

  @Field(() => String, { nullable: true, description: 'The system the event came from.' })
  source!: string | null;

  @Field(() => String, { nullable: true, description: 'Its id in `source`; (source, externalId) is unique and makes recording idempotent.' })
  externalId!: string | null;

  @Field(() => String, { nullable: true, description: 'The agent who handled it, as the source system names them.' })
  agentId!: string | null;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'A phone call.' })
export class CallEvent extends TimelineEvent {
  @Field(() => String, { nullable: true, description: 'Caller number, E.164.' })
  fromNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'Called number, E.164.' })
  toNumber!: string | null;

  @Field(() => CallOutcome)
  outcome!: CallOutcome;

  @Field(() => Int, { nullable: true, description: 'Seconds the caller waited before an agent answered.' })
  waitSeconds!: number | null;

  @Field(() => Int, { nullable: true, description: 'Talk time in seconds.' })
  durationSeconds!: number | null;

  @Field(() => String, { nullable: true })
  recordingUrl!: string | null;

  @Field(() => String, { nullable: true })
  transcript!: string | null;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'An e-mail to or from the customer.' })
export class EmailEvent extends TimelineEvent {
  @Field()
  fromAddress!: string;

  @Field(() => [String])
  toAddresses!: string[];

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => String, { nullable: true, description: 'Plain-text body.' })
  bodyText!: string | null;

  @Field(() => String, { nullable: true })
  threadId!: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 5322 Message-ID.' })
  messageId!: string | null;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'A direct message on a social platform, SMS or chat.' })
export class SocialMessageEvent extends TimelineEvent {
  @Field({ description: 'instagram, facebook, x, whatsapp, tiktok, ...' })
  platform!: string;

  @Field({ description: "The customer's handle on the platform, normalised." })
  handle!: string;

  @Field(() => String, { nullable: true })
  threadId!: string | null;

  @Field()
  text!: string;
}

@ObjectType({ description: 'An amount of money: a decimal string (never a float) and an ISO 4217 currency.' })
export class Money {
  @Field({ description: 'Decimal string with the currency\'s minor units, e.g. "59.90".' })
  amount!: string;

  @Field({ description: 'ISO 4217 code, e.g. "EUR".' })
  currency!: string;
}

@ObjectType({ description: 'One line of an order.' })
export class LineItem {
  @Field(() => String, { nullable: true })
  sku!: string | null;

  @Field()
  name!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money)
  unitPrice!: Money;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'An order or a change of its status.' })
export class PurchaseEvent extends TimelineEvent {
  @Field()
  orderNumber!: string;

  @Field(() => PurchaseStatus)
  status!: PurchaseStatus;

  @Field(() => Money)
  total!: Money;

  @Field(() => [LineItem])
  items!: LineItem[];
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'An answer to a CSAT, NPS or CES survey.' })
export class SurveyResponseEvent extends TimelineEvent {
  @Field(() => SurveyKind)
  survey!: SurveyKind;

  @Field(() => Int)
  score!: number;

  @Field(() => Int, { description: 'Top of the scale the score is on (CSAT 5, NPS 10, CES 7 unless the survey said otherwise).' })
  scaleMax!: number;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => ID, { nullable: true, description: 'The event the survey asked about, e.g. the call it followed.' })
  aboutEventId!: string | null;
}

const EVENT_CLASS: Record<EventKind, new () => TimelineEvent> = {
  [EventKind.CALL]: CallEvent,
  [EventKind.EMAIL]: EmailEvent,
  [EventKind.SOCIAL_MESSAGE]: SocialMessageEvent,
  [EventKind.PURCHASE]: PurchaseEvent,
  [EventKind.SURVEY_RESPONSE]: SurveyResponseEvent,
};

export function toTimelineEvent(row: TimelineEventRow): TimelineEvent {
  const event = new EVENT_CLASS[row.kind]();
  Object.assign(event, row.details);
  event.id = toGlobalId('TimelineEvent', row.id);
  event.eventKey = row.id;
  event.customerKey = row.customer_id;
  event.cursor = encodeTimelineCursor({ occurredAt: row.position_at, id: row.id });
  event.kind = row.kind;
  event.channel = row.channel;
  event.occurredAt = row.occurred_at;
  event.receivedAt = row.received_at;
  event.direction = row.direction;
  event.summary = row.summary;
  event.source = row.source;
  event.externalId = row.external_id;
  event.agentId = row.agent_id;
  return event;
}

@InputType({ description: 'Narrows a timeline. Every given condition must hold.' })
export class TimelineFilter {
  @Field(() => [EventKind], { nullable: true, description: 'Only these kinds.' })
  kinds?: EventKind[] | null;

  @Field(() => [Channel], { nullable: true, description: 'Only these channels.' })
  channels?: Channel[] | null;

  @Field(() => Date, { nullable: true, description: 'Only events at or after this instant.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only events before this instant.' })
  until?: Date | null;
}

@ObjectType()
export class TimelineEdge {
  @Field({ description: 'Keyset position of this event; pass it as `after` or `before`.' })
  cursor!: string;

  @Field(() => TimelineEvent)
  node!: TimelineEvent;
}

@ObjectType({ description: 'A page of a timeline, newest first by (occurredAt, id).' })
export class TimelineConnection {
  @Field(() => [TimelineEdge])
  edges!: TimelineEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
