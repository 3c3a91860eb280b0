import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * experienceMetrics' spend counts each currency's distinct buyers. Read in (currency, customer)
 * order with every column it sums, PostgreSQL 16 and later count them as the rows pass instead of
 * sorting every order first (a year of 96,000 orders: 150 to 50-70 ms on PostgreSQL 18).
 */
export class OrdersByCurrency1765200000000 implements MigrationInterface {
  name = 'OrdersByCurrency1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX customer_order_currency ON customer_order (currency, customer_id) INCLUDE (purchased_at, paid, refunded, cancelled, channel)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX customer_order_currency`);
  }
}
