import { Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { Personal } from '../access/personal-data';
import { maskExternalId, maskIdentifier } from '../access/masks';
import { IdentifierKind } from '../core/enums';
import { Node } from '../relay/node';
import { connectionType } from '../relay/connection-type';
import { toGlobalId } from '../relay/global-id';
import { encodeTimelineCursor } from './cursor';
import { summariseWithoutPersonalText } from './summary';
import { CallOutcome, Channel, Direction, EventKind, PurchaseStatus, SurveyKind } from '../core/enums';

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
  /**
   * Place in the stream of all events, in commit order (bigint as a string), where the read took
   * it from `timeline_stream`: replays, reads by key and new recordings do; pages leave it out
   * and `streamCursor` loads it when asked for.
   */
  stream_position?: string;
  /** The case it belongs to, and the rule that put it there (see cases/). */
  case_id: string | null;
  case_rule: string | null;
  /** That case's row, read with the event so a page's cases cost no statement of their own. */
  case_row: Record<string, unknown> | null;
}

@InterfaceType({ implements: Node, description: 'One interaction in a customer\'s history.' })
export abstract class TimelineEvent extends Node {
  /** Database key; not exposed. */
  eventKey!: string;
  /** Owning customer's key; not exposed, resolved through `customer`. */
  customerKey!: string;
  /** Keyset cursor of this event in its customer's timeline. */
  cursor!: string;
  /** Place in the stream of all events, in commit order (bigint as a string), when read with the event; see streamCursor. */
  streamPosition?: string;
  /** The case it belongs to (a key), why, and that case's row when read with it; resolved by cases/. */
  caseKey!: string | null;
  caseRule!: string | null;
  caseRow!: Record<string, unknown> | null;

  @Field(() => EventKind, { description: 'What kind of interaction this is; tells which event type (CallEvent, EmailEvent, ...) it is.' })
  kind!: EventKind;

  @Field(() => Channel, { description: 'How the interaction happened.' })
  channel!: Channel;

  @Field({ description: 'When it happened, as reported by the source system.' })
  occurredAt!: Date;

  @Field({ description: 'When this server stored it.' })
  receivedAt!: Date;

  @Field(() => Direction, { nullable: true, description: 'Who started the interaction; null when the source did not say.' })
  direction!: Direction | null;

  @Personal((event: TimelineEvent) => summariseWithoutPersonalText(event.kind, event.direction, event as unknown as Record<string, unknown>))
  @Field({
    description:
      'One human-readable line for an agent console, e.g. "Inbound call, answered, 4m 05s"; as sent by the source, else written by this server from the event. Without PII_READ, written anew without the customer\'s words ("E-mail from customer").',
  })
  summary!: string;

  @Field(() => String, { nullable: true, description: 'The system the event came from, e.g. "zendesk" or "shopify"; null when not given.' })
  source!: string | null;

  @Field(() => String, { nullable: true, description: 'Its id in `source`; (source, externalId) is unique and makes recording idempotent. Null when not given.' })
  externalId!: string | null;

  @Field(() => String, { nullable: true, description: 'The agent who handled it, as the source system names them; null when not given.' })
  agentId!: string | null;
}

/** An event read with its stream position: what the change feed delivers and replays. */
export type PositionedEvent = TimelineEvent & { streamPosition: string };

@ObjectType({ implements: [TimelineEvent, Node], description: 'A phone call.' })
export class CallEvent extends TimelineEvent {
  @Personal('phone')
  @Field(() => String, { nullable: true, description: 'Caller number in E.164, e.g. "+442079460958"; null when unknown.' })
  fromNumber!: string | null;

  @Personal('phone')
  @Field(() => String, { nullable: true, description: 'Called number in E.164; null when unknown.' })
  toNumber!: string | null;

  @Field(() => CallOutcome, { description: 'How the call ended.' })
  outcome!: CallOutcome;

  @Field(() => Int, { nullable: true, description: 'Seconds the caller waited before an agent answered (0 to 604800, a week); null when unknown.' })
  waitSeconds!: number | null;

  @Field(() => Int, { nullable: true, description: 'Talk time in seconds (0 to 604800, a week); null when unknown.' })
  durationSeconds!: number | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'http(s) link to the call recording; null when not given.' })
  recordingUrl!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'Text of the conversation (up to 200,000 characters); null when not given.' })
  transcript!: string | null;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'An e-mail to or from the customer.' })
export class EmailEvent extends TimelineEvent {
  @Personal('email')
  @Field({ description: 'Sender address, trimmed and lower-cased.' })
  fromAddress!: string;

  @Personal('emails')
  @Field(() => [String], { description: 'Recipient addresses (at least one), trimmed and lower-cased.' })
  toAddresses!: string[];

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'Subject line; null when not given.' })
  subject!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'Plain-text body; null when not given.' })
  bodyText!: string | null;

  @Field(() => String, { nullable: true, description: 'Conversation id in the source system, shared by the e-mails of one thread; null when not given.' })
  threadId!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'RFC 5322 Message-ID; null when not given.' })
  messageId!: string | null;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'A direct message on a social platform, SMS or chat.' })
export class SocialMessageEvent extends TimelineEvent {
  @Field({ description: 'The platform, lower-cased: instagram, facebook, x, whatsapp, tiktok, ...' })
  platform!: string;

