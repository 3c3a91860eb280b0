import { averageMinor, fromMinor, toMinor } from '../core/money';
import type { Sql } from '../db/database';
import type { LifecycleThresholds } from '../insights/lifecycle';
import { checkRange } from './metrics-range';
import { ExperienceMetrics, type MetricsRange } from './metrics.types';
import type { ServiceMetricsService } from './service-metrics.service';

const DAY_SECONDS = 86_400;

/**
 * Experience metrics over a range (README, "Metrics"): who was active, who is new, who stayed and
 * who churned (the lifecycle stages of Customer.insights, at the range's start and end), what they
 * spent, what they said. Orders are read from the purchase events as the insights read them.
 */
export class ExperienceMetricsService {
  constructor(
    private readonly db: Sql,
    private readonly service: ServiceMetricsService,
    private readonly lifecycle: LifecycleThresholds,
    private readonly conversionWindowMs: number,
  ) {}

  async experienceMetrics(input: MetricsRange): Promise<ExperienceMetrics> {
    const range = checkRange({ ...input, interval: null });
    const stage = (at: string, n: string, first: string, last: string) => `CASE
        WHEN ${n} = 0 THEN 'LEAD'
        WHEN extract(epoch FROM ${at} - ${last}) > greatest($5 * ${DAY_SECONDS}, $7 * CASE WHEN ${n} > 1 THEN extract(epoch FROM ${last} - ${first}) / (${n} - 1) ELSE 0 END) THEN 'CHURNED'
        WHEN extract(epoch FROM ${at} - ${last}) > greatest($4 * ${DAY_SECONDS}, $6 * CASE WHEN ${n} > 1 THEN extract(epoch FROM ${last} - ${first}) / (${n} - 1) ELSE 0 END) THEN 'AT_RISK'
        ELSE 'CUSTOMER' END`;
    const [row] = await this.db.query<{
      churn_base: number;
      churned: number;
      new_customers: number;
      lead_base: number;
      converted: number;
      ltv: { currency: string; total: string; customers: number }[] | null;
      aov: { currency: string; total: string; orders: number }[] | null;
    }>(
      `WITH purchase AS (
         SELECT e.id, e.customer_id, coalesce(e.source, '') || '|' || (e.details->>'orderNumber') AS order_key, e.details->>'status' AS status,
                e.details->'total'->>'currency' AS currency, (e.details->'total'->>'amount')::numeric AS amount, e.occurred_at
         FROM timeline_event e
         WHERE e.kind = 'PURCHASE' AND e.occurred_at < $2 AND ($3::text[] IS NULL OR e.channel = ANY($3::text[]))
       ),
       paid_order AS (
         SELECT customer_id,
                (array_agg(currency ORDER BY occurred_at DESC, id DESC) FILTER (WHERE status IN ('PAID','FULFILLED')))[1] AS currency,
                (array_agg(amount ORDER BY occurred_at DESC, id DESC) FILTER (WHERE status IN ('PAID','FULFILLED')))[1] AS paid,
                coalesce(sum(amount) FILTER (WHERE status = 'REFUNDED'), 0) AS refunded,
                min(occurred_at) FILTER (WHERE status IN ('PAID','FULFILLED')) AS purchased_at,
                (array_agg(status ORDER BY occurred_at DESC, id DESC))[1] = 'CANCELLED' AS cancelled
         FROM purchase GROUP BY customer_id, order_key
         HAVING count(*) FILTER (WHERE status IN ('PAID','FULFILLED')) > 0
       ),
       kept AS (SELECT *, greatest(paid - refunded, 0) AS net FROM paid_order WHERE NOT cancelled),
       buyer AS (
         SELECT customer_id,
                count(*) FILTER (WHERE purchased_at < $1) AS n_since, min(purchased_at) FILTER (WHERE purchased_at < $1) AS first_since,
                max(purchased_at) FILTER (WHERE purchased_at < $1) AS last_since,
                count(*) AS n_until, min(purchased_at) AS first_until, max(purchased_at) AS last_until
         FROM kept GROUP BY customer_id
       ),
       staged AS (
         SELECT ${stage('$1::timestamptz', 'n_since', 'first_since', 'last_since')} AS at_since,
                ${stage('$2::timestamptz', 'n_until', 'first_until', 'last_until')} AS at_until
         FROM buyer
       ),
       created AS (
         SELECT c.id, c.created_at, (SELECT min(k.purchased_at) FROM kept k WHERE k.customer_id = c.id) AS first_purchase
         FROM customer c WHERE c.created_at >= $1 AND c.created_at < $2 AND c.merged_into IS NULL
       ),
       lifetime AS (SELECT customer_id, currency, sum(net) AS total FROM kept GROUP BY customer_id, currency)
       SELECT
         (SELECT count(*)::int FROM staged WHERE at_since IN ('CUSTOMER','AT_RISK')) AS churn_base,
         (SELECT count(*)::int FROM staged WHERE at_since IN ('CUSTOMER','AT_RISK') AND at_until = 'CHURNED') AS churned,
         (SELECT count(*)::int FROM created) AS new_customers,
         (SELECT count(*)::int FROM created WHERE first_purchase IS NULL OR first_purchase >= created_at) AS lead_base,
         (SELECT count(*)::int FROM created WHERE first_purchase >= created_at AND first_purchase < created_at + make_interval(secs => $8 / 1000.0)) AS converted,
         (SELECT json_agg(json_build_object('currency', currency, 'total', total::text, 'customers', customers) ORDER BY currency)
            FROM (SELECT currency, sum(total) AS total, count(*)::int AS customers FROM lifetime GROUP BY currency) l) AS ltv,
         (SELECT json_agg(json_build_object('currency', currency, 'total', total::text, 'orders', orders) ORDER BY currency)
            FROM (SELECT currency, sum(paid) AS total, count(*)::int AS orders FROM kept WHERE purchased_at >= $1 GROUP BY currency) a) AS aov`,
      [
        range.since,
        range.until,
        range.channels,
        this.lifecycle.atRiskDays,
        this.lifecycle.churnedDays,
        this.lifecycle.atRiskRhythm,
        this.lifecycle.churnedRhythm,
        this.conversionWindowMs,
      ],
    );
    const [{ active }] = await this.db.query<{ active: number }>(
      `SELECT count(DISTINCT e.customer_id)::int AS active FROM timeline_event e
       WHERE e.occurred_at >= $1 AND e.occurred_at < $2 AND ($3::text[] IS NULL OR e.channel = ANY($3::text[]))`,
      [range.since, range.until, range.channels],
    );
    const said = await this.service.eventFigures(range);
    const churnRate = row.churn_base > 0 ? row.churned / row.churn_base : null;
    const average = (currency: string, total: string, count: number) => ({ amount: fromMinor(averageMinor(toMinor(normalised(total, currency), currency), count), currency), currency });
    return Object.assign(new ExperienceMetrics(), {
      activeCustomers: active,
      newCustomers: row.new_customers,
      churnRate,
      retentionRate: churnRate === null ? null : 1 - churnRate,
      conversionRate: row.lead_base > 0 ? row.converted / row.lead_base : null,
      averageLifetimeValue: (row.ltv ?? []).map((l) => average(l.currency, l.total, l.customers)),
      averageOrderValue: (row.aov ?? []).map((a) => average(a.currency, a.total, a.orders)),
      reviewCount: said.reviews,
      averageReviewRating: said.reviews > 0 ? said.review_rating_sum / said.reviews : null,
      nps: said.nps_answers > 0 ? ((said.nps_promoters - said.nps_detractors) / said.nps_answers) * 100 : null,
      csat: said.csat_answers > 0 ? said.csat_satisfied / said.csat_answers : null,
    });
  }
}

/** A sum from SQL ("130.00", or "1000" for yen) with exactly the currency's minor units. */
function normalised(total: string, currency: string): string {
  const digits = fromMinor(0n, currency).split('.')[1]?.length ?? 0;
  const [whole, fraction = ''] = total.split('.');
  return digits > 0 ? `${whole}.${fraction.padEnd(digits, '0').slice(0, digits)}` : whole;
}
