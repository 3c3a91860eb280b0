import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Customer } from '../customers/customer.types';
import { EventKind } from '../core/enums';
import type { IngestContext } from './ingest.context';
import {
  RecordCallInput,
  RecordEmailInput,
  RecordEventPayload,
  RecordEventsInput,
  RecordEventsPayload,
  RecordPurchaseInput,
  RecordSocialMessageInput,
  RecordSurveyResponseInput,
} from './record-event.types';

@Resolver(() => RecordEventPayload)
export class RecordEventResolver {
  @Mutation(() => RecordEventPayload, { description: 'Record a phone call.' })
  recordCall(
    @Arg('input', () => RecordCallInput, { description: 'The call and the customer it belongs to.' }) input: RecordCallInput,
    @Ctx() { services }: IngestContext,
  ): Promise<RecordEventPayload> {
    return services.recorder.record(EventKind.CALL, input);
  }

  @Mutation(() => RecordEventPayload, { description: 'Record an e-mail.' })
  recordEmail(
    @Arg('input', () => RecordEmailInput, { description: 'The e-mail and the customer it belongs to.' }) input: RecordEmailInput,
    @Ctx() { services }: IngestContext,
  ): Promise<RecordEventPayload> {
    return services.recorder.record(EventKind.EMAIL, input);
  }

  @Mutation(() => RecordEventPayload, { description: 'Record a social, SMS or chat message.' })
  recordSocialMessage(
    @Arg('input', () => RecordSocialMessageInput, { description: 'The message and the customer it belongs to.' }) input: RecordSocialMessageInput,
    @Ctx() { services }: IngestContext,
  ): Promise<RecordEventPayload> {
    return services.recorder.record(EventKind.SOCIAL_MESSAGE, input);
  }

  @Mutation(() => RecordEventPayload, { description: 'Record an order or a change of its status.' })
  recordPurchase(
    @Arg('input', () => RecordPurchaseInput, { description: 'The order and the customer it belongs to.' }) input: RecordPurchaseInput,
    @Ctx() { services }: IngestContext,
  ): Promise<RecordEventPayload> {
    return services.recorder.record(EventKind.PURCHASE, input);
  }

  @Mutation(() => RecordEventPayload, { description: 'Record a CSAT, NPS or CES survey answer.' })
  recordSurveyResponse(
    @Arg('input', () => RecordSurveyResponseInput, { description: 'The survey answer and the customer it belongs to.' }) input: RecordSurveyResponseInput,
    @Ctx() { services }: IngestContext,
  ): Promise<RecordEventPayload> {
    return services.recorder.record(EventKind.SURVEY_RESPONSE, input);
  }

  @Mutation(() => RecordEventsPayload, {
    description: 'Record up to 1000 events of mixed kinds; each succeeds or fails on its own.',
    complexity: ({ args, childComplexity }) => 1 + (args.input?.events?.length ?? 1) * childComplexity,
  })
  async recordEvents(
    @Arg('input', () => RecordEventsInput, { description: 'The events, at most 1000.' }) input: RecordEventsInput,
    @Ctx() { services }: IngestContext,
  ): Promise<RecordEventsPayload> {
    return { results: await services.recorder.recordEvents(input.events) };
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The customer the event belongs to, as stored after the write; null on user errors.' })
  customer(@Root() payload: RecordEventPayload, @Ctx() { loaders }: IngestContext): Promise<Customer | null> | null {
    return payload.customerKey ? loaders.customerByKey.load(payload.customerKey) : null;
  }
}
