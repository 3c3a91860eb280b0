import { Authorized, Field, ID, InputType, ObjectType } from 'type-graphql';
import { Personal } from '../access/personal-data';
import { Scope } from '../core/access-scopes';
import { UserError } from '../core/errors';
import { Customer } from '../customers/customer.types';
import { connectionType } from '../relay/connection-type';
import { Channel } from '../core/enums';

@ObjectType({ description: "A customer's consent to be contacted on one channel." })
export class Consent {
  @Field(() => Channel, { description: 'The channel this consent is for.' })
  channel!: Channel;

  @Field({ description: 'True when the customer agrees to be contacted on this channel, false when they refused or withdrew.' })
  granted!: boolean;

  @Field({ description: 'When this channel\'s consent last changed.' })
  updatedAt!: Date;

  @Field(() => String, { nullable: true, description: 'The system or agent that recorded the change; null when not given.' })
  source!: string | null;
}

@ObjectType({ description: 'What the customer has told us about how to reach them.' })
export class Preferences {
  /** Owning customer's key; not exposed. */
  customerKey!: string;

  @Field(() => Channel, { nullable: true, description: 'The channel the customer stated they prefer; null when they have not said.' })
  preferredChannel!: Channel | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language to answer in, canonical form, e.g. "en" or "pt-BR"; null when not stated.' })
  language!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'When they like to be contacted, in their words, e.g. "mornings"; null when not stated, or without PII_READ.' })
  contactHours!: string | null;

  @Personal('texts')
  @Field(() => [String], { description: 'Free-form notes agents keep, e.g. "prefers morning calls", "size M"; empty when there are none, or without PII_READ.' })
  notes!: string[];

  static of(customer: Customer): Preferences {
    const { row } = customer;
    return Object.assign(new Preferences(), {
      customerKey: customer.key,
      preferredChannel: row.preferred_channel,
      language: row.language,
      contactHours: row.contact_hours,
      notes: row.notes,
    });
  }
}

@InputType({ description: 'A change to one channel\'s consent.' })
export class ConsentInput {
  @Field(() => Channel, { description: 'The channel whose consent changes. Given twice in one call, the last one stands.' })
  channel!: Channel;

  @Field({ description: 'True to record consent to be contacted on this channel, false to record a refusal or withdrawal.' })
  granted!: boolean;

  @Field(() => String, { nullable: true, description: 'The system or agent recording the change (1-100 characters).' })
  source?: string | null;
}

@InputType({ description: 'Changes only the preferences given; the rest stay as they are. An explicit null clears a field.' })
export class UpdatePreferencesInput {
  @Field(() => ID, { description: 'Global ID of the customer; an unknown one is a NOT_FOUND user error.' })
  customerId!: string;

  @Field(() => Channel, { nullable: true, description: 'The channel the customer says they prefer.' })
  preferredChannel?: Channel | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag such as "en" or "pt-BR" (at most 35 characters); stored in canonical form.' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'When they like to be contacted, in their words (1-200 characters).' })
  contactHours?: string | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the list when given; null empties it. At most 100 notes of 1-1000 characters each.' })
  notes?: string[] | null;

  @Field(() => [ConsentInput], { nullable: true, description: "Each one changes that channel's consent only (at most 14 entries)." })
  consents?: ConsentInput[] | null;
}

@ObjectType({ description: 'The result of updating a customer\'s preferences.' })
export class UpdatePreferencesPayload {
  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => Customer, { nullable: true, description: 'The customer as stored after the write; null when there were user errors. CUSTOMERS_READ.' })
  customer!: Customer | null;

  @Field(() => Preferences, { nullable: true, description: "The customer's preferences after the write; null when there were user errors." })
  preferences!: Preferences | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success. When not empty nothing was written.' })
  userErrors!: UserError[];
}

@ObjectType({ description: "One change of a customer's consent on a channel, as it was recorded." })
export class ConsentChange {
  @Field(() => Channel, { description: 'The channel whose consent changed.' })
  channel!: Channel;

  @Field({ description: 'The consent from this change on: true when the customer agreed to be contacted on the channel.' })
  granted!: boolean;

  @Field({ description: 'When the change was recorded.' })
  changedAt!: Date;

  @Field(() => String, { nullable: true, description: 'The system or agent that recorded it, when given.' })
  source!: string | null;
}

export const ConsentChangeConnection = connectionType<ConsentChange>({
  name: 'ConsentChange',
  node: () => ConsentChange,
  description: 'Consent changes, newest first.',
  edgeDescription: 'An edge of a consent history.',
  nodeDescription: 'The change.',
});
export type ConsentChangeConnection = InstanceType<typeof ConsentChangeConnection>;
