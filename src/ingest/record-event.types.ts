import { Authorized, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import { UserError } from '../core/errors';
import { Customer } from '../customers/customer.types';
import { IdentifierInput } from '../customers/identifier.types';
import { CallOutcome, Channel, Direction, PurchaseStatus, SurveyKind } from '../core/enums';
import { TimelineEvent } from '../timeline/timeline-event.types';

/** Fields every record*Input shares; unreferenced itself, so the schema writes them out in each input. */
@InputType()
export abstract class RecordEventCommonInput {
  @Field(() => ID, { nullable: true, description: 'The customer, by global ID. Give exactly one of customerId and identifier; an unknown ID is a NOT_FOUND user error.' })
  customerId?: string | null;

  @Field(() => IdentifierInput, { nullable: true, description: 'The customer, by any identifier; an unknown identifier creates a customer that owns it.' })
  identifier?: IdentifierInput | null;

  @Field({ description: 'When it happened, ISO 8601 with offset; at most a day in the future. Orders the timeline.' })
  occurredAt!: Date;

  @Field(() => Direction, { nullable: true, description: 'Who started the interaction; leave null when unknown.' })
  direction?: Direction | null;

  @Field(() => String, { nullable: true, description: 'The system the event comes from, e.g. "zendesk" (1-100 characters); required with `externalId`.' })
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'Its id in `source` (1-200 characters). Sending the same (source, externalId) again returns the stored event and writes nothing.' })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: 'The agent who handled it, as the source system names them (1-200 characters).' })
  agentId?: string | null;

  @Field(() => Channel, { nullable: true, description:
      "Defaults to the kind's own channel (calls PHONE, e-mails EMAIL, social messages SOCIAL, purchases, surveys and reviews WEB). Allowed: calls PHONE, VIDEO; e-mails EMAIL; social messages SOCIAL, SMS, CHAT; purchases WEB, IN_STORE, PHONE; reviews WEB, SOCIAL; surveys any.",
  })
  channel?: Channel | null;

  @Field(() => String, { nullable: true, description: 'One line for agents (1-300 characters); written from the event when not given.' })
  summary?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "The customer's case this belongs to. Without it, calls, e-mails and messages find their case by the rules (same thread, the open case, a case resolved within CASE_REOPEN_WINDOW, else a new one for an inbound contact); purchases and reviews join none; a survey answer joins its aboutEventId's case. Another customer's case is a NOT_FOUND user error.",
  })
  caseId?: string | null;
}

@InputType({ description: 'A phone call to record on a customer\'s timeline.' })
export class RecordCallInput extends RecordEventCommonInput {
  @Field(() => String, { nullable: true, description: 'Caller number in any common format; stored as E.164.' })
  fromNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Called number in any common format; stored as E.164.' })
  toNumber?: string | null;

  @Field(() => CallOutcome, { description: 'How the call ended.' })
  outcome!: CallOutcome;

  @Field(() => Int, { nullable: true, description: 'Seconds the caller waited before an agent answered, 0 to 604800 (a week).' })
  waitSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Talk time in seconds, 0 to 604800 (a week).' })
  durationSeconds?: number | null;

  @Field(() => String, { nullable: true, description: 'http(s) link to the recording, at most 2000 characters.' })
  recordingUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'Text of the conversation, at most 200,000 characters.' })
  transcript?: string | null;
}

@InputType({ description: 'An e-mail to or from a customer to record on their timeline.' })
export class RecordEmailInput extends RecordEventCommonInput {
  @Field({ description: 'Sender address; stored trimmed and lower-cased.' })
  fromAddress!: string;

  @Field(() => [String], { description: '1 to 100 recipient addresses; stored trimmed and lower-cased.' })
  toAddresses!: string[];

  @Field(() => String, { nullable: true, description: 'Subject line, at most 998 characters.' })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: 'Plain-text body, at most 200,000 characters.' })
  bodyText?: string | null;

  @Field(() => String, { nullable: true, description: 'Conversation id in the source system (1-500 characters).' })
  threadId?: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 5322 Message-ID (1-998 characters).' })
  messageId?: string | null;
}

@InputType({ description: 'A social, SMS or chat message to record on a customer\'s timeline.' })
export class RecordSocialMessageInput extends RecordEventCommonInput {
  @Field({ description: 'The platform: instagram, facebook, x, whatsapp, tiktok, ... Lower-cased; letters, digits, _ . -, at most 40 characters.' })
  platform!: string;

  @Field({ description: "The customer's handle on the platform, with or without @ (a phone number in any common format for whatsapp, signal and viber)." })
  handle!: string;

  @Field(() => String, { nullable: true, description: 'Conversation id on the platform (1-500 characters).' })
  threadId?: string | null;

  @Field({ description: 'The message text (1-20,000 characters).' })
  text!: string;
}

@InputType({ description: 'An amount of money: a decimal string (never a float) and an ISO 4217 currency.' })
export class MoneyInput {
  @Field({
    description:
      'Non-negative decimal string such as "59.90" or "59.9"; up to 15 digits before the point, and no more decimals than the currency uses (EUR 2, JPY 0) apart from trailing zeros. Stored with exactly that many decimals.',
  })
  amount!: string;

  @Field({ description: 'ISO 4217 code in any case, e.g. "EUR"; stored upper-case.' })
  currency!: string;
}

