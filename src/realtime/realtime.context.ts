import type { AccessContext } from '../access/access.context';
import type { CustomerLoaders } from '../customers/customer.loaders';
import type { RealtimeHub } from './realtime-hub';

/** What the subscription resolvers need of the request context (built in server/). */
export interface RealtimeContext extends AccessContext {
  realtime: RealtimeHub;
  loaders: CustomerLoaders;
  /** Lets go of the DataLoaders made so far: the next delivered item gets its own, and an idle subscription holds none. */
  renewLoaders(): void;
  /** The subscriber's socket, to see how much it has not sent yet; absent over HTTP. */
  socket?: { bufferedAmount: number };
}
