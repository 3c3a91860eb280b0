import { Channel } from '../core/enums';
import type { Database } from '../db/database';
import { analyticQuery } from './analytic-query';
import { EVENT_FIGURES } from './event-rollup';
import { bucketKey, bucketing, checkRange, dayParts, type CheckedRange } from './metrics-range';
import { ChannelServiceMetrics, ServiceMetrics, ServiceMetricsInterval, type MetricsRange, type ServiceFigures } from './metrics.types';

type EventSums = Record<(typeof EVENT_FIGURES)[number][0], number>;

/** What can be added across channels and intervals; medians cannot, so they come per group from SQL. */
interface Sums extends EventSums {
  messages: number;
  messagesAnswered: number;
  opened: number;
  openedResolvedNow: number;
  openedReopened: number;
  responded: number;
  firstResponseSum: number;
  resolved: number;
  resolutionSum: number;
  resolvedFirstContact: number;
}

const ZERO = (): Sums => ({
  ...(Object.fromEntries(EVENT_FIGURES.map(([column]) => [column, 0])) as EventSums),
  messages: 0,
  messagesAnswered: 0,
  opened: 0,
  openedResolvedNow: 0,
  openedReopened: 0,
  responded: 0,
  firstResponseSum: 0,
  resolved: 0,
  resolutionSum: 0,
  resolvedFirstContact: 0,
});

/** One group's figures: a channel ('' for all), an interval ('' for the whole range). */
type GroupKey = `${string}|${string}`;
const key = (bucket: string, channel: string): GroupKey => `${bucket}|${channel}`;

/**
 * Service metrics over a range (README, "Metrics"): five statements whatever the range. Event
 * figures come from the daily roll-up for whole UTC days and from the events themselves for the
 * partial days at either end; whether a message was answered, and every case figure, from the
 * events and cases in the range.
 */
export class ServiceMetricsService {
  constructor(private readonly db: Database) {}

  async serviceMetrics(input: MetricsRange): Promise<ServiceMetrics> {
    const range = checkRange(input);
    const groups = new Map<GroupKey, Sums>();
    const medians = new Map<GroupKey, number | null>();
    const add = (bucket: string, channel: string, values: Partial<Sums>) => {
      for (const groupKey of new Set([key(bucket, channel), key(bucket, ''), key('', channel), key('', '')])) {
        const sums = groups.get(groupKey) ?? ZERO();
        for (const [name, value] of Object.entries(values)) sums[name as keyof Sums] += Number(value ?? 0);
        groups.set(groupKey, sums);
      }
    };

    // Five statements at once, each on its own connection (a request may hold three; the others wait their turn).
    const [events, messages, opened, medianRows, resolved] = await Promise.all([
      this.eventSums(range),
      this.messages(range),
      this.casesOpened(range),
      this.firstResponseMedians(range),
      this.casesResolved(range),
    ]);
    const bucketOf = (bucket: number) => bucketKey(range, bucket);
    for (const row of events) add(bucketOf(row.bucket), row.channel, row);
    for (const row of messages) add(bucketOf(row.bucket), row.channel, { messages: row.messages, messagesAnswered: row.answered });
    for (const row of opened) {
      add(bucketOf(row.bucket), row.channel ?? 'NONE', {
        opened: row.opened,
        openedResolvedNow: row.resolved_now,
        openedReopened: row.reopened,
        responded: row.responded,
        firstResponseSum: row.first_response_sum ?? 0,
      });
    }
    for (const row of medianRows) medians.set(key(row.gb === 0 ? bucketOf(row.bucket!) : '', row.gc === 0 ? (row.channel ?? 'NONE') : ''), row.median);
    for (const row of resolved) {
      add(bucketOf(row.bucket), row.channel ?? 'NONE', { resolved: row.resolved, resolutionSum: row.resolution_sum, resolvedFirstContact: row.first_contact });
    }

    const figuresOf = (bucket: string, channel: string) => figures(groups.get(key(bucket, channel)) ?? ZERO(), medians.get(key(bucket, channel)) ?? null);
    const channels = (Object.values(Channel) as string[]).filter((channel) => groups.has(key('', channel)) && hasAnything(groups.get(key('', channel))!));
    return Object.assign(new ServiceMetrics(), figuresOf('', ''), {
      byChannel: channels.map((channel) => Object.assign(new ChannelServiceMetrics(), figuresOf('', channel), { channel })),
      intervals: range.interval ? range.buckets.map((bucket) => Object.assign(new ServiceMetricsInterval(), figuresOf(bucket.key, ''), { start: bucket.start, end: bucket.end })) : [],
    });
  }

