import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AuditAction, audited } from '../access/audited';
import { Scope } from '../core/access-scopes';
import { badUserInput } from '../core/errors';
import { keyOf } from '../relay/global-id';
import type { CustomersContext } from './customer.context';
import { NOTHING_AHEAD } from './customer-read-ahead';
import { Customer } from './customer.types';
import { normaliseIdentifier } from './identifier-normalisation';
import { Identifier, IdentifierInput } from './identifier.types';
import { RemoveIdentifierInput, SyncCustomersInput, SyncCustomersPayload, UpsertCustomerInput, UpsertCustomerPayload } from './upsert-customer.types';

@Resolver(() => Customer)
export class CustomerResolver {
  @Authorized(Scope.CUSTOMERS_READ)
  @Query(() => Customer, { nullable: true, description: 'A customer by global ID; null when none has it. A merged-away ID answers its survivor. CUSTOMERS_READ.' })
  async customer(
    @Arg('id', () => ID, { description: 'Global ID of the customer; a malformed ID or one of another type is a BAD_USER_INPUT error.' }) id: string,
    @Ctx() { services, loaders }: CustomersContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Customer | null> {
    const key = keyOf(id, 'Customer');
    if (!key) throw badUserInput('`id` is not a customer id.', { argument: 'id' });
    const ahead = services.customerReadAheads.planFor(info);
    // Nothing to read with it: aliases asking for several customers share the loader's one statement.
    if (ahead === NOTHING_AHEAD) return loaders.customerByKey.load(key);
    const customer = await services.customers.findByKey(key, ahead);
    if (customer) {
      loaders.customerByKey.prime(key, customer);
      ahead.prime(loaders, customer);
    }
    return customer;
  }

  @Authorized(Scope.CUSTOMERS_READ)
  @Query(() => Customer, {
    nullable: true,
    description:
      'The customer an identifier names, in whatever format it arrives (phone in any notation, e-mail in any case, handle with or without @); null when no customer has it. CUSTOMERS_READ.',
  })
  async customerByIdentifier(
    @Arg('identifier', () => IdentifierInput, { description: 'Any identifier of the customer; one that cannot be normalised is a BAD_USER_INPUT error.' })
    identifier: IdentifierInput,
    @Ctx() { services, loaders }: CustomersContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Customer | null> {
    const normalised = normaliseIdentifier(identifier, services.customers.region);
    if (!normalised.ok) throw badUserInput(normalised.message, { argument: 'identifier' });
    const ahead = services.customerReadAheads.planFor(info);
    const customer = await services.customers.findByIdentifier(normalised.value, ahead);
    if (customer) {
      loaders.customerByKey.prime(customer.key, customer);
      ahead.prime(loaders, customer);
    }
    return customer;
  }

  @Authorized(Scope.CUSTOMERS_WRITE)
  @Mutation(() => UpsertCustomerPayload, { description: 'Create or update one customer: matched by id, else by any identifier, else created. CUSTOMERS_WRITE.' })
  upsertCustomer(
    @Arg('input', () => UpsertCustomerInput, { description: 'The profile fields and identifiers to write.' }) input: UpsertCustomerInput,
    @Ctx() context: CustomersContext,
  ): Promise<UpsertCustomerPayload> {
    return audited(
      context,
      'upsertCustomer',
      AuditAction.WRITE,
      () => context.services.upserts.upsert(input),
      (payload) => ({ customerKeys: [payload.customer?.key], userErrors: payload.userErrors.length > 0 }),
      [input.id ? keyOf(input.id, 'Customer') : null],
    );
  }

  @Authorized(Scope.CUSTOMERS_WRITE)
  @Mutation(() => SyncCustomersPayload, {
    description: 'Upsert up to 500 customers; one result per item, in order, a bad item not stopping the good ones. CUSTOMERS_WRITE.',
    complexity: ({ args, childComplexity }) => 1 + (args.input?.customers?.length ?? 1) * childComplexity,
  })
  async syncCustomers(
    @Arg('input', () => SyncCustomersInput, { description: 'The batch.' }) input: SyncCustomersInput,
    @Ctx() context: CustomersContext,
  ): Promise<SyncCustomersPayload> {
    return audited(
      context,
      'syncCustomers',
      AuditAction.WRITE,
      async () => ({ results: await context.services.upserts.sync(input.customers) }),
      ({ results }) => ({ customerKeys: results.map((result) => result.customer?.key), userErrors: results.some((result) => result.userErrors.length > 0) }),
    );
  }

  @Authorized(Scope.CUSTOMERS_WRITE)
  @Mutation(() => UpsertCustomerPayload, { description: 'Detach one identifier from a customer; NOT_FOUND when the customer does not own it. CUSTOMERS_WRITE.' })
  removeIdentifier(
    @Arg('input', () => RemoveIdentifierInput, { description: 'The customer and the identifier to remove.' }) input: RemoveIdentifierInput,
    @Ctx() context: CustomersContext,
  ): Promise<UpsertCustomerPayload> {
    return audited(
      context,
      'removeIdentifier',
      AuditAction.WRITE,
      () => context.services.upserts.removeIdentifier(input),
      (payload) => ({ customerKeys: [payload.customer?.key], userErrors: payload.userErrors.length > 0 }),
      [keyOf(input.customerId, 'Customer')],
    );
  }

  @FieldResolver(() => [Identifier], { description: 'Every identifier that reaches this customer, oldest first.' })
  identifiers(@Root() customer: Customer, @Ctx() { loaders }: CustomersContext): Promise<Identifier[]> {
    if (customer.identifiersRead) return Promise.resolve(customer.identifiersRead);
    return loaders.identifiersByCustomer.load(customer.key);
  }
}
