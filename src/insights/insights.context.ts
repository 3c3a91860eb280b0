import type { AccessContext } from '../access/access.context';
import type { InsightsLoaders } from './insights.loaders';

/** What the insight resolvers need of the request context (built in server/). */
export interface InsightsContext extends AccessContext {
  loaders: InsightsLoaders;
}
