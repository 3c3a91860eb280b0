import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What service and experience metrics are read from:
 * - `metric_event_fact`: every event as the numbers the metrics add up (is it an inbound contact,
 *   an offered, answered or abandoned call, a satisfied CSAT answer, a promoter...), the one place
 *   these formulas are written;
 * - `metric_event_day`: those numbers summed per UTC day and channel, kept current by every
 *   recording in its own transaction. Each recording adds to one of 8 shards of a day and channel,
 *   so concurrent recordings rarely wait for each other; readers sum the shards.
 * - indexes for what is read raw: events by time (the partial days at a range's ends), inbound
 *   messages by time (whether their case was answered), cases by first channel.
 */
export class ServiceMetrics1764600000000 implements MigrationInterface {
  name = 'ServiceMetrics1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE VIEW metric_event_fact AS
      SELECT e.id, e.customer_id, e.occurred_at, e.channel, e.kind,
        -- coalesce: a call whose direction is unknown is a 0, not a NULL that would blank a sum.
        coalesce(e.kind IN ('CALL','EMAIL','SOCIAL_MESSAGE') AND e.direction = 'INBOUND', false)::int AS inbound_contact,
        coalesce(e.kind = 'CALL' AND e.direction = 'INBOUND', false)::int AS call_offered,
        coalesce(e.kind = 'CALL' AND e.direction = 'INBOUND' AND e.details->>'outcome' = 'ANSWERED', false)::int AS call_answered,
        coalesce(e.kind = 'CALL' AND e.direction = 'INBOUND' AND e.details->>'outcome' = 'ABANDONED', false)::int AS call_abandoned,
        coalesce(e.kind = 'CALL' AND e.direction = 'INBOUND' AND e.details->>'outcome' = 'ANSWERED' AND e.details->>'waitSeconds' IS NOT NULL, false)::int AS wait_count,
        CASE WHEN e.kind = 'CALL' AND e.direction = 'INBOUND' AND e.details->>'outcome' = 'ANSWERED' THEN coalesce((e.details->>'waitSeconds')::bigint, 0) ELSE 0 END AS wait_seconds,
        coalesce(e.kind IN ('EMAIL','SOCIAL_MESSAGE') AND e.direction = 'INBOUND', false)::int AS inbound_message,
        coalesce(e.kind = 'SURVEY_RESPONSE' AND e.details->>'survey' = 'CSAT', false)::int AS csat_answer,
        coalesce(e.kind = 'SURVEY_RESPONSE' AND e.details->>'survey' = 'CSAT' AND (e.details->>'score')::int >= (e.details->>'scaleMax')::int - 1, false)::int AS csat_satisfied,
        coalesce(e.kind = 'SURVEY_RESPONSE' AND e.details->>'survey' = 'NPS', false)::int AS nps_answer,
        coalesce(e.kind = 'SURVEY_RESPONSE' AND e.details->>'survey' = 'NPS' AND (e.details->>'score')::numeric * 10 / (e.details->>'scaleMax')::numeric >= 9, false)::int AS nps_promoter,
        coalesce(e.kind = 'SURVEY_RESPONSE' AND e.details->>'survey' = 'NPS' AND (e.details->>'score')::numeric * 10 / (e.details->>'scaleMax')::numeric < 7, false)::int AS nps_detractor,
        coalesce(e.kind = 'SURVEY_RESPONSE' AND e.details->>'survey' = 'CES', false)::int AS ces_answer,
        CASE WHEN e.kind = 'SURVEY_RESPONSE' AND e.details->>'survey' = 'CES'
             THEN 1 + ((e.details->>'score')::float8 - 1) * 6 / ((e.details->>'scaleMax')::float8 - 1) ELSE 0 END AS ces_score,
        coalesce(e.kind = 'REVIEW', false)::int AS review,
        CASE WHEN e.kind = 'REVIEW' THEN 1 + ((e.details->>'rating')::float8 - 1) * 4 / ((e.details->>'scaleMax')::float8 - 1) ELSE 0 END AS review_rating
      FROM timeline_event e`);

    await db.query(`
      CREATE TABLE metric_event_day (
        day date NOT NULL,
        channel text NOT NULL,
        shard smallint NOT NULL,
        inbound_contacts bigint NOT NULL DEFAULT 0,
        calls_offered bigint NOT NULL DEFAULT 0,
        calls_answered bigint NOT NULL DEFAULT 0,
        calls_abandoned bigint NOT NULL DEFAULT 0,
        wait_count bigint NOT NULL DEFAULT 0,
        wait_seconds bigint NOT NULL DEFAULT 0,
        inbound_messages bigint NOT NULL DEFAULT 0,
        csat_answers bigint NOT NULL DEFAULT 0,
        csat_satisfied bigint NOT NULL DEFAULT 0,
        nps_answers bigint NOT NULL DEFAULT 0,
        nps_promoters bigint NOT NULL DEFAULT 0,
        nps_detractors bigint NOT NULL DEFAULT 0,
        ces_answers bigint NOT NULL DEFAULT 0,
        ces_score_sum float8 NOT NULL DEFAULT 0,
        reviews bigint NOT NULL DEFAULT 0,
        review_rating_sum float8 NOT NULL DEFAULT 0,
        PRIMARY KEY (day, channel, shard)
      )`);
    await db.query(`
      INSERT INTO metric_event_day
      SELECT (f.occurred_at AT TIME ZONE 'UTC')::date, f.channel, 0,
        sum(inbound_contact), sum(call_offered), sum(call_answered), sum(call_abandoned), sum(wait_count), sum(wait_seconds), sum(inbound_message),
        sum(csat_answer), sum(csat_satisfied), sum(nps_answer), sum(nps_promoter), sum(nps_detractor), sum(ces_answer), sum(ces_score), sum(review), sum(review_rating)
      FROM metric_event_fact f GROUP BY 1, 2`);

    await db.query(`CREATE INDEX timeline_event_occurred ON timeline_event (occurred_at)`);
    await db.query(`CREATE INDEX timeline_event_inbound_message ON timeline_event (occurred_at) INCLUDE (case_id, channel) WHERE kind IN ('EMAIL','SOCIAL_MESSAGE') AND direction = 'INBOUND'`);
    await db.query(`CREATE INDEX support_case_first_channel ON support_case ((channels[1]), opened_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX support_case_first_channel`);
    await db.query(`DROP INDEX timeline_event_inbound_message`);
    await db.query(`DROP INDEX timeline_event_occurred`);
    await db.query(`DROP TABLE metric_event_day`);
    await db.query(`DROP VIEW metric_event_fact`);
  }
}
