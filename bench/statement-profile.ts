import { Client } from 'pg';

/**
 * With BENCH_SQL_TOP=N, the embedded cluster loads pg_stat_statements and a section can print the
 * N statements that took the most of PostgreSQL's time in its database: where to look first when
 * the database, not the server, is the limit.
 */
export const STATEMENT_PROFILE_TOP = Number(process.env.BENCH_SQL_TOP ?? 0);

/** The embedded cluster's extra settings when profiling statements. */
export const statementProfileFlags = (): string[] =>
  STATEMENT_PROFILE_TOP > 0 ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'pg_stat_statements.track_planning=on'] : [];

/** Forgets what was counted so far in the database at `url` (creating the view where needed). */
export async function resetStatementProfile(url: string): Promise<void> {
  if (STATEMENT_PROFILE_TOP <= 0) return;
  await withClient(url, async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
  });
}

/** Prints the statements that took the most execution time since the last reset, with `label`. */
export async function printStatementProfile(url: string, label: string): Promise<void> {
  if (STATEMENT_PROFILE_TOP <= 0) return;
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ ms: number; planMs: number; plans: string; calls: string; rows: string; share: number; query: string }>(
      `SELECT round(total_exec_time)::int AS ms, round(total_plan_time)::int AS "planMs", plans::text, calls::text, rows::text,
              round(100 * total_exec_time / nullif(sum(total_exec_time) OVER (), 0))::int AS share,
              regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT $1`,
      [STATEMENT_PROFILE_TOP],
    );
    // Planning is counted apart from execution: a statement planned on every call shows plans = calls.
    console.log(`\nstatements by execution time, ${label} (exec ms, share, plan ms, plans, calls, rows):`);
    for (const row of rows) {
      console.log(
        `${String(row.ms).padStart(8)} ms ${String(row.share).padStart(3)} % ${String(row.planMs).padStart(6)} ms ${row.plans.padStart(7)} plans ${row.calls.padStart(7)} calls ${row.rows.padStart(9)} rows  ${row.query.slice(0, Number(process.env.BENCH_SQL_WIDTH ?? 200))}`,
      );
    }
  });
}

async function withClient(url: string, use: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}
