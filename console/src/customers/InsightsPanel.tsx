import type { ResultOf } from '../api/graphql';
import { formatDate, formatMoney, formatNumber, words } from '../ui/format';
import type { CustomerQuery } from './customer-queries';

type Insights = NonNullable<ResultOf<typeof CustomerQuery>['customer']>['insights'];

/** What the whole relationship adds up to. */
export function InsightsPanel({ insights }: { insights: Insights }) {
  const survey = (s: { latest?: number | null; average?: number | null; count: number }) => (s.count ? `${formatNumber(s.average)} avg · latest ${s.latest ?? '—'} · ${s.count}` : '—');
  return (
    <section aria-labelledby="insights-heading" className="panel">
      <h2 id="insights-heading">Insights</h2>
      <dl className="facts">
        <dt>Stage</dt>
        <dd>{words(insights.lifecycleStage)}</dd>
        <dt>Open cases</dt>
        <dd>{insights.openCases}</dd>
        <dt>Lifetime value</dt>
        <dd>{insights.lifetimeValue.length ? insights.lifetimeValue.map(formatMoney).join(', ') : '—'}</dd>
        <dt>Orders</dt>
        <dd>
          {insights.orderCount}
          {insights.averageOrderValue.length > 0 && ` · avg ${insights.averageOrderValue.map(formatMoney).join(', ')}`}
        </dd>
        <dt>Last purchase</dt>
        <dd>{formatDate(insights.lastPurchaseAt)}</dd>
        <dt>Last contact</dt>
        <dd>
          {formatDate(insights.lastContactAt)} · {insights.contactsLast30Days} in 30 days
        </dd>
        <dt>CSAT</dt>
        <dd>{survey(insights.csat)}</dd>
        <dt>NPS</dt>
        <dd>
          {survey(insights.nps)}
          {insights.npsCategory && ` · ${words(insights.npsCategory)}`}
        </dd>
        <dt>CES</dt>
        <dd>{survey(insights.ces)}</dd>
      </dl>
    </section>
  );
}
