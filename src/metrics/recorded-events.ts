import type { Sql } from '../db/database';
import { activityWidening } from './customer-activity';
import { eventRollupUpsert, rollupShard } from './event-rollup';

/** An event a recording has just stored. */
export interface RecordedEvent {
  eventKey: string;
  customerKey: string;
  occurredAt: Date;
}

/**
 * What a recording adds to the metrics read models, in its own transaction: the new events'
 * daily figures and their customers' first and last event, in one statement (one round trip of
 * a recording transaction that every writer waits behind, rather than two).
 */
export async function addRecordedEvents(sql: Sql, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `WITH rollup AS (${eventRollupUpsert('$1', '$2')} RETURNING 1),
          activity AS (${activityWidening('$3', '$4')} RETURNING 1)
     SELECT (SELECT count(*) FROM rollup) AS days, (SELECT count(*) FROM activity) AS customers`,
    [events.map((e) => e.eventKey), rollupShard(), events.map((e) => e.customerKey), events.map((e) => e.occurredAt)],
    { genericPlan: true },
  );
}
