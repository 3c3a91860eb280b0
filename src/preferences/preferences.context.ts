import type { AccessContext } from '../access/access.context';
import type { PreferencesLoaders } from './preferences.loaders';
import type { PreferencesService } from './preferences.service';

/** What the preferences feature's resolvers need of the request context (built in server/). */
export interface PreferencesContext extends AccessContext {
  services: AccessContext['services'] & { preferences: PreferencesService };
  loaders: PreferencesLoaders;
}
