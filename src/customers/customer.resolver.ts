import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../core/errors';
import { keyOf } from '../relay/global-id';
import type { CustomersContext } from './customer.context';
import { Customer } from './customer.types';
import { normaliseIdentifier } from './identifier-normalisation';
import { Identifier, IdentifierInput } from './identifier.types';
import { RemoveIdentifierInput, SyncCustomersInput, SyncCustomersPayload, UpsertCustomerInput, UpsertCustomerPayload } from './upsert-customer.types';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'A customer by global ID; null when none has it. A merged-away ID answers its survivor.' })
  async customer(
    @Arg('id', () => ID, { description: 'Global ID of the customer; a malformed ID or one of another type is a BAD_USER_INPUT error.' }) id: string,
    @Ctx() { loaders }: CustomersContext,
  ): Promise<Customer | null> {
    const key = keyOf(id, 'Customer');
    if (!key) throw badUserInput('`id` is not a customer id.', { argument: 'id' });
    return loaders.customerByKey.load(key);
  }

  @Query(() => Customer, {
    nullable: true,
    description:
      'The customer an identifier names, in whatever format it arrives (phone in any notation, e-mail in any case, handle with or without @); null when no customer has it.',
  })
  async customerByIdentifier(
    @Arg('identifier', () => IdentifierInput, { description: 'Any identifier of the customer; one that cannot be normalised is a BAD_USER_INPUT error.' })
    identifier: IdentifierInput,
    @Ctx() { services, loaders }: CustomersContext,
  ): Promise<Customer | null> {
    const normalised = normaliseIdentifier(identifier, services.customers.region);
    if (!normalised.ok) throw badUserInput(normalised.message, { argument: 'identifier' });
    const customer = await services.customers.findByIdentifier(normalised.value);
    if (customer) loaders.customerByKey.prime(customer.key, customer);
    return customer;
  }

  @Mutation(() => UpsertCustomerPayload, { description: 'Create or update one customer: matched by id, else by any identifier, else created.' })
  upsertCustomer(
    @Arg('input', () => UpsertCustomerInput, { description: 'The profile fields and identifiers to write.' }) input: UpsertCustomerInput,
    @Ctx() { services }: CustomersContext,
  ): Promise<UpsertCustomerPayload> {
    return services.upserts.upsert(input);
  }

  @Mutation(() => SyncCustomersPayload, {
    description: 'Upsert up to 500 customers; one result per item, in order, a bad item not stopping the good ones.',
    complexity: ({ args, childComplexity }) => 1 + (args.input?.customers?.length ?? 1) * childComplexity,
  })
  async syncCustomers(
    @Arg('input', () => SyncCustomersInput, { description: 'The batch.' }) input: SyncCustomersInput,
    @Ctx() { services }: CustomersContext,
  ): Promise<SyncCustomersPayload> {
    return { results: await services.upserts.sync(input.customers) };
  }

  @Mutation(() => UpsertCustomerPayload, { description: 'Detach one identifier from a customer; NOT_FOUND when the customer does not own it.' })
  removeIdentifier(
    @Arg('input', () => RemoveIdentifierInput, { description: 'The customer and the identifier to remove.' }) input: RemoveIdentifierInput,
    @Ctx() { services }: CustomersContext,
  ): Promise<UpsertCustomerPayload> {
    return services.upserts.removeIdentifier(input);
  }

  @FieldResolver(() => [Identifier], { description: 'Every identifier that reaches this customer, oldest first.' })
  identifiers(@Root() customer: Customer, @Ctx() { loaders }: CustomersContext): Promise<Identifier[]> {
    return loaders.identifiersByCustomer.load(customer.key);
  }
}
