import type { DataSource } from 'typeorm';

const TABLES = ['customer', 'customer_identifier', 'consent', 'consent_change', 'timeline_event', 'customer_merge', 'suppressed_identifier', 'support_case', 'case_history'];

/** A fingerprint of every stored row, to prove a rejected write changed nothing at all. */
export async function databaseState(db: DataSource): Promise<Record<string, { rows: number; digest: string | null }>> {
  const state: Record<string, { rows: number; digest: string | null }> = {};
  for (const table of TABLES) {
    const [row] = await db.query(`SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${table} t`);
    state[table] = row;
  }
  return state;
}

export async function countRows(db: DataSource, table: string): Promise<number> {
  const [row] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}
