import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AuditAction, audited } from '../access/audited';
import { Scope } from '../core/access-scopes';
import { UserInputProblem, badUserInput, notFound } from '../core/errors';
import { Customer } from '../customers/customer.types';
import { keyOf } from '../relay/global-id';
import { acceptableReason } from './customer-erasure.service';
import type { PrivacyContext } from './privacy.context';
import { EraseCustomerInput, EraseCustomerPayload } from './privacy.types';

@Resolver()
export class PrivacyResolver {
  @Authorized(Scope.PRIVACY)
  @Query(() => GraphQLJSON, {
    description:
      "Everything stored about a person (the customer and every customer merged into it), as one JSON document: profile, identifiers, preferences, consents and their history, every event with all its fields, cases, merges, and audit entries about them. Shows personal values in clear (PRIVACY holds that right) and is audited. An unknown id is NOT_FOUND. PRIVACY.",
  })
  async customerExport(@Arg('id', () => ID, { description: 'Any id of the person.' }) id: string, @Ctx() context: PrivacyContext): Promise<Record<string, unknown>> {
    const key = keyOf(id, 'Customer');
    if (!key) throw badUserInput('`id` is not a customer id.', { argument: 'id' });
    return audited(
      context,
      'customerExport',
      AuditAction.EXPORT,
      async () => {
        const found = await context.services.exports.export(id);
        if (!found) throw notFound('No customer has this id.');
        return found;
      },
      (found) => ({ customerKeys: [found.group.rootKey], userErrors: false }),
      [key],
    ).then((found) => found.document);
  }

  @Authorized(Scope.PRIVACY)
  @Mutation(() => EraseCustomerPayload, {
    description:
      'Erase a person (the customer and every customer merged into it): every personal value is removed from every table; events stay as placeholders with kind, time, channel, amounts and scores, so counts and metrics do not change. The customer reads as "Erased customer" and takes no more writes; subscribers get customerChanged ERASED. PRIVACY.',
  })
  eraseCustomer(@Arg('input', () => EraseCustomerInput, { description: 'Who, why, and whether to refuse their identifiers from now on.' }) input: EraseCustomerInput, @Ctx() context: PrivacyContext): Promise<EraseCustomerPayload> {
    const named = keyOf(input.customerId, 'Customer');
    return audited(
      context,
      'eraseCustomer',
      AuditAction.ERASE,
      () => this.erase(input, context),
      (payload) => ({ customerKeys: [payload.customer?.key], userErrors: payload.userErrors.length > 0 }),
      [named],
      acceptableReason(input.reason),
    );
  }

  private async erase(input: EraseCustomerInput, { services, loaders }: PrivacyContext): Promise<EraseCustomerPayload> {
    try {
      const erasure = await services.erasure.erase(input);
      const customer = Customer.fromRow(erasure.customer);
      loaders.customerByKey.clear(customer.key).prime(customer.key, customer);
      return { customer, erasedAt: erasure.erasedAt, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { customer: null, erasedAt: null, userErrors: error.errors };
      throw error;
    }
  }
}