  /** The event figures of a whole range, summed (for experience metrics). */
  async eventFigures(range: CheckedRange): Promise<EventSums> {
    const total = Object.fromEntries(EVENT_FIGURES.map(([column]) => [column, 0])) as EventSums;
    for (const row of await this.eventSums({ ...range, interval: null })) for (const [column] of EVENT_FIGURES) total[column] += Number(row[column]);
    return total;
  }

  private async eventSums(range: CheckedRange): Promise<({ bucket: number; channel: string } & EventSums)[]> {
    const { fullStart, fullEnd, edges } = dayParts(range);
    const params: unknown[] = [fullStart, fullEnd, range.channels];
    const bucket = bucketing(range, params);
    const edgeConditions = edges.map(([from, to]) => {
      params.push(from, to);
      return `(f.occurred_at >= $${params.length - 1} AND f.occurred_at < $${params.length})`;
    });
    const sums = EVENT_FIGURES.map(([column]) => `sum(${column})::float8 AS ${column}`).join(', ');
    return analyticQuery(
      this.db,
      `SELECT b AS bucket, channel, ${sums} FROM (
         SELECT ${bucket(`d.day::timestamp AT TIME ZONE 'UTC'`)} AS b, d.channel, ${EVENT_FIGURES.map(([column]) => `d.${column}`).join(', ')}
         FROM metric_event_day d
         WHERE d.day >= $1::date AND d.day < $2::date AND ($3::text[] IS NULL OR d.channel = ANY($3::text[]))
         UNION ALL
         SELECT ${bucket('f.occurred_at')}, f.channel, ${EVENT_FIGURES.map(([column, fact]) => `f.${fact} AS ${column}`).join(', ')}
         FROM metric_event_fact f
         WHERE (${edgeConditions.join(' OR ') || 'false'}) AND ($3::text[] IS NULL OR f.channel = ANY($3::text[]))
       ) parts GROUP BY b, channel`,
      params,
    );
  }

  private async messages(range: CheckedRange): Promise<{ bucket: number; channel: string; messages: number; answered: number }[]> {
    // A message's case was active when it came, so only cases active since the range began are
    // read (by last activity, joined by hash), not one looked up per message.
    const { params, bucket } = rangeParameters(range);
    return analyticQuery(
      this.db,
      `SELECT b AS bucket, channel, count(*)::int AS messages, count(*) FILTER (WHERE answered)::int AS answered
       FROM (SELECT ${bucket('e.occurred_at')} AS b, e.channel, r.last_response_at >= e.occurred_at AS answered
             FROM timeline_event e
             LEFT JOIN (SELECT sc.id, sc.last_response_at FROM support_case sc WHERE sc.last_activity_at >= $1) r ON r.id = e.case_id
             WHERE e.kind IN ('EMAIL','SOCIAL_MESSAGE') AND e.direction = 'INBOUND' AND e.occurred_at >= $1 AND e.occurred_at < $2
               AND ($3::text[] IS NULL OR e.channel = ANY($3::text[]))) inbound
       GROUP BY b, channel`,
      params,
    );
  }

  // Durations are summed (and their median taken) as intervals and turned into seconds once per
  // group: date_part reads its unit's name on every call, and once per row that was a fifth of the statement.
  private async casesOpened(range: CheckedRange) {
    const { params, bucket } = rangeParameters(range);
    return analyticQuery<{ bucket: number; channel: string | null; opened: number; resolved_now: number; reopened: number; responded: number; first_response_sum: number | null }>(
      this.db,
      `SELECT b AS bucket, ch AS channel, count(*)::int AS opened, count(resolved_at)::int AS resolved_now, count(*) FILTER (WHERE reopen_count > 0)::int AS reopened,
              count(first_response)::int AS responded, date_part('epoch', sum(first_response)) AS first_response_sum
       FROM (SELECT ${bucket('sc.opened_at')} AS b, sc.channels[1] AS ch, sc.resolved_at, sc.reopen_count, sc.first_response_at - sc.opened_at AS first_response
             FROM support_case sc
             WHERE sc.opened_at >= $1 AND sc.opened_at < $2 AND ($3::text[] IS NULL OR sc.channels[1] = ANY($3::text[]))) opened
       GROUP BY b, ch`,
      params,
    );
  }

