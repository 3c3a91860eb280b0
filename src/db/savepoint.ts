import type { Sql } from './database';
import { breaksConnection } from './database-errors';

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
    // A connection that timed out or died cannot roll back; the whole transaction is lost anyway.
    if (breaksConnection(error)) throw error;
    await sql.query('ROLLBACK TO SAVEPOINT item');
    await sql.query('RELEASE SAVEPOINT item');
    throw error;
  }
}
