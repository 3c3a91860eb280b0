import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel } from '../core/enums';
import { Money } from '../timeline/timeline-event.types';

export enum MetricInterval {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(MetricInterval, {
  name: 'MetricInterval',
  description: 'How to split a range into intervals: UTC days, ISO weeks (Monday to Monday, UTC) or calendar months (UTC).',
});

@InputType({ description: 'The stretch of time (and channels) metrics are over.' })
export class MetricsRange {
  @Field({ description: 'From this instant, inclusive.' })
  since!: Date;

  @Field({ description: 'To this instant, exclusive; at most 2 years after `since`.' })
  until!: Date;

  @Field(() => [Channel], { nullable: true, description: 'Only these channels (a case counts on the channel it was opened on); all when omitted.' })
  channels?: Channel[] | null;

  @Field(() => MetricInterval, { nullable: true, description: 'Also answer `intervals`, the range split this way (at most 1000 intervals).' })
  interval?: MetricInterval | null;
}

/** The figures of service metrics, for the whole range, one channel or one interval. Null: nothing to measure. */
@ObjectType()
export abstract class ServiceFigures {
  @Field(() => Int, { description: 'Inbound calls, e-mails and messages.' })
  inboundContacts!: number;

  @Field(() => Int, { description: 'Inbound calls (offered to the business).' })
  callsOffered!: number;

  @Field(() => Int, { description: 'Inbound calls answered.' })
  callsAnswered!: number;

  @Field(() => Float, { nullable: true, description: 'callsAnswered ÷ callsOffered.' })
  answeredRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Inbound calls ABANDONED (the caller hung up waiting) ÷ callsOffered. Missed calls and voicemail are not abandoned.' })
  abandonmentRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean waitSeconds of answered inbound calls that report one.' })
  averageWaitSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Inbound e-mails and messages whose case got a response at or after them ÷ those messages (one in no case is unanswered).' })
  messagesAnsweredRate!: number | null;

  @Field(() => Int, { description: 'Cases opened in the range.' })
  casesOpened!: number;

  @Field(() => Int, { description: 'Cases resolved in the range (by their current resolvedAt: a case reopened since and not resolved again does not count).' })
  casesResolved!: number;

  @Field(() => Float, { nullable: true, description: 'Of the cases opened in the range, the share resolved now.' })
  resolutionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean seconds from openedAt to firstResponseAt, over cases opened in the range that got a response.' })
  averageFirstResponseSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'The median of the same.' })
  medianFirstResponseSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean seconds from openedAt to resolvedAt, over cases resolved in the range.' })
  averageResolutionSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Of the cases resolved in the range, the share resolved at first contact (one inbound contact, never reopened).' })
  firstContactResolutionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Of the cases opened in the range, the share reopened at least once.' })
  reopenRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Of the CSAT answers in the range, the share in the top two points of their scale (4-5 of 5).' })
  csat!: number | null;

  @Field(() => Float, { nullable: true, description: '% promoters − % detractors of the NPS answers in the range, from −100 to 100 (9-10 promote, 0-6 detract, on 0-10).' })
  nps!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean CES answer in the range, on 1-7 (answers on other scales moved onto it).' })
  ces!: number | null;
}

@ObjectType({ description: "One channel's service figures." })
export class ChannelServiceMetrics extends ServiceFigures {
  @Field(() => Channel, { description: 'The channel.' })
  channel!: Channel;
}

@ObjectType({ description: "One interval's service figures." })
export class ServiceMetricsInterval extends ServiceFigures {
  @Field({ description: 'Where the interval starts (the range start for the first).' })
  start!: Date;

  @Field({ description: 'Where it ends, exclusive (the range end for the last).' })
  end!: Date;
}

@ObjectType({ description: 'How the service did over a range: calls, messages, cases, surveys (README, "Metrics").' })
export class ServiceMetrics extends ServiceFigures {
  @Field(() => [ChannelServiceMetrics], { description: 'The same figures for each channel with anything to measure, in enum order.' })
  byChannel!: ChannelServiceMetrics[];

  @Field(() => [ServiceMetricsInterval], { description: 'The same figures per interval, when the range asks for an interval; empty otherwise.' })
  intervals!: ServiceMetricsInterval[];
}

@ObjectType({ description: 'How the relationship with customers did over a range (README, "Metrics").' })
export class ExperienceMetrics {
  @Field(() => Int, { description: 'Customers with at least one event (any kind) in the range.' })
  activeCustomers!: number;

  @Field(() => Int, { description: 'Customers whose first purchase (first paid order) is in the range.' })
  newCustomers!: number;

  @Field(() => Float, { nullable: true, description: 'Of the customers who were CUSTOMER or AT_RISK at `since`, the share CHURNED at `until`.' })
  churnRate!: number | null;

  @Field(() => Float, { nullable: true, description: '1 − churnRate, over the same customers.' })
  retentionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Of the leads first seen in the range (their first event), the share that bought within CONVERSION_WINDOW (30 days) of it.' })
  conversionRate!: number | null;

  @Field(() => [Money], { description: 'Per currency: the lifetime value (as known now) of the customers who bought in it by `until`, averaged over them.' })
  averageLifetimeValue!: Money[];

  @Field(() => [Money], { description: 'Per currency: the paid total of orders bought in the range ÷ their number.' })
  averageOrderValue!: Money[];

  @Field(() => Int, { description: 'Reviews in the range.' })
  reviewCount!: number;

  @Field(() => Float, { nullable: true, description: 'Mean rating of those reviews, on 1-5 (other scales moved onto it).' })
  averageReviewRating!: number | null;

  @Field(() => Float, { nullable: true, description: 'As serviceMetrics.nps, over the range.' })
  nps!: number | null;

  @Field(() => Float, { nullable: true, description: 'As serviceMetrics.csat, over the range.' })
  csat!: number | null;
}
