import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../app/errors';
import { Customer } from '../customers/customer.types';
import { IdentifierInput } from '../customers/identifier';
import { CallOutcome, Channel, Direction, PurchaseStatus, SurveyKind } from '../timeline/enums';
import { TimelineEvent } from '../timeline/timeline-event.types';

/** Fields every record*Input shares; unreferenced itself, so the schema writes them out in each input. */
@InputType()
export abstract class RecordEventCommonInput {
  @Field(() => ID, { nullable: true, description: 'The customer, by id. Give exactly one of customerId and identifier.' })
  customerId?: string | null;

  @Field(() => IdentifierInput, { nullable: true, description: 'The customer, by any identifier; an unknown identifier creates a customer that owns it.' })
  identifier?: IdentifierInput | null;

  @Field({ description: 'When it happened; at most a day in the future.' })
  occurredAt!: Date;

  @Field(() => Direction, { nullable: true })
  direction?: Direction | null;

  @Field(() => String, { nullable: true, description: 'The system the event comes from.' })
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'Its id in `source`. Sending the same (source, externalId) again returns the stored event and writes nothing.' })
  externalId?: string | null;

  @Field(() => String, { nullable: true })
  agentId?: string | null;

  @Field(() => Channel, { nullable: true, description: "Defaults to the kind's own channel (calls PHONE, e-mails EMAIL, social messages SOCIAL, purchases and surveys WEB)." })
  channel?: Channel | null;

  @Field(() => String, { nullable: true, description: 'One line for agents; written from the event when not given.' })
  summary?: string | null;
}

@InputType()
export class RecordCallInput extends RecordEventCommonInput {
  @Field(() => String, { nullable: true, description: 'Any common format; stored as E.164.' })
  fromNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Any common format; stored as E.164.' })
  toNumber?: string | null;

  @Field(() => CallOutcome)
  outcome!: CallOutcome;

  @Field(() => Int, { nullable: true })
  waitSeconds?: number | null;

  @Field(() => Int, { nullable: true })
  durationSeconds?: number | null;

  @Field(() => String, { nullable: true })
  recordingUrl?: string | null;

  @Field(() => String, { nullable: true })
  transcript?: string | null;
}

@InputType()
export class RecordEmailInput extends RecordEventCommonInput {
  @Field()
  fromAddress!: string;

  @Field(() => [String])
  toAddresses!: string[];

  @Field(() => String, { nullable: true })
  subject?: string | null;

  @Field(() => String, { nullable: true })
  bodyText?: string | null;

  @Field(() => String, { nullable: true })
  threadId?: string | null;

  @Field(() => String, { nullable: true })
  messageId?: string | null;
}

@InputType()
export class RecordSocialMessageInput extends RecordEventCommonInput {
  @Field()
  platform!: string;

  @Field()
  handle!: string;

  @Field(() => String, { nullable: true })
  threadId?: string | null;

  @Field()
  text!: string;
}

@InputType()
export class MoneyInput {
  @Field({ description: 'Decimal string, e.g. "59.90"; at most the currency\'s minor units.' })
  amount!: string;

  @Field({ description: 'ISO 4217 code.' })
  currency!: string;
}

@InputType()
export class LineItemInput {
  @Field(() => String, { nullable: true })
  sku?: string | null;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'At least 1.' })
  quantity!: number;

  @Field(() => MoneyInput, { description: 'In the order total\'s currency.' })
  unitPrice!: MoneyInput;
}

@InputType()
export class RecordPurchaseInput extends RecordEventCommonInput {
  @Field()
  orderNumber!: string;

  @Field(() => PurchaseStatus)
  status!: PurchaseStatus;

  @Field(() => MoneyInput)
  total!: MoneyInput;

  @Field(() => [LineItemInput])
  items!: LineItemInput[];
}

@InputType()
export class RecordSurveyResponseInput extends RecordEventCommonInput {
  @Field(() => SurveyKind)
  survey!: SurveyKind;

  @Field(() => Int, { description: 'CSAT 1-5, NPS 0-10, CES 1-7, or 1..scaleMax (0..scaleMax for NPS) when scaleMax is given.' })
  score!: number;

  @Field(() => Int, { nullable: true, description: 'Top of the scale when the survey did not use the standard one (2-100).' })
  scaleMax?: number | null;

  @Field(() => String, { nullable: true })
  comment?: string | null;

  @Field(() => ID, { nullable: true, description: 'The event the survey asked about; must exist.' })
  aboutEventId?: string | null;
}

@InputType({ description: 'One event of any kind: set exactly one field.' })
export class EventInput {
  @Field(() => RecordCallInput, { nullable: true })
  call?: RecordCallInput | null;

  @Field(() => RecordEmailInput, { nullable: true })
  email?: RecordEmailInput | null;

  @Field(() => RecordSocialMessageInput, { nullable: true })
  socialMessage?: RecordSocialMessageInput | null;

  @Field(() => RecordPurchaseInput, { nullable: true })
  purchase?: RecordPurchaseInput | null;

  @Field(() => RecordSurveyResponseInput, { nullable: true })
  surveyResponse?: RecordSurveyResponseInput | null;
}

@InputType()
export class RecordEventsInput {
  @Field(() => [EventInput], { description: 'At most 1000; each is validated and stored on its own.' })
  events!: EventInput[];
}

@ObjectType()
export class RecordEventPayload {
  @Field(() => TimelineEvent, { nullable: true, description: 'The stored event (the earlier one when this was a repeat); null on user errors.' })
  event!: TimelineEvent | null;

  /** Key of the customer the event belongs to; `customer` is resolved from it after the write commits. */
  customerKey!: string | null;

  @Field(() => Customer, { nullable: true, description: 'The customer the event belongs to, as stored after the write.' })
  customer!: Customer | null;

  @Field({ description: 'False when (source, externalId) had been recorded before, or on user errors.' })
  created!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class RecordEventsPayload {
  @Field(() => [RecordEventPayload], { description: 'One per input event, in order.' })
  results!: RecordEventPayload[];
}
