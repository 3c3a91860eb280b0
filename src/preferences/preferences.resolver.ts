import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { Consent, Preferences, UpdatePreferencesInput, UpdatePreferencesPayload } from './preferences.types';

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
}
