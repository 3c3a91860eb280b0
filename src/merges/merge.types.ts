import { Scope } from '../core/access-scopes';
import { Authorized, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../core/errors';
import { Customer } from '../customers/customer.types';

@InputType({ description: 'Merge two customer profiles that are one person.' })
export class MergeCustomersInput {
  @Field(() => ID, { description: 'The customer that stays. Its profile fields win where set.' })
  survivorId!: string;

  @Field(() => ID, { description: 'The customer merged into the survivor. Its id keeps resolving to the survivor.' })
  mergedId!: string;

  @Field(() => Boolean, { nullable: true, description: 'When true, answer the would-be survivor (identifiers, preferences, event count) and write nothing.' })
  dryRun?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The system or agent asking for the merge; kept in the merge ledger.' })
  source?: string | null;
}

@ObjectType({ description: 'The outcome of a merge, or of its dry run.' })
export class MergeCustomersPayload {
  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => Customer, {
    nullable: true,
    description: 'The survivor after the merge: for a dry run, as it would be (its identifiers and preferences are the would-be ones; its timeline is not). Null on user errors.',
  })
  survivor!: Customer | null;

  @Field(() => ID, { nullable: true, description: 'The merged-away customer id, which now resolves to the survivor. Null on user errors.' })
  mergedId!: string | null;

  @Field({ description: 'True when nothing was written.' })
  dryRun!: boolean;

  @Field(() => Int, { nullable: true, description: "Number of timeline events the survivor has (would have) after the merge. Null on user errors." })
  eventCount!: number | null;

  @Field(() => [UserError], { description: 'Problems with the input; when present, nothing was written.' })
  userErrors!: UserError[];
}

@InputType({ description: 'Undo a merge: both customers come back with their own identifiers and events.' })
export class UnmergeCustomersInput {
  @Field(() => ID, { description: 'The customer that was merged away (its id as it was before the merge).' })
  mergedId!: string;
}

@ObjectType({ description: 'The two customers after an unmerge.' })
export class UnmergeCustomersPayload {
  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => Customer, { nullable: true, description: 'The former survivor, without what the merge brought it. Null on user errors. CUSTOMERS_READ.' })
  survivor!: Customer | null;

  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => Customer, { nullable: true, description: 'The restored customer, with its own identifiers, events, preferences and consents. Null on user errors. CUSTOMERS_READ.' })
  restored!: Customer | null;

  @Field(() => [UserError], { description: 'Problems with the input; when present, nothing was written.' })
  userErrors!: UserError[];
}
