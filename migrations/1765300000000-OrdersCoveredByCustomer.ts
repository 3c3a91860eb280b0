import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orders' primary key carries every column, so each customer's orders are read from the key
 * alone: experienceMetrics' churn groups a year of buyers in key order as they pass (three times
 * cheaper than hashing 60,000 buyers), and a customer's insights read their orders without the table.
 * The key itself is unchanged; orders are deleted and inserted, never updated in place.
 */
export class OrdersCoveredByCustomer1765300000000 implements MigrationInterface {
  name = 'OrdersCoveredByCustomer1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE customer_order
        DROP CONSTRAINT customer_order_pkey,
        ADD CONSTRAINT customer_order_pkey PRIMARY KEY (customer_id, order_key) INCLUDE (currency, paid, refunded, cancelled, purchased_at, channel)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customer_order DROP CONSTRAINT customer_order_pkey, ADD CONSTRAINT customer_order_pkey PRIMARY KEY (customer_id, order_key)`);
  }
}
