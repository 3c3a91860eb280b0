import DataLoader from 'dataloader';
import type { LoadersMadeBy } from '../core/request-loaders';
import type { CustomerLookup } from './customer-lookup';

/** Per-request batches of customer reads; see server/loaders.ts. */
export const customerLoaders = {
  customerByKey: ({ customers }: { customers: CustomerLookup }) => new DataLoader((keys: readonly string[]) => customers.customersByKey(keys)),
  identifiersByCustomer: ({ customers }: { customers: CustomerLookup }) => new DataLoader((keys: readonly string[]) => customers.identifiersByCustomer(keys)),
};

export type CustomerLoaders = LoadersMadeBy<typeof customerLoaders>;
