import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { AuditAction, audited } from '../access/audited';
import { Scope } from '../core/access-scopes';
import { UserInputProblem } from '../core/errors';
import { Customer } from '../customers/customer.types';
import { ConnectionArgs, pageRequest } from '../relay/connection';
import { keyOf, toGlobalId } from '../relay/global-id';
import { TimelineConnection, TimelineEvent } from '../timeline/timeline-event.types';
import { customerCasesRequest } from './cases-read-ahead';
import type { CasesContext } from './case.context';
import { CaseHistoryConnection, CaseHistoryEntry, type CaseHistoryRow } from './case-history.types';
import { Case, CaseConnection, CasePayload, CaseRule, CaseStatus, MoveEventsToCaseInput, OpenCaseInput, UpdateCaseInput, type CaseRow } from './case.types';

@Resolver(() => Case)
export class CaseResolver {
  @Authorized(Scope.CASES_WRITE)
  @Mutation(() => CasePayload, { description: 'Open a case by hand, with events of the customer in it if given. CASES_WRITE.' })
  openCase(@Arg('input', () => OpenCaseInput, { description: 'The customer, the subject, and what goes in it.' }) input: OpenCaseInput, @Ctx() context: CasesContext): Promise<CasePayload> {
    return this.write(context, 'openCase', () => context.services.cases.open(input, context.viewer.id), [keyOf(input.customerId, 'Customer')]);
  }

  @Authorized(Scope.CASES_WRITE)
  @Mutation(() => CasePayload, { description: "Change a case's status, subject or agent (with `expectedVersion`, only if nobody changed it since). CASES_WRITE." })
  updateCase(@Arg('input', () => UpdateCaseInput, { description: 'The case and what changes.' }) input: UpdateCaseInput, @Ctx() context: CasesContext): Promise<CasePayload> {
    return this.write(context, 'updateCase', () => context.services.cases.update(input, context.viewer.id), []);
  }

  @Authorized(Scope.CASES_WRITE)
  @Mutation(() => CasePayload, { description: 'Move events into a case: each leaves the case it was in, and both cases\' figures follow. CASES_WRITE.' })
  moveEventsToCase(@Arg('input', () => MoveEventsToCaseInput, { description: 'The case and the events.' }) input: MoveEventsToCaseInput, @Ctx() context: CasesContext): Promise<CasePayload> {
    return this.write(context, 'moveEventsToCase', () => context.services.cases.moveEvents(input, context.viewer.id), []);
  }

  @Authorized(Scope.CUSTOMERS_READ)
  @FieldResolver(() => Customer, { description: 'The customer whose case it is. CUSTOMERS_READ.' })
  async customer(@Root() found: Case, @Ctx() { loaders }: CasesContext): Promise<Customer> {
    const customer = await loaders.customerByKey.load(found.customerKey);
    if (!customer) throw new Error(`case ${found.key} has no customer`);
    return customer;
  }

  @FieldResolver(() => TimelineConnection, { description: 'Its events, newest first by (occurredAt, id), keyset-paged like the timeline.' })
  events(@Root() found: Case, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { loaders }: CasesContext): Promise<TimelineConnection> {
    return loaders.timelinePage.load({ customerKey: found.customerKey, caseKey: found.key, page: pageRequest(args), filter: null });
  }

  @FieldResolver(() => Case, { nullable: true, description: 'The earlier case this one follows: the last case of the customer, closed when this one opened; null when none.' })
  async follows(@Root() found: Case, @Ctx() { loaders }: CasesContext): Promise<Case | null> {
    return found.followsKey ? loaders.caseByKey.load(found.followsKey) : null;
  }

  @FieldResolver(() => CaseHistoryConnection, { description: 'Every change to it, oldest first: what its figures are worked out from.' })
  async history(@Root() found: Case, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { loaders }: CasesContext): Promise<CaseHistoryConnection> {
    const page = await loaders.caseHistoryPage.load({ caseKey: found.key, page: pageRequest(args) });
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toEntry(edge.node) })) };
  }

  private async write(context: CasesContext, field: string, work: () => Promise<Case>, named: (string | null)[]): Promise<CasePayload> {
    return audited(
      context,
      field,
      AuditAction.WRITE,
      async (): Promise<CasePayload> => {
        try {
          const found = await work();
          context.loaders.caseByKey.clear(found.key).prime(found.key, found);
          return { case: found, userErrors: [] };
        } catch (error) {
          if (error instanceof UserInputProblem) return { case: null, userErrors: error.errors };
          throw error;
        }
      },
      (payload) => ({ customerKeys: [payload.case?.customerKey], userErrors: payload.userErrors.length > 0 }),
      named,
    );
  }
}

/** `Customer.cases`, which cases add to the customer type. */
@Resolver(() => Customer)
export class CustomerCasesResolver {
  @FieldResolver(() => CaseConnection, { description: "The customer's cases, newest opened first." })
  cases(
    @Root() customer: Customer,
    @Arg('status', () => [CaseStatus], { nullable: true, description: 'Only cases in these statuses (as read: RESOLVED past its window is CLOSED).' }) status: CaseStatus[] | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { loaders }: CasesContext,
  ): Promise<CaseConnection> {
    return loaders.casePage.load(customerCasesRequest(customer.key, args, status));
  }
}

/** `TimelineEvent.case` and `caseRule`, which cases add to every event type. */
@Resolver(() => TimelineEvent)
export class TimelineEventCaseResolver {
  @FieldResolver(() => Case, { nullable: true, description: 'The case this interaction belongs to; null when it belongs to none.' })
  async case(@Root() event: TimelineEvent, @Ctx() { loaders, services }: CasesContext): Promise<Case | null> {
    if (!event.caseKey) return null;
    if (event.caseRow) {
      const found = services.cases.toCase(event.caseRow as unknown as CaseRow);
      loaders.caseByKey.prime(found.key, found);
      return found;
    }
    return loaders.caseByKey.load(event.caseKey);
  }

  @FieldResolver(() => CaseRule, { nullable: true, description: 'Why it is in its case: the rule that put it there (README, "Cases"); null when in none.' })
  caseRule(@Root() event: TimelineEvent): CaseRule | null {
    return (event.caseRule as CaseRule | null) ?? null;
  }
}

function toEntry(row: CaseHistoryRow): CaseHistoryEntry {
  return Object.assign(new CaseHistoryEntry(), {
    customerKey: row.customer_id,
    at: row.at,
    recordedAt: row.recorded_at,
    change: row.change,
    status: row.status,
    value: row.value,
    eventId: row.event_id ? toGlobalId('TimelineEvent', row.event_id) : null,
    rule: row.rule,
    actor: row.actor,
  });
}
