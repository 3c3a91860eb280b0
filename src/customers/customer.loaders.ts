import DataLoader from 'dataloader';
import type { CustomerLookup } from './customer-lookup';

/** Per-request batches of customer reads; see server/loaders.ts. */
export function createCustomerLoaders(customers: CustomerLookup) {
  return {
    customerByKey: new DataLoader((keys: readonly string[]) => customers.customersByKey(keys)),
    identifiersByCustomer: new DataLoader((keys: readonly string[]) => customers.identifiersByCustomer(keys)),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
