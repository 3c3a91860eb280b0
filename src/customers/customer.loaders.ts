import DataLoader from 'dataloader';
import type { CustomerService } from './customer.service';

export function createCustomerLoaders(customers: CustomerService) {
  return {
    customerByKey: new DataLoader((keys: readonly string[]) => customers.customersByKey(keys)),
    identifiersByCustomer: new DataLoader((keys: readonly string[]) => customers.identifiersByCustomer(keys)),
  };
}
