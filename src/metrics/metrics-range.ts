import { Channel } from '../core/enums';
import { badUserInput } from '../core/errors';
import { MetricInterval, type MetricsRange } from './metrics.types';

const DAY_MS = 86_400_000;
const MAX_SPAN_MS = 2 * 366 * DAY_MS;
const MAX_INTERVALS = 1000;

/** A checked range: its intervals (UTC) and how SQL names the interval a moment falls in. */
export interface CheckedRange {
  since: Date;
  until: Date;
  channels: Channel[] | null;
  interval: MetricInterval | null;
  /** The intervals, clipped to the range; one (the range) when no interval was asked for. */
  buckets: { key: string; start: Date; end: Date }[];
}

const TRUNC: Record<MetricInterval, string> = { [MetricInterval.DAY]: 'day', [MetricInterval.WEEK]: 'week', [MetricInterval.MONTH]: 'month' };

export function checkRange(range: MetricsRange): CheckedRange {
  const since = range.since;
  const until = range.until;
  if (!(since.getTime() < until.getTime())) throw badUserInput('`range.since` must be before `range.until`.', { argument: 'range' });
  if (until.getTime() - since.getTime() > MAX_SPAN_MS) throw badUserInput('A range spans at most two years.', { argument: 'range' });
  const interval = range.interval ?? null;
  const buckets: CheckedRange['buckets'] = [];
  if (interval) {
    for (let start = truncate(since, interval); start.getTime() < until.getTime(); start = next(start, interval)) {
      if (buckets.length >= MAX_INTERVALS) throw badUserInput(`At most ${MAX_INTERVALS} intervals; choose a longer interval or a shorter range.`, { argument: 'range' });
      buckets.push({ key: start.toISOString(), start: new Date(Math.max(start.getTime(), since.getTime())), end: new Date(Math.min(next(start, interval).getTime(), until.getTime())) });
    }
  } else {
    buckets.push({ key: '', start: since, end: until });
  }
  const channels = range.channels?.length ? [...new Set(range.channels)] : null;
  return { since, until, channels, interval, buckets };
}

/**
 * SQL for the start of the interval a UTC timestamp (without time zone) falls in, to group by; a
 * constant without an interval. Grouped as a timestamp and only the groups turned into text
 * (`bucketKeySql`): formatting every row cost more than the rest of a metrics statement.
 */
export function bucketSql(range: CheckedRange, utcTimestamp: string): string {
  if (!range.interval) return `NULL::timestamp`;
  return `date_trunc('${TRUNC[range.interval]}', ${utcTimestamp})`;
}

/** SQL for the key of a grouped `bucketSql` value, as `CheckedRange.buckets` names it ('' without an interval). */
export function bucketKeySql(range: CheckedRange, grouped: string): string {
  if (!range.interval) return `''`;
  return `to_char(${grouped}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Whole UTC days inside the range (read from the daily figures), and the partial ends (read raw). */
export function dayParts(range: CheckedRange): { fullStart: Date; fullEnd: Date; edges: [Date, Date][] } {
  const fullStart = new Date(Math.ceil(range.since.getTime() / DAY_MS) * DAY_MS);
  const fullEnd = new Date(Math.floor(range.until.getTime() / DAY_MS) * DAY_MS);
  if (fullStart.getTime() >= fullEnd.getTime()) return { fullStart, fullEnd: fullStart, edges: [[range.since, range.until]] };
  const edges: [Date, Date][] = [];
  if (range.since.getTime() < fullStart.getTime()) edges.push([range.since, fullStart]);
  if (fullEnd.getTime() < range.until.getTime()) edges.push([fullEnd, range.until]);
  return { fullStart, fullEnd, edges };
}

function truncate(at: Date, interval: MetricInterval): Date {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (interval === MetricInterval.MONTH) return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  if (interval === MetricInterval.WEEK) return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS);
  return d;
}

function next(start: Date, interval: MetricInterval): Date {
  if (interval === MetricInterval.MONTH) return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + (interval === MetricInterval.WEEK ? 7 : 1) * DAY_MS);
}
