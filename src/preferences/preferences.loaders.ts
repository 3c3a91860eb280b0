import DataLoader from 'dataloader';
import type { ConsentHistory, ConsentHistoryRequest } from './consent-history';
import type { PreferencesService } from './preferences.service';

/** Per-request batches of consent reads; see server/loaders.ts. */
export function createPreferencesLoaders(preferences: PreferencesService, history: ConsentHistory) {
  return {
    consentsByCustomer: new DataLoader((keys: readonly string[]) => preferences.consentsByCustomer(keys)),
    consentHistoryPage: new DataLoader((requests: readonly ConsentHistoryRequest[]) => history.pages(requests), {
      cacheKeyFn: (request) => JSON.stringify(request),
    }),
  };
}

export type PreferencesLoaders = ReturnType<typeof createPreferencesLoaders>;
