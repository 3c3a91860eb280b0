import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stream position of each timeline event: a number that grows in commit order, which is what
 * subscribers resume from (`TimelineEvent.streamCursor`, `timelineEventAdded(after:)`).
 * - The recorder assigns it at the end of its transaction under one advisory lock
 *   (src/realtime/publisher.ts), so that a higher position always committed later.
 * - The column default covers rows written straight into the table (demo data, benchmarks) and
 *   is only a placeholder for rows the recorder writes.
 * - Existing rows are numbered in id order.
 */
export class TimelineStreamPosition1764000000000 implements MigrationInterface {
  name = 'TimelineStreamPosition1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE timeline_event_stream_position AS bigint`);
    await db.query(`ALTER TABLE timeline_event ADD COLUMN stream_position bigint`);
    await db.query(`
      UPDATE timeline_event e SET stream_position = numbered.position
      FROM (SELECT id, row_number() OVER (ORDER BY id) AS position FROM timeline_event) numbered
      WHERE e.id = numbered.id`);
    await db.query(`SELECT setval('timeline_event_stream_position', coalesce((SELECT max(stream_position) FROM timeline_event), 0) + 1, false)`);
    await db.query(`ALTER SEQUENCE timeline_event_stream_position OWNED BY timeline_event.stream_position`);
    await db.query(`
      ALTER TABLE timeline_event
        ALTER COLUMN stream_position SET DEFAULT nextval('timeline_event_stream_position'),
        ALTER COLUMN stream_position SET NOT NULL`);
    await db.query(`CREATE UNIQUE INDEX timeline_event_stream_position_unique ON timeline_event (stream_position)`);
    // Replays of one customer's events after a cursor.
    await db.query(`CREATE INDEX timeline_event_customer_stream_position ON timeline_event (customer_id, stream_position)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX timeline_event_customer_stream_position`);
    await db.query(`DROP INDEX timeline_event_stream_position_unique`);
    // Dropping the column drops the sequence it owns.
    await db.query(`ALTER TABLE timeline_event DROP COLUMN stream_position`);
  }
}
