import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { AuditAction, audited } from '../access/audited';
import { Scope } from '../core/access-scopes';
import { keyOf } from '../relay/global-id';
import { Customer } from '../customers/customer.types';
import { EventKind } from '../core/enums';
import type { IngestContext } from './ingest.context';
import {
  type RecordEventCommonInput,
  RecordCallInput,
  RecordEmailInput,
  RecordEventPayload,
  RecordEventsInput,
  RecordEventsPayload,
  RecordPurchaseInput,
  RecordSocialMessageInput,
  RecordReviewInput,
  RecordSurveyResponseInput,
} from './record-event.types';

@Resolver(() => RecordEventPayload)
export class RecordEventResolver {
  @Authorized(Scope.EVENTS_WRITE)
  @Mutation(() => RecordEventPayload, { description: 'Record a phone call. EVENTS_WRITE.' })
  recordCall(
    @Arg('input', () => RecordCallInput, { description: 'The call and the customer it belongs to.' }) input: RecordCallInput,
    @Ctx() context: IngestContext,
  ): Promise<RecordEventPayload> {
    return this.audited(context, 'recordCall', input, () => context.services.recorder.record(EventKind.CALL, input));
  }

  @Authorized(Scope.EVENTS_WRITE)
  @Mutation(() => RecordEventPayload, { description: 'Record an e-mail. EVENTS_WRITE.' })
  recordEmail(
    @Arg('input', () => RecordEmailInput, { description: 'The e-mail and the customer it belongs to.' }) input: RecordEmailInput,
    @Ctx() context: IngestContext,
  ): Promise<RecordEventPayload> {
    return this.audited(context, 'recordEmail', input, () => context.services.recorder.record(EventKind.EMAIL, input));
  }

  @Authorized(Scope.EVENTS_WRITE)
  @Mutation(() => RecordEventPayload, { description: 'Record a social, SMS or chat message. EVENTS_WRITE.' })
  recordSocialMessage(
    @Arg('input', () => RecordSocialMessageInput, { description: 'The message and the customer it belongs to.' }) input: RecordSocialMessageInput,
    @Ctx() context: IngestContext,
  ): Promise<RecordEventPayload> {
    return this.audited(context, 'recordSocialMessage', input, () => context.services.recorder.record(EventKind.SOCIAL_MESSAGE, input));
  }

  @Authorized(Scope.EVENTS_WRITE)
  @Mutation(() => RecordEventPayload, { description: 'Record an order or a change of its status. EVENTS_WRITE.' })
  recordPurchase(
    @Arg('input', () => RecordPurchaseInput, { description: 'The order and the customer it belongs to.' }) input: RecordPurchaseInput,
    @Ctx() context: IngestContext,
  ): Promise<RecordEventPayload> {
    return this.audited(context, 'recordPurchase', input, () => context.services.recorder.record(EventKind.PURCHASE, input));
  }

  @Authorized(Scope.EVENTS_WRITE)
  @Mutation(() => RecordEventPayload, { description: 'Record a CSAT, NPS or CES survey answer. EVENTS_WRITE.' })
  recordSurveyResponse(
    @Arg('input', () => RecordSurveyResponseInput, { description: 'The survey answer and the customer it belongs to.' }) input: RecordSurveyResponseInput,
    @Ctx() context: IngestContext,
  ): Promise<RecordEventPayload> {
    return this.audited(context, 'recordSurveyResponse', input, () => context.services.recorder.record(EventKind.SURVEY_RESPONSE, input));
  }

  @Authorized(Scope.EVENTS_WRITE)
  @Mutation(() => RecordEventPayload, { description: 'Record a review the customer published (Trustpilot, Google, an app store, ...). EVENTS_WRITE.' })
  recordReview(
    @Arg('input', () => RecordReviewInput, { description: 'The review and the customer who wrote it.' }) input: RecordReviewInput,
    @Ctx() context: IngestContext,
  ): Promise<RecordEventPayload> {
    return this.audited(context, 'recordReview', input, () => context.services.recorder.record(EventKind.REVIEW, input));
  }

  @Authorized(Scope.EVENTS_WRITE)
  @Mutation(() => RecordEventsPayload, {
    description: 'Record up to 1000 events of mixed kinds; each succeeds or fails on its own. EVENTS_WRITE.',
    complexity: ({ args, childComplexity }) => 1 + (args.input?.events?.length ?? 1) * childComplexity,
  })
  async recordEvents(
    @Arg('input', () => RecordEventsInput, { description: 'The events, at most 1000.' }) input: RecordEventsInput,
    @Ctx() context: IngestContext,
  ): Promise<RecordEventsPayload> {
    return audited(
      context,
      'recordEvents',
      AuditAction.WRITE,
      async () => ({ results: await context.services.recorder.recordEvents(input.events) }),
      ({ results }) => ({ customerKeys: results.filter((r) => r.created).map((r) => r.customerKey), userErrors: results.some((r) => r.userErrors.length > 0) }),
    );
  }

  @Authorized(Scope.CUSTOMERS_READ)
  @FieldResolver(() => Customer, { nullable: true, description: 'The customer the event belongs to, as stored after the write; null on user errors. CUSTOMERS_READ.' })
  customer(@Root() payload: RecordEventPayload, @Ctx() context: IngestContext): Promise<Customer | null> | null {
    return payload.customerKey ? context.loaders.customerByKey.load(payload.customerKey) : null;
  }

  /** A recorded event is a write to its customer, audited as such (a repeat writes nothing, and is not). */
  private audited(context: IngestContext, field: string, input: RecordEventCommonInput, record: () => Promise<RecordEventPayload>): Promise<RecordEventPayload> {
    return audited(
      context,
      field,
      AuditAction.WRITE,
      record,
      (payload) => ({ customerKeys: payload.created ? [payload.customerKey] : [], userErrors: payload.userErrors.length > 0 }),
      [input.customerId ? keyOf(input.customerId, 'Customer') : null],
    );
  }
}
