import 'reflect-metadata';
import { Pool } from 'pg';
import { Database, type Sql } from '../src/db/database';
import { DatabaseHealth } from '../src/db/database-health';
import { createLogger } from '../src/core/logger';
import { rowsRead } from './support/rows-read';
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
const updateOfGrown = (label: string) => `UPDATE grown g SET v = g.v + 1 FROM unnest($1::int[]) AS k(id) WHERE g.id = k.id /* ${label} */`;

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

  it('keeps reading by key when its plan was made on a nearly empty table that has grown since', async () => {
    // A new deployment's connections plan on nearly empty tables, and nothing analyses them until
    // autovacuum does. Both runs: plan on a table of one page, grow it to 20,000 rows, run again.
    const readOnceGrown = async (sql: Sql, run: (sql: Sql) => Promise<unknown>) => {
      await sql.query(`CREATE TEMP TABLE grown (id int PRIMARY KEY, v int, note text) ON COMMIT DROP`);
      await sql.query(`INSERT INTO grown SELECT g, 0, repeat('x', 100) FROM generate_series(1, 50) g`);
      await run(sql);
      await sql.query(`INSERT INTO grown SELECT g, 0, repeat('x', 100) FROM generate_series(51, 20000) g`);
      const before = await rowsRead(sql, ['grown']);
      await run(sql);
      return (await rowsRead(sql, ['grown'])).grown - before.grown;
    };
    const marked = await db.transaction((sql) => readOnceGrown(sql, (tx) => tx.query(updateOfGrown('marked'), [[1, 2]], { genericPlan: true })));
    // The control is a generic plan made without the option's care, on a connection of its own making.
    const client = await pool.connect();
    let control: number;
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
      const statement = updateOfGrown('control');
      // Prepared, as the server's statements are, so that its plan is kept.
      const sql: Sql = { query: async (text, params) => (await client.query({ text, values: params, name: text === statement ? 'control' : undefined })).rows };
      control = await readOnceGrown(sql, (tx) => tx.query(statement, [[1, 2]]));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect({ marked, control }).toEqual({ marked: 2, control: 20000 });
  });

  it('switches the mode only for itself: the statements after it, and the next transaction, plan as before', async () => {
    const planning = `SELECT current_setting($1) || ' with sequential scans ' || current_setting('enable_seqscan') AS mode`;
    const settings = await db.transaction(async (sql) => {
      const during = await sql.query<{ mode: string }>(planning, ['plan_cache_mode'], { genericPlan: true });
      const after = await sql.query<{ mode: string }>(planning, ['plan_cache_mode']);
      return [during[0].mode, after[0].mode];
    });
    expect(settings).toEqual(['force_generic_plan with sequential scans off', 'auto with sequential scans on']);
    const [next] = await db.transaction((sql) => sql.query<{ mode: string }>(planning, ['plan_cache_mode']));
    expect(next.mode).toBe('auto with sequential scans on');
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
    const [row] = await db.query<{ mode: string; seqscan: string }>(`SELECT current_setting($1) AS mode, current_setting($2) AS seqscan`, ['plan_cache_mode', 'enable_seqscan']);
    expect(row).toEqual({ mode: 'auto', seqscan: 'on' });
  });
});
