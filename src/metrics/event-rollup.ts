import { randomInt } from 'node:crypto';
import type { Sql } from '../db/database';

/** The figures `metric_event_day` sums, as `metric_event_fact` (a view, made by a migration) gives them per event. */
export const EVENT_FIGURES = [
  ['inbound_contacts', 'inbound_contact'],
  ['calls_offered', 'call_offered'],
  ['calls_answered', 'call_answered'],
  ['calls_abandoned', 'call_abandoned'],
  ['wait_count', 'wait_count'],
  ['wait_seconds', 'wait_seconds'],
  ['inbound_messages', 'inbound_message'],
  ['csat_answers', 'csat_answer'],
  ['csat_satisfied', 'csat_satisfied'],
  ['nps_answers', 'nps_answer'],
  ['nps_promoters', 'nps_promoter'],
  ['nps_detractors', 'nps_detractor'],
  ['ces_answers', 'ces_answer'],
  ['ces_score_sum', 'ces_score'],
  ['reviews', 'review'],
  ['review_rating_sum', 'review_rating'],
] as const;

/** Shards of each day and channel: concurrent recordings add to different rows, so they rarely wait for each other. */
const SHARDS = 8;

/**
 * The statement that adds stored events (their keys in parameter `keys`, bigint[]) to the daily
 * figures, in shard `shard` (smallint): rows taken in (day, channel) order. Recording runs it
 * in its transaction (see recorded-events.ts), so a rolled-back recording adds nothing.
 */
export function eventRollupUpsert(keys: string, shard: string): string {
  return `INSERT INTO metric_event_day AS m (day, channel, shard, ${EVENT_FIGURES.map(([column]) => column).join(', ')})
     SELECT (f.occurred_at AT TIME ZONE 'UTC')::date, f.channel, ${shard}::smallint, ${EVENT_FIGURES.map(([, fact]) => `sum(f.${fact})`).join(', ')}
     FROM metric_event_fact f WHERE f.id = ANY(${keys}::bigint[])
     GROUP BY 1, 2 ORDER BY 1, 2
     ON CONFLICT (day, channel, shard) DO UPDATE SET ${EVENT_FIGURES.map(([column]) => `${column} = m.${column} + excluded.${column}`).join(', ')}`;
}

/** A shard of the day's rows for one recording to add to. */
export function rollupShard(): number {
  return randomInt(0, SHARDS);
}

/** Works the daily figures out anew from every stored event (after a bulk load that bypassed recordings). */
export async function rebuildEventRollup(sql: Sql): Promise<void> {
  await sql.query(`DELETE FROM metric_event_day`);
  await sql.query(
    `INSERT INTO metric_event_day (day, channel, shard, ${EVENT_FIGURES.map(([column]) => column).join(', ')})
     SELECT (f.occurred_at AT TIME ZONE 'UTC')::date, f.channel, 0, ${EVENT_FIGURES.map(([, fact]) => `sum(f.${fact})`).join(', ')}
     FROM metric_event_fact f GROUP BY 1, 2`,
  );
}
