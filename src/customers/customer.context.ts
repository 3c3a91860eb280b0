import type { AccessContext } from '../access/access.context';
import type { CustomerLookup } from './customer-lookup';
import type { CustomerReadAheads } from './customer-read-ahead';
import type { CustomerLoaders } from './customer.loaders';
import type { CustomerUpsertService } from './customer-upsert.service';

/** What the customers feature's resolvers need of the request context (built in server/). */
export interface CustomersContext extends AccessContext {
  services: AccessContext['services'] & { customers: CustomerLookup; upserts: CustomerUpsertService; customerReadAheads: CustomerReadAheads };
  loaders: CustomerLoaders;
}
