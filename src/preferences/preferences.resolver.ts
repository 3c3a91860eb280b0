import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, pageRequest } from '../relay/connection';
import { Channel } from '../timeline/enums';
import type { RequestContext } from '../app/context';
import { Consent, ConsentChangeConnection, Preferences, UpdatePreferencesInput, UpdatePreferencesPayload } from './preferences.types';

@Resolver(() => Preferences)
export class PreferencesResolver {
  @Mutation(() => UpdatePreferencesPayload, { description: 'Change the preferences given and leave the rest; each consent change is kept as history.' })
  updatePreferences(
    @Arg('input', () => UpdatePreferencesInput, { description: 'The customer and the preferences to change.' }) input: UpdatePreferencesInput,
    @Ctx() { services }: RequestContext,
  ): Promise<UpdatePreferencesPayload> {
    return services.preferences.update(input);
  }

  @FieldResolver(() => [Consent], { description: 'Current consent, one entry per channel the customer has answered for.' })
  consents(@Root() preferences: Preferences, @Ctx() { loaders }: RequestContext): Promise<Consent[]> {
    return loaders.consentsByCustomer.load(preferences.customerKey);
  }

  @FieldResolver(() => ConsentChangeConnection, { description: 'Every recorded consent change, newest first; the current state is `consents`.' })
  consentHistory(
    @Root() preferences: Preferences,
    @Arg('channel', () => Channel, { nullable: true, description: 'Only changes on this channel; all channels when omitted.' }) channel: Channel | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: RequestContext,
  ): Promise<ConsentChangeConnection> {
    return services.preferences.consentHistory(preferences.customerKey, channel ?? null, pageRequest(args));
  }
}
