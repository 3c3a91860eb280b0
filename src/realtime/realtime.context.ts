import type { AccessContext } from '../access/access.context';
import type { CustomerLoaders } from '../customers/customer.loaders';
import type { RealtimeHub } from './realtime-hub';

/** What the subscription resolvers need of the request context (built in server/). */
export interface RealtimeContext extends AccessContext {
  realtime: RealtimeHub;
  loaders: CustomerLoaders;
  /** Gives the next delivered item DataLoaders of its own: they never outlive one message. */
  renewLoaders(): void;
  /** The subscriber's socket, to see how much it has not sent yet; absent over HTTP. */
  socket?: { bufferedAmount: number };
}
