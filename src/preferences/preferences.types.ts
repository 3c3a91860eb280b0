import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../app/errors';
import { Customer } from '../customers/customer.types';
import { Channel } from '../timeline/enums';

@ObjectType({ description: "A customer's consent to be contacted on one channel." })
export class Consent {
  @Field(() => Channel)
  channel!: Channel;

  @Field()
  granted!: boolean;

  @Field({ description: 'When this channel\'s consent last changed.' })
  updatedAt!: Date;

  @Field(() => String, { nullable: true, description: 'The system or agent that recorded the change.' })
  source!: string | null;
}

@ObjectType({ description: 'What the customer has told us about how to reach them.' })
export class Preferences {
  /** Owning customer's key; not exposed. */
  customerKey!: string;

  @Field(() => Channel, { nullable: true, description: 'The channel the customer stated they prefer; null when they have not said.' })
  preferredChannel!: Channel | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language to answer in.' })
  language!: string | null;

  @Field(() => String, { nullable: true, description: 'When they like to be contacted, in their words, e.g. "mornings".' })
  contactHours!: string | null;

  @Field(() => [String], { description: 'Free-form notes agents keep, e.g. "prefers morning calls", "size M".' })
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
  @Field(() => Channel)
  channel!: Channel;

  @Field()
  granted!: boolean;

  @Field(() => String, { nullable: true })
  source?: string | null;
}

@InputType({ description: 'Changes only the preferences given; the rest stay as they are. An explicit null clears a field.' })
export class UpdatePreferencesInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => Channel, { nullable: true })
  preferredChannel?: Channel | null;

  @Field(() => String, { nullable: true })
  language?: string | null;

  @Field(() => String, { nullable: true })
  contactHours?: string | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the list when given.' })
  notes?: string[] | null;

  @Field(() => [ConsentInput], { nullable: true, description: "Each one changes that channel's consent only." })
  consents?: ConsentInput[] | null;
}

@ObjectType()
export class UpdatePreferencesPayload {
  @Field(() => Customer, { nullable: true })
  customer!: Customer | null;

  @Field(() => Preferences, { nullable: true })
  preferences!: Preferences | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
