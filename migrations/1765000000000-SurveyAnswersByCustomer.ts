import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer's survey answers, which insights sum on every card: found by customer without
 * reading the rest of the customer's history (a customer with a million events has a handful).
 */
export class SurveyAnswersByCustomer1765000000000 implements MigrationInterface {
  name = 'SurveyAnswersByCustomer1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX timeline_event_customer_survey ON timeline_event (customer_id, occurred_at, id) WHERE kind = 'SURVEY_RESPONSE'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX timeline_event_customer_survey`);
  }
}
