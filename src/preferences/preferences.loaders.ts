import DataLoader from 'dataloader';
import type { PreferencesService } from './preferences.service';

export function createPreferencesLoaders(preferences: PreferencesService) {
  return {
    consentsByCustomer: new DataLoader((keys: readonly string[]) => preferences.consentsByCustomer(keys)),
  };
}
