import { SurveyKind } from '../core/enums';
import { averageMinor, exact, fromMinor, toMinor } from '../core/money';
import type { Sql } from '../db/database';
import { CustomerInsights, NpsCategory, SurveySummary } from './customer-insights.types';
import { lifecycleStageAt, type LifecycleThresholds } from './lifecycle';
import { npsGroup, onStandardScale } from './survey-scores';

interface InsightRow {
  customer_id: string;
  last_contact: Date | null;
  contacts_30: number;
  open_cases: number;
  /** [currency, paid, refunded, purchasedAt] per order that was paid and not cancelled (customer_order), oldest first. */
  orders: [string, string, string, string][];
  /** [survey, score, scaleMax, at] per answer, oldest first. */
  surveys: [SurveyKind, number, number, string][];
}

const INTERACTION_KINDS = `('CALL','EMAIL','SOCIAL_MESSAGE')`;

/** What the insights are worked out from, for the customer `c`: each part's name in InsightRow and its SQL. */
const INSIGHT_PARTS: [name: keyof InsightRow, sql: string][] = [
  ['last_contact', `(SELECT max(e.occurred_at) FROM timeline_event e WHERE e.customer_id = c.id AND e.kind IN ${INTERACTION_KINDS})`],
  [
    'contacts_30',
    `(SELECT count(*)::int FROM timeline_event e WHERE e.customer_id = c.id AND e.kind IN ${INTERACTION_KINDS} AND e.direction = 'INBOUND'
       AND e.occurred_at >= now() - interval '30 days')`,
  ],
  ['open_cases', `(SELECT count(*)::int FROM support_case sc WHERE sc.customer_id = c.id AND sc.status IN ('OPEN','PENDING'))`],
  [
    'orders',
    `(SELECT coalesce(json_agg(json_build_array(o.currency, o.paid::text, o.refunded::text, o.purchased_at) ORDER BY o.purchased_at, o.order_key), '[]')
       FROM customer_order o WHERE o.customer_id = c.id AND NOT o.cancelled)`,
  ],
  [
    'surveys',
    `(SELECT coalesce(json_agg(json_build_array(e.details->>'survey', (e.details->>'score')::int, (e.details->>'scaleMax')::int, e.occurred_at) ORDER BY e.occurred_at, e.id), '[]')
       FROM timeline_event e WHERE e.customer_id = c.id AND e.kind = 'SURVEY_RESPONSE')`,
  ],
];

const INSIGHTS_JSON = `json_build_object('customer_id', c.id, ${INSIGHT_PARTS.map(([name, sql]) => `'${name}', ${sql}`).join(', ')})`;

/** What each customer's history adds up to: one statement for any number of customers. */
export class CustomerInsightsService {
  constructor(
    private readonly db: Sql,
    private readonly lifecycle: LifecycleThresholds,
  ) {}

  async insightsByCustomer(keys: readonly string[]): Promise<CustomerInsights[]> {
    const rows = await this.db.query<InsightRow>(
      `SELECT c.id AS customer_id, ${INSIGHT_PARTS.map(([name, sql]) => `${sql} AS ${name}`).join(', ')} FROM unnest($1::uuid[]) AS c(id)`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.customer_id, this.insightsOf(row)]));
    return keys.map((key) => byKey.get(key)!);
  }

  /** The insights of the customer `c` of the statement it is part of, as one JSON object: for reading them in the customer's own statement. */
  insightsColumn(): string {
    return INSIGHTS_JSON;
  }

  /** The insights insightsColumn read. */
  insightsFromColumn(value: unknown): CustomerInsights {
    const json = value as Omit<InsightRow, 'last_contact'> & { last_contact: string | null };
    return this.insightsOf({ ...json, last_contact: json.last_contact === null ? null : new Date(json.last_contact) });
  }

  private insightsOf(row: InsightRow): CustomerInsights {
    const orders = row.orders.map(([currency, paid, refunded, at]) => {
      const paidMinor = toMinor(exact(paid, currency), currency);
      const net = paidMinor - toMinor(exact(refunded, currency), currency);
      return { currency, paidMinor, netMinor: net < 0n ? 0n : net, purchasedAt: new Date(at) };
    });
    const byCurrency = new Map<string, { net: bigint; paid: bigint; count: number }>();
    for (const order of orders) {
      const sums = byCurrency.get(order.currency) ?? { net: 0n, paid: 0n, count: 0 };
      sums.net += order.netMinor;
      sums.paid += order.paidMinor;
      sums.count += 1;
      byCurrency.set(order.currency, sums);
    }
    const currencies = [...byCurrency.keys()].sort();
    const purchaseMoments = orders.map((o) => o.purchasedAt).sort((a, b) => a.getTime() - b.getTime());
    const surveys = row.surveys.map(([survey, score, scaleMax, at]) => ({ survey, score, scaleMax, at: new Date(at) }));
    const summary = (kind: SurveyKind): SurveySummary => {
      const answers = surveys.filter((s) => s.survey === kind);
      const latest = answers[answers.length - 1];
      const average = answers.length ? answers.reduce((sum, a) => sum + onStandardScale(kind, a.score, a.scaleMax), 0) / answers.length : null;
      return Object.assign(new SurveySummary(), {
        latest: latest?.score ?? null,
        average: average === null ? null : Math.round(average * 100) / 100,
        count: answers.length,
        lastAt: latest?.at ?? null,
      });
    };
    const latestNps = surveys.filter((s) => s.survey === SurveyKind.NPS).at(-1);
    return Object.assign(new CustomerInsights(), {
      lifetimeValue: currencies.map((currency) => ({ amount: fromMinor(byCurrency.get(currency)!.net, currency), currency })),
      orderCount: [...byCurrency.values()].reduce((n, sums) => n + sums.count, 0),
      averageOrderValue: currencies.map((currency) => {
        const sums = byCurrency.get(currency)!;
        return { amount: fromMinor(averageMinor(sums.paid, sums.count), currency), currency };
      }),
      firstPurchaseAt: purchaseMoments[0] ?? null,
      lastPurchaseAt: purchaseMoments.at(-1) ?? null,
      lastContactAt: row.last_contact,
      contactsLast30Days: row.contacts_30,
      csat: summary(SurveyKind.CSAT),
      nps: summary(SurveyKind.NPS),
      ces: summary(SurveyKind.CES),
      npsCategory: latestNps ? (npsGroup(latestNps.score, latestNps.scaleMax) as NpsCategory) : null,
      openCases: row.open_cases,
      lifecycleStage: lifecycleStageAt(purchaseMoments, new Date(), this.lifecycle),
    });
  }
}
