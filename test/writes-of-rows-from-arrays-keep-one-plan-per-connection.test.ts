import 'reflect-metadata';
import { Pool } from 'pg';
import { Database, type Sql } from '../src/db/database';
import { DatabaseHealth } from '../src/db/database-health';
import { createLogger } from '../src/core/logger';
import { createTestDatabase } from './support/test-database';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
  // One connection, so that every transaction here sees the statements the others prepared.
  pool = new Pool({ connectionString: database.url, max: 1 });
  db = new Database(pool, { statementDeadlineMs: 10_000, transactionRetries: 0 }, new DatabaseHealth(createLogger('silent')));
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const ROWS_FROM_ARRAY = `SELECT count(*)::int AS n FROM unnest($1::int[]) AS k(v) WHERE k.v > 0`;

/** Rows updated by key from an array, as recordings write them; `label` makes it a statement of its own. */
const updateByKeys = (label: string) => `UPDATE item SET v = v + 1 WHERE id = ANY($1::int[]) /* ${label} */`;

describe('a statement that asks for a generic plan', () => {
  it('is planned once per connection inside a transaction, where the default plans it again on every call', async () => {
    const plans = await db.transaction(async (sql) => {
      await sql.query(`CREATE TEMP TABLE item (id int PRIMARY KEY, v int) ON COMMIT DROP`);
      await sql.query(`INSERT INTO item SELECT g, 0 FROM generate_series(1, 10000) g`);
      await sql.query(`ANALYZE item`);
      for (let i = 1; i <= 8; i++) {
        await sql.query(updateByKeys('generic'), [[i, i + 1]], { genericPlan: true });
        await sql.query(updateByKeys('default'), [[i, i + 1]]);
      }
      return sql.query<{ label: string; generic_plans: string; custom_plans: string }>(
        `SELECT substring(statement from '/[*] (\\w+)') AS label, generic_plans::text, custom_plans::text
         FROM pg_prepared_statements WHERE statement LIKE 'UPDATE item%' ORDER BY 1`,
      );
    });
    expect(plans).toEqual([
      // A plan made for two keys always looks cheaper than the generic one, so the default never settles.
      { label: 'default', generic_plans: '0', custom_plans: '8' },
      { label: 'generic', generic_plans: '8', custom_plans: '0' },
    ]);
  });

  it('switches the mode only for itself: the statements after it, and the next transaction, plan as before', async () => {
    const settings = await db.transaction(async (sql) => {
      const during = await sql.query<{ mode: string }>(`SELECT current_setting($1) AS mode`, ['plan_cache_mode'], { genericPlan: true });
      const after = await sql.query<{ mode: string }>(`SELECT current_setting($1) AS mode`, ['plan_cache_mode']);
      return [during[0].mode, after[0].mode];
    });
    expect(settings).toEqual(['force_generic_plan', 'auto']);
    const [next] = await db.transaction((sql) => sql.query<{ mode: string }>(`SELECT current_setting($1) AS mode`, ['plan_cache_mode']));
    expect(next.mode).toBe('auto');
  });

  it('plans in the mode each statement asks for after a rollback to a savepoint took a switch back', async () => {
    const mode = (sql: Sql, genericPlan: boolean) =>
      sql.query<{ mode: string }>(`SELECT current_setting($1) AS mode`, ['plan_cache_mode'], { genericPlan }).then(([row]) => row.mode);
    const seen = await db.transaction(async (sql) => {
      const modes: string[] = [];
      // Generic before the savepoint, switched back inside it, the savepoint rolled back: generic again.
      modes.push(await mode(sql, true));
      await sql.query('SAVEPOINT item');
      modes.push(await mode(sql, false));
      await sql.query('ROLLBACK TO SAVEPOINT item');
      modes.push(await mode(sql, false));
      // And the other way: switched to generic inside a savepoint that is rolled back.
      await sql.query('SAVEPOINT item');
      modes.push(await mode(sql, true));
      await sql.query('ROLLBACK TO SAVEPOINT item');
      modes.push(await mode(sql, true));
      return modes;
    });
    expect(seen).toEqual(['force_generic_plan', 'auto', 'auto', 'force_generic_plan', 'force_generic_plan']);
  });

  it('leaves nothing set on the connection when its transaction fails', async () => {
    await expect(
      db.transaction(async (sql) => {
        await sql.query(ROWS_FROM_ARRAY, [[1]], { genericPlan: true });
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    const [row] = await db.query<{ mode: string }>(`SELECT current_setting($1) AS mode`, ['plan_cache_mode']);
    expect(row.mode).toBe('auto');
  });
});
