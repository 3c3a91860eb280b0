import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { UserInputProblem } from '../core/errors';
import { Customer } from '../customers/customer.types';
import { toGlobalId } from '../relay/global-id';
import type { MergesContext } from './merge.context';
import { MergeCustomersInput, MergeCustomersPayload, UnmergeCustomersInput, UnmergeCustomersPayload } from './merge.types';

@Resolver()
export class MergeResolver {
  @Mutation(() => MergeCustomersPayload, {
    description:
      "Merge two profiles of one person: identifiers, events, preferences and consents move to the survivor and the merged id keeps resolving to it. Recorded in a ledger; undo with unmergeCustomers.",
  })
  async mergeCustomers(
    @Arg('input', () => MergeCustomersInput, { description: 'Who survives, who is merged, and whether to only preview.' }) input: MergeCustomersInput,
    @Ctx() { services, loaders }: MergesContext,
  ): Promise<MergeCustomersPayload> {
    try {
      const outcome = await services.merges.merge(input);
      const survivor = Customer.fromRow(outcome.survivor);
      // The payload's survivor shows the merged state even for a dry run, whose writes are gone:
      // its identifiers and consents come from inside the merge's transaction.
      loaders.customerByKey.clear(survivor.key).prime(survivor.key, survivor);
      loaders.identifiersByCustomer.clear(survivor.key).prime(survivor.key, outcome.identifiers);
      loaders.consentsByCustomer.clear(survivor.key).prime(survivor.key, outcome.consents);
      return { survivor, mergedId: toGlobalId('Customer', outcome.mergedKey), dryRun: outcome.dryRun, eventCount: outcome.eventCount, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { survivor: null, mergedId: null, dryRun: Boolean(input.dryRun), eventCount: null, userErrors: error.errors };
      throw error;
    }
  }

  @Mutation(() => UnmergeCustomersPayload, {
    description:
      'Undo a merge: the merged customer comes back with its own identifiers, events (including those recorded against its identifiers since), preferences and consents.',
  })
  async unmergeCustomers(
    @Arg('input', () => UnmergeCustomersInput, { description: 'The customer to bring back.' }) input: UnmergeCustomersInput,
    @Ctx() { services }: MergesContext,
  ): Promise<UnmergeCustomersPayload> {
    try {
      const { survivor, restored } = await services.merges.unmerge(input);
      return { survivor: Customer.fromRow(survivor), restored: Customer.fromRow(restored), userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { survivor: null, restored: null, userErrors: error.errors };
      throw error;
    }
  }
}
