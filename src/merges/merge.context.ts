import type { CustomerLoaders } from '../customers/customer.loaders';
import type { PreferencesLoaders } from '../preferences/preferences.loaders';
import type { MergeService } from './merge.service';

/** What the merge resolvers need of the request context (built in server/). */
export interface MergesContext {
  services: { merges: MergeService };
  loaders: CustomerLoaders & PreferencesLoaders;
}
