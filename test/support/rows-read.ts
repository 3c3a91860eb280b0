import type { Sql } from '../../src/db/database';

/**
 * Rows of these tables read on the transaction's connection so far (scanned, or fetched through
 * an index), as PostgreSQL counts them before it flushes them to the shared statistics. The
 * count includes earlier transactions of the same connection: compare two readings.
 */
export async function rowsRead<Table extends string>(sql: Sql, tables: readonly Table[]): Promise<Record<Table, number>> {
  const rows = await sql.query<{ relname: string; n: string }>(
    `SELECT relname, (seq_tup_read + coalesce(idx_tup_fetch, 0))::text AS n FROM pg_stat_xact_user_tables WHERE relname = ANY($1::text[])`,
    [tables],
  );
  const counts = new Map(rows.map((row) => [row.relname, Number(row.n)]));
  return Object.fromEntries(tables.map((table) => [table, counts.get(table) ?? 0])) as Record<Table, number>;
}

/** What `work` read of these tables, run in one transaction where the planner takes any index it can (as it would on large tables). */
export async function rowsReadBy<Table extends string, T>(db: { transaction<R>(work: (sql: Sql) => Promise<R>): Promise<R> }, tables: readonly Table[], work: (sql: Sql) => Promise<T>): Promise<{ result: T; read: Record<Table, number> }> {
  return db.transaction(async (sql) => {
    await sql.query(`SET LOCAL enable_seqscan = off`);
    const before = await rowsRead(sql, tables);
    const result = await work(sql);
    const after = await rowsRead(sql, tables);
    return { result, read: Object.fromEntries(tables.map((table) => [table, after[table] - before[table]])) as Record<Table, number> };
  });
}
