import { Customer } from '../customers/customer.types';
import { connectionType } from '../relay/connection-type';

export const CustomerConnection = connectionType<Customer>({
  name: 'Customer',
  node: () => Customer,
  description: 'Customers, best match first.',
  edgeDescription: 'A customer found by a search, with its rank position.',
  nodeDescription: 'The customer.',
});
export type CustomerConnection = InstanceType<typeof CustomerConnection>;
