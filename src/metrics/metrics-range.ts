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
 * How a statement groups moments by interval: adds the intervals' starts to its parameters (when
 * the range has intervals) and answers SQL for the number (from 1) of the interval a moment falls
 * in, a binary search of those starts; 1 without intervals. Truncating every row's moment to its
 * interval (`date_trunc`, which reads its unit's name on each call) took a third of a case statement.
 */
export function bucketing(range: CheckedRange, params: unknown[]): (moment: string) => string {
  if (!range.interval) return () => '1';
  params.push(range.buckets.map((bucket) => bucket.start));
  const starts = `$${params.length}::timestamptz[]`;
  return (moment) => `width_bucket(${moment}, ${starts})`;
}

/** The key of an interval `bucketing` numbered, as `CheckedRange.buckets` names it ('' without an interval). */
export function bucketKey(range: CheckedRange, bucket: number): string {
  const found = range.buckets[bucket - 1];
  if (!found) throw new Error(`a metrics row fell outside the range's intervals (interval ${bucket})`);
  return found.key;
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
