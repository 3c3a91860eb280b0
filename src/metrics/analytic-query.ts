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
 * `hashAggregate: false` groups by sorting (or in index order) where a statement knows that is cheaper.
 */
export function analyticQuery<Row>(db: Database, text: string, params: unknown[], options: { hashAggregate?: boolean } = {}): Promise<Row[]> {
  return db.transaction(
    async (sql) => {
      await sql.query(
        options.hashAggregate === false ? `SELECT set_config('work_mem', '${WORK_MEM}', true), set_config('enable_hashagg', 'off', true)` : `SET LOCAL work_mem = '${WORK_MEM}'`,
      );
      return sql.query<Row>(text, params);
    },
    { planEachTime: true },
  );
}
