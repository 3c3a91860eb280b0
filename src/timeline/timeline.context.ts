import type { CustomerLoaders } from '../customers/customer.loaders';
import type { TimelineLoaders } from './timeline.loaders';

/** What the timeline's resolvers need of the request context (built in server/). */
export interface TimelineContext {
  loaders: CustomerLoaders & TimelineLoaders;
}
