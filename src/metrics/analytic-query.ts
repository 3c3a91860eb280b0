import type { Database } from '../db/database';

/**
 * Memory for the sorts and hash tables of one metrics statement: aggregating a quarter's cases or a
 * year's customers needs more than PostgreSQL's default 4 MB, without which it spills to disk.
 * Set for that statement's transaction only.
 */
const WORK_MEM = '64MB';

/**
 * One read-only metrics statement in a transaction of its own, so several can run at once on
 * their own connections; planned for its own range each time (a plan for 90 days is not one for two years).
 */
export function analyticQuery<Row>(db: Database, text: string, params: unknown[]): Promise<Row[]> {
  return db.transaction(
    async (sql) => {
      await sql.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
      return sql.query<Row>(text, params);
    },
    { planEachTime: true },
  );
}
