import { averageMinor, exact, fromMinor, toMinor } from '../core/money';
import type { Database } from '../db/database';
import type { LifecycleThresholds } from '../insights/lifecycle';
import { analyticQuery } from './analytic-query';
import { checkRange, type CheckedRange } from './metrics-range';
import { ExperienceMetrics, type MetricsRange } from './metrics.types';
import type { ServiceMetricsService } from './service-metrics.service';

/**
 * Experience metrics over a range (README, "Metrics"): who was active, who is new, who stayed and
 * who churned (the lifecycle stages of Customer.insights, at the range's start and end), what they
 * spent, what they said. Orders come from customer_order, as the insights read them. Five
 * statements, run at once on their own connections.
 */
export class ExperienceMetricsService {
  constructor(
    private readonly db: Database,
    private readonly service: ServiceMetricsService,
    private readonly lifecycle: LifecycleThresholds,
    private readonly conversionWindowMs: number,
  ) {}

  async experienceMetrics(input: MetricsRange): Promise<ExperienceMetrics> {
    const range = checkRange({ ...input, interval: null });
    const [churn, leads, spend, active, said] = await Promise.all([this.churn(range), this.leads(range), this.spend(range), this.active(range), this.service.eventFigures(range)]);
    const churnRate = churn.base > 0 ? churn.churned / churn.base : null;
    const average = (currency: string, total: string, count: number) => ({ amount: fromMinor(averageMinor(toMinor(exact(total, currency), currency), count), currency), currency });
    return Object.assign(new ExperienceMetrics(), {
      activeCustomers: active,
      newCustomers: leads.created,
      churnRate,
      retentionRate: churnRate === null ? null : 1 - churnRate,
      conversionRate: leads.leads > 0 ? leads.converted / leads.leads : null,
      averageLifetimeValue: spend.filter((s) => s.customers > 0).map((s) => average(s.currency, s.lifetime, s.customers)),
      averageOrderValue: spend.filter((s) => s.orders > 0).map((s) => average(s.currency, s.in_range, s.orders)),
      reviewCount: said.reviews,
      averageReviewRating: said.reviews > 0 ? said.review_rating_sum / said.reviews : null,
      nps: said.nps_answers > 0 ? ((said.nps_promoters - said.nps_detractors) / said.nps_answers) * 100 : null,
      csat: said.csat_answers > 0 ? said.csat_satisfied / said.csat_answers : null,
    });
  }

  /** Of the customers who were CUSTOMER or AT_RISK at `since`, how many are CHURNED at `until`. */
  private async churn(range: CheckedRange): Promise<{ base: number; churned: number }> {
    // CHURNED at a moment, as the lifecycle stages say (CUSTOMER and AT_RISK both count as kept):
    // the last purchase longer ago than the churn days and than the rhythm times the mean gap.
    // In intervals, worked out once per buyer: epoch seconds by date_part, which reads its unit's
    // name on every call, took half the statement.
    const churnedAt = (at: string, n: string, first: string, last: string) =>
      `(${at}::timestamptz - ${last} > greatest(make_interval(days => $3), (${last} - ${first}) * ($4::float8 / greatest(${n} - 1, 1))))`;
    // Only buyers who had bought by `since` (the others were leads then); their first purchase is
    // the same at both moments. Buyers are grouped in key order (an index-only scan of the orders'
    // primary key, which covers them) rather than hashed: a hash table of every buyer cost three
    // times as much, which PostgreSQL's estimates do not see.
    const [row] = await analyticQuery<{ base: number; churned: number }>(
      this.db,
      `SELECT count(*) FILTER (WHERE NOT churned_since)::int AS base, count(*) FILTER (WHERE NOT churned_since AND churned_until)::int AS churned
       FROM (SELECT ${churnedAt('$1', 'count(*) FILTER (WHERE o.purchased_at < $1)', 'min(o.purchased_at)', 'max(o.purchased_at) FILTER (WHERE o.purchased_at < $1)')} AS churned_since,
                    ${churnedAt('$2', 'count(*)', 'min(o.purchased_at)', 'max(o.purchased_at)')} AS churned_until
             FROM customer_order o
             WHERE NOT o.cancelled AND o.purchased_at < $2 AND ($5::text[] IS NULL OR o.channel = ANY($5::text[]))
             GROUP BY o.customer_id
             HAVING count(*) FILTER (WHERE o.purchased_at < $1) > 0) buyer`,
      [range.since, range.until, this.lifecycle.churnedDays, this.lifecycle.churnedRhythm, range.channels],
      { hashAggregate: false },
    );
    return row;
  }

