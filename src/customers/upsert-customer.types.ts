import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../app/errors';
import { Customer } from './customer.types';
import { IdentifierInput } from './identifier';

@InputType({ description: 'Create or update a customer profile. Only the fields given change.' })
export class UpsertCustomerInput {
  @Field(() => ID, { nullable: true, description: 'The customer to update; else matched by any identifier, else created.' })
  id?: string | null;

  @Field(() => [IdentifierInput], {
    nullable: true,
    description: "Added to the customer. An identifier another customer owns is an IDENTIFIER_TAKEN error, never a silent move.",
  })
  identifiers?: IdentifierInput[] | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  givenName?: string | null;

  @Field(() => String, { nullable: true })
  familyName?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 locale; stored in canonical form.' })
  locale?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone.' })
  timeZone?: string | null;

  @Field(() => Int, { nullable: true, description: 'Write only if the customer is still at this version; otherwise a CONFLICT user error and nothing is written.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Echoed back in the payload so bulk callers can match results to inputs.' })
  clientRef?: string | null;

  @Field(() => String, { nullable: true, description: 'The system making the change; recorded on new identifiers.' })
  source?: string | null;
}

@ObjectType()
export class UpsertCustomerPayload {
  @Field(() => Customer, { nullable: true, description: 'The customer as stored after the write; null when there were user errors.' })
  customer!: Customer | null;

  @Field({ description: 'True when this call created the customer.' })
  created!: boolean;

  @Field(() => String, { nullable: true })
  clientRef!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
