import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { badUserInput } from '../app/errors';
import { ConnectionArgs, pageRequest } from '../relay/connection';
import { keyOf } from '../relay/global-id';
import { ConsentChangeConnection, Preferences } from '../preferences/preferences.types';
import { Channel } from '../timeline/enums';
import { TimelineConnection, TimelineFilter } from '../timeline/timeline-event.types';
import { Customer } from './customer.types';
import { Identifier, IdentifierInput, normaliseIdentifier } from './identifier';
import { RemoveIdentifierInput, SyncCustomersInput, SyncCustomersPayload, UpsertCustomerInput, UpsertCustomerPayload } from './upsert-customer.types';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'A customer by global ID; null when none has it.' })
  async customer(
    @Arg('id', () => ID, { description: 'Global ID of the customer; a malformed ID or one of another type is a BAD_USER_INPUT error.' }) id: string,
    @Ctx() { loaders }: RequestContext,
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
    @Ctx() { services, loaders }: RequestContext,
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
    @Ctx() { services }: RequestContext,
  ): Promise<UpsertCustomerPayload> {
    return services.customers.upsert(input);
  }

  @Mutation(() => SyncCustomersPayload, { description: 'Upsert up to 500 customers; one result per item, in order, a bad item not stopping the good ones.' })
  async syncCustomers(
    @Arg('input', () => SyncCustomersInput, { description: 'The batch.' }) input: SyncCustomersInput,
    @Ctx() { services }: RequestContext,
  ): Promise<SyncCustomersPayload> {
    return { results: await services.customers.sync(input.customers) };
  }

  @Mutation(() => UpsertCustomerPayload, { description: 'Detach one identifier from a customer; NOT_FOUND when the customer does not own it.' })
  removeIdentifier(
    @Arg('input', () => RemoveIdentifierInput, { description: 'The customer and the identifier to remove.' }) input: RemoveIdentifierInput,
    @Ctx() { services }: RequestContext,
  ): Promise<UpsertCustomerPayload> {
    return services.customers.removeIdentifier(input);
  }

  @FieldResolver(() => [Identifier], { description: 'Every identifier that reaches this customer, oldest first.' })
  identifiers(@Root() customer: Customer, @Ctx() { loaders }: RequestContext): Promise<Identifier[]> {
    return loaders.identifiersByCustomer.load(customer.key);
  }

  @FieldResolver(() => Preferences, { description: 'How the customer wants to be reached.' })
  preferences(@Root() customer: Customer): Preferences {
    return Preferences.of(customer);
  }

  @FieldResolver(() => TimelineConnection, { description: 'Every interaction, newest first by (occurredAt, id), keyset-paged.' })
  timeline(
    @Root() customer: Customer,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => TimelineFilter, { nullable: true, description: 'Only events matching every given condition; null for all events.' }) filter: TimelineFilter | null,
    @Ctx() { loaders }: RequestContext,
  ): Promise<TimelineConnection> {
    return loaders.timelinePage.load({ customerKey: customer.key, page: pageRequest(args), filter: filter ?? null });
  }

  @FieldResolver(() => ConsentChangeConnection, { description: "The customer's consent changes, newest first; the same as `preferences.consentHistory`." })
  consentHistory(
    @Root() customer: Customer,
    @Arg('channel', () => Channel, { nullable: true, description: 'Only changes on this channel; all channels when omitted.' }) channel: Channel | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: RequestContext,
  ): Promise<ConsentChangeConnection> {
    return services.preferences.consentHistory(customer.key, channel ?? null, pageRequest(args));
  }
}
