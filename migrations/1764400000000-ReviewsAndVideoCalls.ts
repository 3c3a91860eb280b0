import type { MigrationInterface, QueryRunner } from 'typeorm';

const CHANNELS_BEFORE = `'PHONE','EMAIL','SOCIAL','SMS','CHAT','WEB','IN_STORE'`;
const CHANNELS = `${CHANNELS_BEFORE},'VIDEO'`;
const KINDS_BEFORE = `'CALL','EMAIL','SOCIAL_MESSAGE','PURCHASE','SURVEY_RESPONSE'`;
const KINDS = `${KINDS_BEFORE},'REVIEW'`;

/** A sixth kind of event, REVIEW, and a channel for video calls, VIDEO. */
export class ReviewsAndVideoCalls1764400000000 implements MigrationInterface {
  name = 'ReviewsAndVideoCalls1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await checks(db, CHANNELS, KINDS);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM timeline_event WHERE kind = 'REVIEW' OR channel = 'VIDEO'`);
    await db.query(`UPDATE customer SET preferred_channel = NULL WHERE preferred_channel = 'VIDEO'`);
    await db.query(`DELETE FROM consent WHERE channel = 'VIDEO'`);
    await checks(db, CHANNELS_BEFORE, KINDS_BEFORE);
  }
}

async function checks(db: QueryRunner, channels: string, kinds: string): Promise<void> {
  for (const [table, column, constraint] of [
    ['customer', 'preferred_channel', 'customer_preferred_channel_check'],
    ['consent', 'channel', 'consent_channel_check'],
    ['timeline_event', 'channel', 'timeline_event_channel_check'],
  ]) {
    await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}, ADD CONSTRAINT ${constraint} CHECK (${column} IN (${channels}))`);
  }
  await db.query(`ALTER TABLE timeline_event DROP CONSTRAINT timeline_event_kind_check, ADD CONSTRAINT timeline_event_kind_check CHECK (kind IN (${kinds}))`);
}
