import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stream positions move from a column of `timeline_event` to a narrow table of their own,
 * `timeline_stream (position, event_id, customer_id)`.
 *
 * A position is given as a recording's last step, under the stream lock, after its events are
 * inserted. As a column, that was an UPDATE of every new event row: a second version of the
 * wide row, new entries in all twelve of the table's indexes and its foreign keys checked again,
 * all while the lock was held; and a dead row version left behind per event. Now it is one
 * narrow INSERT with three small indexes. `customer_id` mirrors the event's (merges move both),
 * so a customer's events after a position are read from this table's own index.
 */
export class TimelineStream1765400000000 implements MigrationInterface {
  name = 'TimelineStream1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE timeline_stream (
        position bigint PRIMARY KEY,
        event_id bigint NOT NULL UNIQUE REFERENCES timeline_event (id) ON DELETE CASCADE,
        customer_id uuid NOT NULL
      )`);
    await db.query(`INSERT INTO timeline_stream (position, event_id, customer_id) SELECT stream_position, id, customer_id FROM timeline_event`);
    await db.query(`CREATE INDEX timeline_stream_customer ON timeline_stream (customer_id, position)`);
    // The sequence would go with the column it belongs to.
    await db.query(`ALTER SEQUENCE timeline_event_stream_position OWNED BY timeline_stream.position`);
    await db.query(`ALTER TABLE timeline_event DROP COLUMN stream_position`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE timeline_event ADD COLUMN stream_position bigint`);
    await db.query(`UPDATE timeline_event e SET stream_position = s.position FROM timeline_stream s WHERE s.event_id = e.id`);
    await db.query(`UPDATE timeline_event SET stream_position = nextval('timeline_event_stream_position') WHERE stream_position IS NULL`);
    await db.query(`ALTER SEQUENCE timeline_event_stream_position OWNED BY timeline_event.stream_position`);
    await db.query(`
      ALTER TABLE timeline_event
        ALTER COLUMN stream_position SET DEFAULT nextval('timeline_event_stream_position'),
        ALTER COLUMN stream_position SET NOT NULL`);
    await db.query(`CREATE UNIQUE INDEX timeline_event_stream_position_unique ON timeline_event (stream_position)`);
    await db.query(`CREATE INDEX timeline_event_customer_stream_position ON timeline_event (customer_id, stream_position)`);
    await db.query(`DROP TABLE timeline_stream`);
  }
}
