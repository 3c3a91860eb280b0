import type { AccessContext } from '../access/access.context';
import type { CustomerLoaders } from '../customers/customer.loaders';
import type { EventRecorder } from './event-recorder.service';

/** What the record* resolvers need of the request context (built in server/). */
export interface IngestContext extends AccessContext {
  services: AccessContext['services'] & { recorder: EventRecorder };
  loaders: CustomerLoaders;
}
