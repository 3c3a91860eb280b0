import type { DataSource } from 'typeorm';

/** Runs SQL on one connection; every row-returning statement resolves to its rows. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
export async function transaction<T>(db: DataSource, work: (sql: Sql) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const sql: Sql = {
      query: async <Row>(text: string, params?: unknown[]) => (await runner.query(text, params, true)).records as Row[],
    };
    try {
      const result = await work(sql);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/**
 * Runs `work` inside a savepoint so that a failure undoes only its own writes; used by bulk
 * mutations where each item succeeds or fails on its own.
 */
export async function savepoint<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  await sql.query('SAVEPOINT item');
  try {
    const result = await work();
    await sql.query('RELEASE SAVEPOINT item');
    return result;
  } catch (error) {
    await sql.query('ROLLBACK TO SAVEPOINT item');
    await sql.query('RELEASE SAVEPOINT item');
    throw error;
  }
}

/** Thrown when a concurrent transaction took a unique key first; the caller retries its work. */
export class LostRace extends Error {
  constructor(what: string) {
    super(`lost a race for ${what}`);
  }
}

export const MAX_RACE_RETRIES = 3;
