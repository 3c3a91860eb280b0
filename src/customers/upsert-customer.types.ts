import { Authorized, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import { UserError } from '../core/errors';
import { Customer } from './customer.types';
import { IdentifierInput } from './identifier.types';

@InputType({ description: 'Create or update a customer profile. Only the fields given change.' })
export class UpsertCustomerInput {
  @Field(() => ID, { nullable: true, description: 'Global ID of the customer to update; when absent the customer is matched by any identifier, else created.' })
  id?: string | null;

  @Field(() => [IdentifierInput], {
    nullable: true,
    description:
      'Added to the customer (at most 50 per write; ones it already has are kept). An identifier another customer owns is an IDENTIFIER_TAKEN error, never a silent move.',
  })
  identifiers?: IdentifierInput[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'The name agents see (1-200 characters); cannot be cleared. A new customer without one is named from givenName and familyName, else from the first identifier.',
  })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'First name (1-200 characters); null clears it.' })
  givenName?: string | null;

  @Field(() => String, { nullable: true, description: 'Last name (1-200 characters); null clears it.' })
  familyName?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 locale such as "en-GB" (at most 35 characters); stored in canonical form. Null clears it.' })
  locale?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone such as "Europe/London"; null clears it.' })
  timeZone?: string | null;

  @Field(() => Int, { nullable: true, description: 'Write only if the customer is still at this version; otherwise a CONFLICT user error and nothing is written.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Your own reference (at most 200 characters), echoed back in the payload so bulk callers can match results to inputs. Not stored.' })
  clientRef?: string | null;

  @Field(() => String, { nullable: true, description: 'The system making the change (1-100 characters); recorded on new identifiers.' })
  source?: string | null;
}

@ObjectType({ description: 'The result of creating or updating one customer.' })
export class UpsertCustomerPayload {
  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => Customer, { nullable: true, description: 'The customer as stored after the write; null when there were user errors. CUSTOMERS_READ.' })
  customer!: Customer | null;

  @Field({ description: 'True when this call created the customer.' })
  created!: boolean;

  @Field(() => String, { nullable: true, description: 'The `clientRef` of the input, unchanged; null when none was given.' })
  clientRef!: string | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success. When not empty nothing was written.' })
  userErrors!: UserError[];
}

@InputType({ description: 'A batch of profile upserts from a CRM sync.' })
export class SyncCustomersInput {
  @Field(() => [UpsertCustomerInput], {
    description: 'At most 500. Each is applied on its own, in order; a bad item gets its userErrors and does not stop the others. Replaying a batch changes nothing.',
  })
  customers!: UpsertCustomerInput[];
}

@ObjectType({ description: 'One result per input customer, in input order.' })
export class SyncCustomersPayload {
  @Field(() => [UpsertCustomerPayload], { description: 'One per input item, in the same order, each echoing its clientRef.' })
  results!: UpsertCustomerPayload[];
}

@InputType({ description: 'Detach one identifier from a customer, e.g. an e-mail address they no longer use.' })
export class RemoveIdentifierInput {
  @Field(() => ID, { description: 'The customer that owns the identifier (a merged-away id acts on its survivor).' })
  customerId!: string;

  @Field(() => IdentifierInput, { description: 'The identifier to remove, in any format; it is normalised before matching.' })
  identifier!: IdentifierInput;

  @Field(() => Int, { nullable: true, description: 'Remove only if the customer is still at this version; otherwise a CONFLICT user error.' })
  expectedVersion?: number | null;
}
