import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../timeline/timeline-event.types';
import { LifecycleStage } from './lifecycle';

export enum NpsCategory {
  PROMOTER = 'PROMOTER',
  PASSIVE = 'PASSIVE',
  DETRACTOR = 'DETRACTOR',
}
registerEnumType(NpsCategory, {
  name: 'NpsCategory',
  description: 'Where the latest NPS answer puts a customer: 9-10 promoter, 7-8 passive, 0-6 detractor (other scales moved onto 0-10).',
});

@ObjectType({ description: "A customer's answers to one kind of survey." })
export class SurveySummary {
  @Field(() => Int, { nullable: true, description: 'The latest score, on the scale it was given on; null when none.' })
  latest!: number | null;

  @Field(() => Float, { nullable: true, description: 'The mean score on the standard scale (CSAT 1-5, NPS 0-10, CES 1-7), answers on other scales moved onto it; null when none.' })
  average!: number | null;

  @Field(() => Int, { description: 'How many answers.' })
  count!: number;

  @Field(() => Date, { nullable: true, description: 'When the latest was given; null when none.' })
  lastAt!: Date | null;
}

@ObjectType({ description: 'What the history of one customer adds up to (README, "Insights"). Worked out when asked, from the events and cases stored now.' })
export class CustomerInsights {
  @Field(() => [Money], { description: 'Per currency: paid and fulfilled orders (each once, at its latest paid total) less refunds; cancelled orders count nothing.' })
  lifetimeValue!: Money[];

  @Field(() => Int, { description: 'Orders ever paid or fulfilled, cancelled ones left out.' })
  orderCount!: number;

  @Field(() => [Money], { description: 'Per currency: the paid total of those orders ÷ their number, before refunds.' })
  averageOrderValue!: Money[];

  @Field(() => Date, { nullable: true, description: "The first order's first PAID or FULFILLED event; null for a lead." })
  firstPurchaseAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "The latest order's first PAID or FULFILLED event; null for a lead." })
  lastPurchaseAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'The latest call, e-mail or message, either way; null when none.' })
  lastContactAt!: Date | null;

  @Field(() => Int, { description: 'Inbound calls, e-mails and messages in the last 30 days.' })
  contactsLast30Days!: number;

  @Field(() => SurveySummary, { description: 'CSAT answers.' })
  csat!: SurveySummary;

  @Field(() => SurveySummary, { description: 'NPS answers.' })
  nps!: SurveySummary;

  @Field(() => SurveySummary, { description: 'CES answers.' })
  ces!: SurveySummary;

  @Field(() => NpsCategory, { nullable: true, description: 'From the latest NPS answer; null when none.' })
  npsCategory!: NpsCategory | null;

  @Field(() => Int, { description: 'Cases OPEN or PENDING now.' })
  openCases!: number;

  @Field(() => LifecycleStage, { description: 'LEAD, CUSTOMER, AT_RISK or CHURNED, by the gap since the last purchase against thresholds that adapt to their own rhythm.' })
  lifecycleStage!: LifecycleStage;
}
