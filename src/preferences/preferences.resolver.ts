import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { AuditAction, audited } from '../access/audited';
import { Scope } from '../core/access-scopes';
import { keyOf } from '../relay/global-id';
import { Channel } from '../core/enums';
import { Customer } from '../customers/customer.types';
import { ConnectionArgs, pageRequest } from '../relay/connection';
import type { PreferencesContext } from './preferences.context';
import { Consent, ConsentChangeConnection, Preferences, UpdatePreferencesInput, UpdatePreferencesPayload } from './preferences.types';

@Resolver(() => Preferences)
export class PreferencesResolver {
  @Authorized(Scope.CUSTOMERS_WRITE)
  @Mutation(() => UpdatePreferencesPayload, { description: 'Change the preferences given and leave the rest; each consent change is kept as history. CUSTOMERS_WRITE.' })
  updatePreferences(
    @Arg('input', () => UpdatePreferencesInput, { description: 'The customer and the preferences to change.' }) input: UpdatePreferencesInput,
    @Ctx() context: PreferencesContext,
  ): Promise<UpdatePreferencesPayload> {
    return audited(
      context,
      'updatePreferences',
      AuditAction.WRITE,
      () => context.services.preferences.update(input),
      (payload) => ({ customerKeys: [payload.customer?.key], userErrors: payload.userErrors.length > 0 }),
      [keyOf(input.customerId, 'Customer')],
    );
  }

  @FieldResolver(() => [Consent], { description: 'Current consent, one entry per channel the customer has answered for.' })
  consents(@Root() preferences: Preferences, @Ctx() { loaders }: PreferencesContext): Promise<Consent[]> {
    return loaders.consentsByCustomer.load(preferences.customerKey);
  }

  @FieldResolver(() => ConsentChangeConnection, { description: 'Every recorded consent change, newest first; the current state is `consents`.' })
  consentHistory(
    @Root() preferences: Preferences,
    @Arg('channel', () => Channel, { nullable: true, description: 'Only changes on this channel; all channels when omitted.' }) channel: Channel | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { loaders }: PreferencesContext,
  ): Promise<ConsentChangeConnection> {
    return loaders.consentHistoryPage.load({ customerKey: preferences.customerKey, channel: channel ?? null, page: pageRequest(args) });
  }
}

/** `Customer.preferences` and `Customer.consentHistory`, which this feature adds to the customer type. */
@Resolver(() => Customer)
export class CustomerPreferencesResolver {
  @FieldResolver(() => Preferences, { description: 'How the customer wants to be reached.' })
  preferences(@Root() customer: Customer): Preferences {
    return Preferences.of(customer);
  }

  @FieldResolver(() => ConsentChangeConnection, { description: "The customer's consent changes, newest first; the same as `preferences.consentHistory`." })
  consentHistory(
    @Root() customer: Customer,
    @Arg('channel', () => Channel, { nullable: true, description: 'Only changes on this channel; all channels when omitted.' }) channel: Channel | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { loaders }: PreferencesContext,
  ): Promise<ConsentChangeConnection> {
    return loaders.consentHistoryPage.load({ customerKey: customer.key, channel: channel ?? null, page: pageRequest(args) });
  }
}
