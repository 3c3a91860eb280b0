import { useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from '../api/client';
import { formatMoney, formatNumber, formatRate, formatSeconds, words } from '../ui/format';
import { ChannelChart, IntervalChart } from './MetricsCharts';
import { MetricsQuery } from './metrics-queries';

const DAY = 86_400_000;
const RANGES = [
  { days: 7, interval: 'DAY', label: 'Last 7 days, by day' },
  { days: 30, interval: 'DAY', label: 'Last 30 days, by day' },
  { days: 90, interval: 'WEEK', label: 'Last 90 days, by week' },
  { days: 365, interval: 'MONTH', label: 'Last 12 months, by month' },
] as const;

/** For supervisors (METRICS_READ): service figures per interval and channel, and the experience over the same range. */
export function MetricsPage() {
  const selectId = useId();
  const [choice, setChoice] = useState(2);
  // One range per choice, fixed when chosen, so the query does not change on every render.
  const variables = useMemo(() => {
    const until = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
    const since = new Date(until.getTime() - RANGES[choice].days * DAY);
    const range = { since: since.toISOString(), until: until.toISOString() };
    return { service: { ...range, interval: RANGES[choice].interval }, experience: range };
  }, [choice]);
  const [result] = useQuery({ query: MetricsQuery, variables });
  const service = result.data?.serviceMetrics;
  const experience = result.data?.experienceMetrics;

  return (
    <main className="metrics">
      <div className="metrics-head">
        <h1>Metrics</h1>
        <label htmlFor={selectId}>Range</label>
        <select id={selectId} value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
          {RANGES.map((range, index) => (
            <option key={range.label} value={index}>
              {range.label}
            </option>
          ))}
        </select>
      </div>
      {result.error && (
        <p role="alert" className="error">
          {errorMessage(result.error)}
        </p>
      )}
      {result.fetching && !service && <p>Loading…</p>}
      {service && experience && (
        <>
          <section aria-labelledby="service-heading">
            <h2 id="service-heading">Service</h2>
            <dl className="figures">
              <Figure name="Inbound contacts" value={formatNumber(service.inboundContacts, 0)} />
              <Figure name="Calls answered" value={formatRate(service.answeredRate)} detail={`${service.callsAnswered} of ${service.callsOffered}`} />
              <Figure name="Abandoned" value={formatRate(service.abandonmentRate)} />
              <Figure name="Average wait" value={formatSeconds(service.averageWaitSeconds)} />
              <Figure name="Messages answered" value={formatRate(service.messagesAnsweredRate)} />
              <Figure name="First response (median)" value={formatSeconds(service.medianFirstResponseSeconds)} detail={`average ${formatSeconds(service.averageFirstResponseSeconds)}`} />
              <Figure name="Resolution (average)" value={formatSeconds(service.averageResolutionSeconds)} />
              <Figure name="First-contact resolution" value={formatRate(service.firstContactResolutionRate)} />
              <Figure name="Reopened" value={formatRate(service.reopenRate)} />
              <Figure name="Cases opened · resolved" value={`${service.casesOpened} · ${service.casesResolved}`} />
              <Figure name="CSAT" value={formatRate(service.csat)} />
              <Figure name="NPS" value={formatNumber(service.nps, 0)} />
              <Figure name="CES" value={formatNumber(service.ces, 2)} />
            </dl>
            <IntervalChart intervals={service.intervals} />
            <ChannelChart channels={service.byChannel} />
            <div className="table-scroll">
            <table className="by-channel">
              <caption>By channel</caption>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Inbound</th>
                  <th scope="col">Answered</th>
                  <th scope="col">Cases</th>
                  <th scope="col">First response</th>
                  <th scope="col">CSAT</th>
                </tr>
              </thead>
              <tbody>
                {service.byChannel.map((row) => (
                  <tr key={row.channel}>
                    <th scope="row">{words(row.channel)}</th>
                    <td>{row.inboundContacts}</td>
                    <td>{formatRate(row.answeredRate)}</td>
                    <td>{row.casesOpened}</td>
                    <td>{formatSeconds(row.medianFirstResponseSeconds)}</td>
                    <td>{formatRate(row.csat)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          </section>
          <section aria-labelledby="experience-heading">
            <h2 id="experience-heading">Experience</h2>
            <dl className="figures">
              <Figure name="Active customers" value={formatNumber(experience.activeCustomers, 0)} detail={`${experience.newCustomers} new`} />
              <Figure name="Churn" value={formatRate(experience.churnRate)} />
              <Figure name="Retention" value={formatRate(experience.retentionRate)} />
              <Figure name="Conversion" value={formatRate(experience.conversionRate)} />
              <Figure name="Average lifetime value" value={experience.averageLifetimeValue.map(formatMoney).join(', ') || '—'} />
              <Figure name="Average order" value={experience.averageOrderValue.map(formatMoney).join(', ') || '—'} />
              <Figure name="Reviews" value={formatNumber(experience.reviewCount, 0)} detail={`average ${formatNumber(experience.averageReviewRating, 2)} of 5`} />
              <Figure name="NPS · CSAT" value={`${formatNumber(experience.nps, 0)} · ${formatRate(experience.csat)}`} />
            </dl>
          </section>
        </>
      )}
    </main>
  );
}

function Figure({ name, value, detail }: { name: string; value: string; detail?: string }) {
  return (
    <div className="figure">
      <dt>{name}</dt>
      <dd>
        {value}
        {detail && <span className="muted">{detail}</span>}
      </dd>
    </div>
  );
}
