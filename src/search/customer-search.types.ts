import { Field, ObjectType } from 'type-graphql';
import { Customer } from '../customers/customer.types';
import { PageInfo } from '../relay/connection';

@ObjectType({ description: 'A customer found by a search, with its rank position.' })
export class CustomerEdge {
  @Field({ description: 'Position of this result in the ranking; pass it as `after` for the next page.' })
  cursor!: string;

  @Field(() => Customer, { description: 'The customer.' })
  node!: Customer;
}

@ObjectType({ description: 'Customers, best match first.' })
export class CustomerConnection {
  @Field(() => [CustomerEdge], { description: 'The results on this page, best match first.' })
  edges!: CustomerEdge[];

  @Field(() => PageInfo, { description: 'Where this page sits in the results.' })
  pageInfo!: PageInfo;
}
