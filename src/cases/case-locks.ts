import type { Sql } from '../db/database';

/** The lock the case rules take per customer, so a hand-made change and a recording take turns. */
export async function lockCustomersCases(sql: Sql, customerKeys: readonly string[]): Promise<void> {
  const keys = [...new Set(customerKeys)].sort();
  if (keys.length === 0) return;
  await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended('case:' || k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) ordered`, [keys]);
}
