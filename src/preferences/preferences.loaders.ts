import DataLoader from 'dataloader';
import type { LoadersMadeBy } from '../core/request-loaders';
import type { ConsentHistory, ConsentHistoryRequest } from './consent-history';
import type { PreferencesService } from './preferences.service';

/** Per-request batches of consent reads; see server/loaders.ts. */
export const preferencesLoaders = {
  consentsByCustomer: ({ preferences }: { preferences: PreferencesService }) => new DataLoader((keys: readonly string[]) => preferences.consentsByCustomer(keys)),
  consentHistoryPage: ({ consentHistory }: { consentHistory: ConsentHistory }) =>
    new DataLoader((requests: readonly ConsentHistoryRequest[]) => consentHistory.pages(requests), {
      cacheKeyFn: (request) => JSON.stringify(request),
    }),
};

export type PreferencesLoaders = LoadersMadeBy<typeof preferencesLoaders>;
