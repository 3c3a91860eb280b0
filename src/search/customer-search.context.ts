import type { CustomerLoaders } from '../customers/customer.loaders';
import type { CustomerSearchService } from './customer-search.service';

/** What search's resolver needs of the request context (built in server/). */
export interface SearchContext {
  services: { search: CustomerSearchService };
  loaders: CustomerLoaders;
}
