import { Field, Int, ObjectType } from 'type-graphql';
import { Personal } from '../access/personal-data';
import { Node } from '../relay/node';
import { toGlobalId } from '../relay/global-id';
import type { Channel } from '../core/enums';
import type { Identifier } from './identifier.types';

/** A `customer` row. */
export interface CustomerRow {
  id: string;
  display_name: string;
  given_name: string | null;
  family_name: string | null;
  locale: string | null;
  time_zone: string | null;
  preferred_channel: Channel | null;
  language: string | null;
  contact_hours: string | null;
  notes: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
  erased_at: Date | null;
}

export const CUSTOMER_COLUMNS = `c.id, c.display_name, c.given_name, c.family_name, c.locale, c.time_zone,
  c.preferred_channel, c.language, c.contact_hours, c.notes, c.version, c.created_at, c.updated_at, c.erased_at`;

/** The name an erased customer reads as. */
export const ERASED_DISPLAY_NAME = 'Erased customer';

@ObjectType({ implements: Node, description: 'One person, however many systems and channels know them.' })
export class Customer extends Node {
  /** Database key; not exposed. */
  key!: string;
  /** The stored row, for the preferences and other derived fields. */
  row!: CustomerRow;
  /** Its identifiers, when they were read with it (else they are loaded when asked for). */
  identifiersRead?: Identifier[];
  /** What its statement read ahead for other features' fields (see customer-read-ahead.ts), in the plan's order. */
  readAhead?: unknown[];

  @Personal('name')
  @Field({
    description: 'The name agents see. For a new customer without one: given and family name, else taken from the first identifier (e.g. "@handle" or the e-mail address).',
  })
  displayName!: string;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'First name; null when unknown.' })
  givenName!: string | null;

  @Personal('text')
  @Field(() => String, { nullable: true, description: 'Last name; null when unknown.' })
  familyName!: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 locale in canonical form, e.g. "en-GB"; null when unknown.' })
  locale!: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. "Europe/London"; null when unknown.' })
  timeZone!: string | null;

  @Field(() => Int, { description: 'Starts at 1 and increases with every change to the profile, its identifiers or its preferences; pass it as `expectedVersion` to write only over what you read.' })
  version!: number;

  @Field({ description: 'When the customer was first created here.' })
  createdAt!: Date;

  @Field({ description: 'When the profile, its identifiers or its preferences last changed.' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When eraseCustomer removed its personal data; null for a customer never erased. An erased customer takes no more writes.' })
  erasedAt!: Date | null;

  static fromRow(row: CustomerRow): Customer {
    const customer = new Customer();
    customer.id = toGlobalId('Customer', row.id);
    customer.key = row.id;
    customer.row = row;
    customer.displayName = row.display_name;
    customer.givenName = row.given_name;
    customer.familyName = row.family_name;
    customer.locale = row.locale;
    customer.timeZone = row.time_zone;
    customer.version = row.version;
    customer.createdAt = row.created_at;
    customer.updatedAt = row.updated_at;
    customer.erasedAt = row.erased_at;
    return customer;
  }
}
