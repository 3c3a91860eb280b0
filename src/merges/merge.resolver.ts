import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { AuditAction, audited } from '../access/audited';
import { Scope } from '../core/access-scopes';
import { UserInputProblem } from '../core/errors';
import { Customer } from '../customers/customer.types';
import { keyOf, toGlobalId } from '../relay/global-id';
import type { MergesContext } from './merge.context';
import { MergeCustomersInput, MergeCustomersPayload, UnmergeCustomersInput, UnmergeCustomersPayload } from './merge.types';

@Resolver()
export class MergeResolver {
  @Authorized(Scope.MERGE)
  @Mutation(() => MergeCustomersPayload, {
    description:
      'Merge two profiles of one person: identifiers, events, preferences and consents move to the survivor and the merged id keeps resolving to it. Recorded in a ledger; undo with unmergeCustomers. MERGE.',
  })
  mergeCustomers(
    @Arg('input', () => MergeCustomersInput, { description: 'Who survives, who is merged, and whether to only preview.' }) input: MergeCustomersInput,
    @Ctx() context: MergesContext,
  ): Promise<MergeCustomersPayload> {
    const named = [keyOf(input.survivorId, 'Customer'), keyOf(input.mergedId, 'Customer')];
    return audited(
      context,
      'mergeCustomers',
      AuditAction.MERGE,
      () => this.merge(input, context),
      (payload) => ({ customerKeys: payload.userErrors.length > 0 || payload.dryRun ? [] : named, userErrors: payload.userErrors.length > 0 }),
      named,
    );
  }

  @Authorized(Scope.MERGE)
  @Mutation(() => UnmergeCustomersPayload, {
    description:
      'Undo a merge: the merged customer comes back with its own identifiers, events (including those recorded against its identifiers since), preferences and consents. MERGE.',
  })
  unmergeCustomers(
    @Arg('input', () => UnmergeCustomersInput, { description: 'The customer to bring back.' }) input: UnmergeCustomersInput,
    @Ctx() context: MergesContext,
  ): Promise<UnmergeCustomersPayload> {
    return audited(
      context,
      'unmergeCustomers',
      AuditAction.UNMERGE,
      () => this.unmerge(input, context),
      (payload) => ({ customerKeys: [payload.survivor?.key, payload.restored?.key], userErrors: payload.userErrors.length > 0 }),
      [keyOf(input.mergedId, 'Customer')],
    );
  }

  private async merge(input: MergeCustomersInput, { services, loaders }: MergesContext): Promise<MergeCustomersPayload> {
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

  private async unmerge(input: UnmergeCustomersInput, { services }: MergesContext): Promise<UnmergeCustomersPayload> {
    try {
      const { survivor, restored } = await services.merges.unmerge(input);
      return { survivor: Customer.fromRow(survivor), restored: Customer.fromRow(restored), userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { survivor: null, restored: null, userErrors: error.errors };
      throw error;
    }
  }
}
