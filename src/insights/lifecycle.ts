import { registerEnumType } from 'type-graphql';

export enum LifecycleStage {
  LEAD = 'LEAD',
  CUSTOMER = 'CUSTOMER',
  AT_RISK = 'AT_RISK',
  CHURNED = 'CHURNED',
}
registerEnumType(LifecycleStage, {
  name: 'LifecycleStage',
  description: 'Where a customer stands in their relationship with the business, by their purchases (README, "Insights").',
  valuesConfig: {
    LEAD: { description: 'Has never bought (no paid or fulfilled order).' },
    CUSTOMER: { description: 'Bought, and recently enough for their own rhythm.' },
    AT_RISK: { description: 'The last purchase is longer ago than LIFECYCLE_AT_RISK_DAYS (90) or twice their mean gap between purchases, whichever is longer.' },
    CHURNED: { description: 'The last purchase is longer ago than LIFECYCLE_CHURNED_DAYS (180) or four times their mean gap, whichever is longer.' },
  },
});

export interface LifecycleThresholds {
  atRiskDays: number;
  churnedDays: number;
  atRiskRhythm: number;
  churnedRhythm: number;
}

const DAY_MS = 86_400_000;

/**
 * The stage at `at`, from the moments of a customer's purchases (ascending): the thresholds adapt
 * to their own rhythm, so someone who buys twice a year is not "at risk" after three months.
 */
export function lifecycleStageAt(purchases: readonly Date[], at: Date, thresholds: LifecycleThresholds): LifecycleStage {
  const past = purchases.filter((moment) => moment.getTime() <= at.getTime());
  if (past.length === 0) return LifecycleStage.LEAD;
  const last = past[past.length - 1].getTime();
  const meanGap = past.length > 1 ? (last - past[0].getTime()) / (past.length - 1) : 0;
  const since = at.getTime() - last;
  if (since > Math.max(thresholds.churnedDays * DAY_MS, thresholds.churnedRhythm * meanGap)) return LifecycleStage.CHURNED;
  if (since > Math.max(thresholds.atRiskDays * DAY_MS, thresholds.atRiskRhythm * meanGap)) return LifecycleStage.AT_RISK;
  return LifecycleStage.CUSTOMER;
}
