import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Order numbers looked up across all customers, for searchCustomers ("SO-100482" finds who ordered it). */
export class OrderNumberSearch1764800000000 implements MigrationInterface {
  name = 'OrderNumberSearch1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX timeline_event_order_number ON timeline_event (upper(details->>'orderNumber')) WHERE kind = 'PURCHASE'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX timeline_event_order_number`);
  }
}
