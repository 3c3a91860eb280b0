import { Authorized, Field, ID, InputType, ObjectType } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import { UserError } from '../core/errors';
import { Customer } from '../customers/customer.types';

@InputType({ description: "A person's request to be forgotten." })
export class EraseCustomerInput {
  @Field(() => ID, { description: 'The customer; any id of the person (a merged-away one included) erases the whole person.' })
  customerId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why, for the audit log (at most 500 characters): a request or ticket reference. Kept with the audit entry, so write no personal data here.',
  })
  reason?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Keep the identifiers as keyed hashes so that later writes naming them are refused (SUPPRESSED) instead of creating the person again. Default false.',
  })
  suppress?: boolean | null;
}

@ObjectType({ description: 'The result of eraseCustomer.' })
export class EraseCustomerPayload {
  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => Customer, { nullable: true, description: 'The customer as it now reads ("Erased customer"); null when there were user errors. CUSTOMERS_READ.' })
  customer!: Customer | null;

  @Field(() => Date, { nullable: true, description: 'When the customer was erased (the first time, when erased again); null when there were user errors.' })
  erasedAt!: Date | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success. When not empty nothing was changed.' })
  userErrors!: UserError[];
}
