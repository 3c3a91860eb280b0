import type { AccessContext } from '../access/access.context';
import type { CustomerLoaders } from '../customers/customer.loaders';
import type { PreferencesLoaders } from '../preferences/preferences.loaders';
import type { MergeService } from './merge.service';

/** What the merge resolvers need of the request context (built in server/). */
export interface MergesContext extends AccessContext {
  services: AccessContext['services'] & { merges: MergeService };
  loaders: CustomerLoaders & PreferencesLoaders;
}