@InputType({ description: 'One line of an order.' })
export class LineItemInput {
  @Field(() => String, { nullable: true, description: 'Stock-keeping unit (1-100 characters).' })
  sku?: string | null;

  @Field({ description: 'Product name (1-500 characters).' })
  name!: string;

  @Field(() => Int, { description: 'Number of units, 1 to 1,000,000.' })
  quantity!: number;

  @Field(() => MoneyInput, { description: 'Price of one unit, in the order total\'s currency.' })
  unitPrice!: MoneyInput;
}

@InputType({ description: 'An order, or a change of its status, to record on a customer\'s timeline.' })
export class RecordPurchaseInput extends RecordEventCommonInput {
  @Field({ description: 'The order number in the source system (1-100 characters).' })
  orderNumber!: string;

  @Field(() => PurchaseStatus, { description: 'Where the order stands now.' })
  status!: PurchaseStatus;

  @Field(() => MoneyInput, { description: 'Order total.' })
  total!: MoneyInput;

  @Field(() => [LineItemInput], { description: 'The lines of the order, at most 1000; may be empty.' })
  items!: LineItemInput[];
}

@InputType({ description: 'An answer to a CSAT, NPS or CES survey to record on a customer\'s timeline.' })
export class RecordSurveyResponseInput extends RecordEventCommonInput {
  @Field(() => SurveyKind, { description: 'Which kind of survey was answered.' })
  survey!: SurveyKind;

  @Field(() => Int, { description: 'CSAT 1-5, NPS 0-10, CES 1-7, or 1..scaleMax (0..scaleMax for NPS) when scaleMax is given.' })
  score!: number;

  @Field(() => Int, { nullable: true, description: 'Top of the scale when the survey did not use the standard one (2-100).' })
  scaleMax?: number | null;

  @Field(() => String, { nullable: true, description: "The customer's free-text comment, at most 5000 characters." })
  comment?: string | null;

  @Field(() => ID, { nullable: true, description: 'Global ID of the timeline event the survey asked about; must exist.' })
  aboutEventId?: string | null;
}

@InputType({ description: "A review the customer published, to record on their timeline." })
export class RecordReviewInput extends RecordEventCommonInput {
  @Field({ description: 'Where it was published, e.g. "trustpilot", "google", "appstore" (lower-cased).' })
  platform!: string;

  @Field(() => Int, { description: 'The rating, from 1 to scaleMax.' })
  rating!: number;

  @Field(() => Int, { nullable: true, description: 'Top of the rating scale (2-100); 5 when omitted.' })
  scaleMax?: number | null;

  @Field(() => String, { nullable: true, description: "The review's title, at most 300 characters." })
  title?: string | null;

  @Field(() => String, { nullable: true, description: "The review's text, at most 20,000 characters." })
  text?: string | null;

  @Field(() => String, { nullable: true, description: 'An http(s) link to the review, at most 2000 characters.' })
  url?: string | null;
}

@InputType({ description: 'One event of any kind: set exactly one field.' })
export class EventInput {
  @Field(() => RecordCallInput, { nullable: true, description: 'A phone call, as for `recordCall`.' })
  call?: RecordCallInput | null;

  @Field(() => RecordEmailInput, { nullable: true, description: 'An e-mail, as for `recordEmail`.' })
  email?: RecordEmailInput | null;

  @Field(() => RecordSocialMessageInput, { nullable: true, description: 'A social, SMS or chat message, as for `recordSocialMessage`.' })
  socialMessage?: RecordSocialMessageInput | null;

  @Field(() => RecordPurchaseInput, { nullable: true, description: 'An order or a change of its status, as for `recordPurchase`.' })
  purchase?: RecordPurchaseInput | null;

  @Field(() => RecordSurveyResponseInput, { nullable: true, description: 'A survey answer, as for `recordSurveyResponse`.' })
  surveyResponse?: RecordSurveyResponseInput | null;

  @Field(() => RecordReviewInput, { nullable: true, description: 'A review, as for `recordReview`.' })
  review?: RecordReviewInput | null;
}

@InputType({ description: 'A batch of events of mixed kinds.' })
export class RecordEventsInput {
  @Field(() => [EventInput], { description: 'At most 1000 (more is a BAD_USER_INPUT error and records nothing); each is validated and stored on its own.' })
  events!: EventInput[];
}

@ObjectType({ description: 'The result of recording one event.' })
export class RecordEventPayload {
  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => TimelineEvent, { nullable: true, description: 'The stored event (the earlier one when this was a repeat); null on user errors. CUSTOMERS_READ.' })
  event!: TimelineEvent | null;

  /** Key of the customer the event belongs to; `customer` is resolved from it after the write commits. */
  customerKey!: string | null;

  @Field(() => Customer, { nullable: true, description: 'The customer the event belongs to, as stored after the write; null on user errors. CUSTOMERS_READ.' })
  customer!: Customer | null;

  @Field({ description: 'False when (source, externalId) had been recorded before, or on user errors.' })
  created!: boolean;

  @Field(() => [UserError], { description: 'Problems with this event; empty on success. When not empty the event was not stored.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The results of recording a batch of events.' })
export class RecordEventsPayload {
  @Field(() => [RecordEventPayload], { description: 'One per input event, in order.' })
  results!: RecordEventPayload[];
}