  @Personal((message: SocialMessageEvent) => maskIdentifier(IdentifierKind.SOCIAL, message.handle, message.platform))
  @Field({ description: "The customer's handle on the platform, normalised: lower-case without a leading @, or E.164 for whatsapp, signal and viber; masked without PII_READ." })
  handle!: string;

  @Field(() => String, { nullable: true, description: 'Conversation id on the platform; null when not given.' })
  threadId!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'The message text (up to 20,000 characters); null without PII_READ.' })
  text!: string | null;
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
  @Field(() => String, { nullable: true, description: 'Stock-keeping unit; null when not given.' })
  sku!: string | null;

  @Field({ description: 'Product name.' })
  name!: string;

  @Field(() => Int, { description: 'Number of units, at least 1.' })
  quantity!: number;

  @Field(() => Money, { description: "Price of one unit, in the order total's currency." })
  unitPrice!: Money;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'An order or a change of its status.' })
export class PurchaseEvent extends TimelineEvent {
  @Personal((order: PurchaseEvent) => maskExternalId(order.orderNumber))
  @Field({ description: 'The order number in the source system; masked without PII_READ (it leads to the person in that system).' })
  orderNumber!: string;

  @Field(() => PurchaseStatus, { description: 'Where the order stood when this event was recorded.' })
  status!: PurchaseStatus;

  @Field(() => Money, { description: 'Order total.' })
  total!: Money;

  @Field(() => [LineItem], { description: 'The lines of the order, as sent; may be empty.' })
  items!: LineItem[];
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'An answer to a CSAT, NPS or CES survey.' })
export class SurveyResponseEvent extends TimelineEvent {
  @Field(() => SurveyKind, { description: 'Which kind of survey was answered.' })
  survey!: SurveyKind;

  @Field(() => Int, { description: "The customer's score, between the survey's lowest value (0 for NPS, else 1) and `scaleMax`." })
  score!: number;

  @Field(() => Int, { description: 'Top of the scale the score is on (CSAT 5, NPS 10, CES 7 unless the survey said otherwise).' })
  scaleMax!: number;

  @Personal('text')
  @Field(() => String, { nullable: true, description: "The customer's free-text comment; null when they left none." })
  comment!: string | null;

  @Field(() => ID, { nullable: true, description: 'Global ID of the timeline event the survey asked about, e.g. the call it followed; null when not given.' })
  aboutEventId!: string | null;
}

@ObjectType({ implements: [TimelineEvent, Node], description: 'A review the customer published about the business, e.g. on Trustpilot, Google or an app store.' })
export class ReviewEvent extends TimelineEvent {
  @Field({ description: 'Where it was published, lower-cased: trustpilot, google, yelp, appstore, ...' })
  platform!: string;

  @Field(() => Int, { description: 'The rating given, from 1 to `scaleMax`.' })
  rating!: number;

  @Field(() => Int, { description: 'Top of the rating scale (5 stars unless the platform said otherwise).' })
  scaleMax!: number;

  @Personal('text')
  @Field(() => String, { nullable: true, description: "The review's title; null when it has none, and without PII_READ." })
  title!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: "The review's text (up to 20,000 characters); null when it has none, and without PII_READ." })
  text!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'Where the review can be read (it leads to the reviewer); null when not given, and without PII_READ.' })
  url!: string | null;
}

const EVENT_CLASS: Record<EventKind, new () => TimelineEvent> = {
  [EventKind.CALL]: CallEvent,
  [EventKind.EMAIL]: EmailEvent,
  [EventKind.SOCIAL_MESSAGE]: SocialMessageEvent,
  [EventKind.PURCHASE]: PurchaseEvent,
  [EventKind.SURVEY_RESPONSE]: SurveyResponseEvent,
  [EventKind.REVIEW]: ReviewEvent,
};

/** An event read with its stream position. */
export function toPositionedEvent(row: TimelineEventRow & { stream_position: string }): PositionedEvent {
  return toTimelineEvent(row) as PositionedEvent;
}

/** An event given the stream position its announcement named. */
export function atStreamPosition(event: TimelineEvent, position: string): PositionedEvent {
  event.streamPosition = position;
  return event as PositionedEvent;
}

export function toTimelineEvent(row: TimelineEventRow): TimelineEvent {
  const event = new EVENT_CLASS[row.kind]();
  Object.assign(event, row.details);
  event.id = toGlobalId('TimelineEvent', row.id);
  event.eventKey = row.id;
  event.customerKey = row.customer_id;
  event.cursor = encodeTimelineCursor({ occurredAt: row.position_at, id: row.id });
  if (row.stream_position !== undefined) event.streamPosition = row.stream_position;
  event.kind = row.kind;
  event.channel = row.channel;
  event.occurredAt = row.occurred_at;
  event.receivedAt = row.received_at;
  event.direction = row.direction;
  event.summary = row.summary;
  event.source = row.source;
  event.externalId = row.external_id;
  event.agentId = row.agent_id;
  event.caseKey = row.case_id ?? null;
  event.caseRule = row.case_rule ?? null;
  event.caseRow = row.case_row ?? null;
  return event;
}

export const TimelineConnection = connectionType<TimelineEvent>({
  name: 'Timeline',
  node: () => TimelineEvent,
  description: 'A page of a timeline, newest first by (occurredAt, id).',
  edgeDescription: 'One event in a page of a timeline, with its cursor.',
  nodeDescription: 'The event.',
});
export type TimelineConnection = InstanceType<typeof TimelineConnection>;