  /**
   * The median first response of the cases opened in the range, for the whole range, per channel
   * and per interval (not per both: nothing shows that). Medians cannot be hashed or added up,
   * so this sorts; only the cases that had a response are read (a third of them in the benchmark's
   * 90 days).
   */
  private async firstResponseMedians(range: CheckedRange) {
    const { params, bucket } = rangeParameters(range);
    return analyticQuery<{ bucket: number | null; channel: string | null; gb: number; gc: number; median: number | null }>(
      this.db,
      `SELECT ${range.interval ? 'b' : 'NULL::int'} AS bucket, ch AS channel, ${range.interval ? 'GROUPING(b)' : '1'} AS gb, GROUPING(ch) AS gc,
              date_part('epoch', percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response)) AS median
       FROM (SELECT ${bucket('sc.opened_at')} AS b, sc.channels[1] AS ch, sc.first_response_at - sc.opened_at AS first_response
             FROM support_case sc
             WHERE sc.opened_at >= $1 AND sc.opened_at < $2 AND sc.first_response_at IS NOT NULL AND ($3::text[] IS NULL OR sc.channels[1] = ANY($3::text[]))) responded
       GROUP BY GROUPING SETS (${range.interval ? '(b), ' : ''}(ch), ())`,
      params,
    );
  }

  private async casesResolved(range: CheckedRange) {
    const { params, bucket } = rangeParameters(range);
    return analyticQuery<{ bucket: number; channel: string | null; resolved: number; resolution_sum: number; first_contact: number }>(
      this.db,
      `SELECT b AS bucket, channel, count(*)::int AS resolved, date_part('epoch', sum(resolution)) AS resolution_sum,
              count(*) FILTER (WHERE first_contact)::int AS first_contact
       FROM (SELECT ${bucket('sc.resolved_at')} AS b, sc.channels[1] AS channel,
                    sc.resolved_at - sc.opened_at AS resolution, sc.contact_count <= 1 AND sc.reopen_count = 0 AS first_contact
             FROM support_case sc
             WHERE sc.resolved_at >= $1 AND sc.resolved_at < $2 AND ($3::text[] IS NULL OR sc.channels[1] = ANY($3::text[]))) resolved
       GROUP BY b, channel`,
      params,
    );
  }
}

/** What the message and case statements start with ($1 since, $2 until, $3 channels), and how each groups moments by interval. */
function rangeParameters(range: CheckedRange): { params: unknown[]; bucket: (moment: string) => string } {
  const params: unknown[] = [range.since, range.until, range.channels];
  return { params, bucket: bucketing(range, params) };
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function figures(s: Sums, median: number | null): Omit<ServiceFigures, never> {
  return {
    inboundContacts: s.inbound_contacts,
    callsOffered: s.calls_offered,
    callsAnswered: s.calls_answered,
    answeredRate: ratio(s.calls_answered, s.calls_offered),
    abandonmentRate: ratio(s.calls_abandoned, s.calls_offered),
    averageWaitSeconds: ratio(s.wait_seconds, s.wait_count),
    messagesAnsweredRate: ratio(s.messagesAnswered, s.messages),
    casesOpened: s.opened,
    casesResolved: s.resolved,
    resolutionRate: ratio(s.openedResolvedNow, s.opened),
    averageFirstResponseSeconds: ratio(s.firstResponseSum, s.responded),
    medianFirstResponseSeconds: s.responded > 0 ? median : null,
    averageResolutionSeconds: ratio(s.resolutionSum, s.resolved),
    firstContactResolutionRate: ratio(s.resolvedFirstContact, s.resolved),
    reopenRate: ratio(s.openedReopened, s.opened),
    csat: ratio(s.csat_satisfied, s.csat_answers),
    nps: s.nps_answers > 0 ? ((s.nps_promoters - s.nps_detractors) / s.nps_answers) * 100 : null,
    ces: ratio(s.ces_score_sum, s.ces_answers),
  };
}

function hasAnything(s: Sums): boolean {
  return Object.values(s).some((value) => value !== 0);
}