  /** Customers created in the range; the leads among them (no purchase before), and those who bought within the window. */
  private async leads(range: CheckedRange): Promise<{ created: number; leads: number; converted: number }> {
    const [row] = await analyticQuery<{ created: number; leads: number; converted: number }>(
      this.db,
      `SELECT count(*)::int AS created,
              count(*) FILTER (WHERE f.first_purchase IS NULL OR f.first_purchase >= c.created_at)::int AS leads,
              count(*) FILTER (WHERE f.first_purchase >= c.created_at AND f.first_purchase < c.created_at + make_interval(secs => $3 / 1000.0))::int AS converted
       FROM customer c
       LEFT JOIN (SELECT o.customer_id, min(o.purchased_at) AS first_purchase FROM customer_order o
                  WHERE NOT o.cancelled AND ($4::text[] IS NULL OR o.channel = ANY($4::text[])) GROUP BY o.customer_id) f ON f.customer_id = c.id
       WHERE c.created_at >= $1 AND c.created_at < $2 AND c.merged_into IS NULL`,
      [range.since, range.until, this.conversionWindowMs, range.channels],
    );
    return row;
  }

  /** Per currency: lifetime value of the customers who bought by `until`, and orders bought in the range. */
  private async spend(range: CheckedRange) {
    return analyticQuery<{ currency: string; lifetime: string; customers: number; in_range: string; orders: number }>(
      this.db,
      `SELECT o.currency, sum(greatest(o.paid - o.refunded, 0))::text AS lifetime, count(DISTINCT o.customer_id)::int AS customers,
              coalesce(sum(o.paid) FILTER (WHERE o.purchased_at >= $1), 0)::text AS in_range, count(*) FILTER (WHERE o.purchased_at >= $1)::int AS orders
       FROM customer_order o
       WHERE NOT o.cancelled AND o.purchased_at < $2 AND ($3::text[] IS NULL OR o.channel = ANY($3::text[]))
       GROUP BY o.currency ORDER BY o.currency`,
      [range.since, range.until, range.channels],
    );
  }

  /**
   * Customers with an event in the range. Without a channel filter, from each customer's first
   * and last event (customer_activity): one whose first or last event is in the range is active;
   * only one whose events start before and end after it is looked up in its events.
   */
  private async active(range: CheckedRange): Promise<number> {
    if (range.channels) {
      const [row] = await analyticQuery<{ active: number }>(
        this.db,
        `SELECT count(*)::int AS active FROM (
           SELECT e.customer_id FROM timeline_event e
           WHERE e.occurred_at >= $1 AND e.occurred_at < $2 AND e.channel = ANY($3::text[])
           GROUP BY e.customer_id) active`,
        [range.since, range.until, range.channels],
      );
      return row.active;
    }
    // Two counts: a customer whose first or last event is in the range, and one whose events span
    // it and have one inside. Joined by OR, PostgreSQL hashed the EXISTS once work_mem allowed it,
    // reading every event of the range (250 ms a year at 1,000,000 events) instead of probing a few customers.
    const [row] = await analyticQuery<{ active: number }>(
      this.db,
      `SELECT ((SELECT count(*) FROM customer_activity a
                WHERE a.first_event_at < $2 AND a.last_event_at >= $1 AND (a.first_event_at >= $1 OR a.last_event_at < $2))
             + (SELECT count(*) FROM customer_activity a
                WHERE a.first_event_at < $1 AND a.last_event_at >= $2
                  AND EXISTS (SELECT 1 FROM timeline_event e WHERE e.customer_id = a.customer_id AND e.occurred_at >= $1 AND e.occurred_at < $2)))::int AS active`,
      [range.since, range.until],
    );
    return row.active;
  }
}
