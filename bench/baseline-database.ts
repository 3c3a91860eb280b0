import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import type { BenchDatabase, BenchServer } from './bench-database';
import type { Cleanup } from './cleanup';

/**
 * The database the baseline commit's server runs on. A baseline that knows every migration this
 * build applied shares this build's database. An older one gets a copy of it with the migrations
 * it does not know reverted (such as the stream positions' own table), so it finds the schema its
 * code was written for and the same rows: demo data and benchmark keys made before the copy.
 *
 * `db` is the section's data source on `prepared`: it is closed while the copy is made (a
 * database is copied only while nothing is connected to it) and opened again after.
 */
export async function databaseForBaseline(server: BenchServer, prepared: BenchDatabase, db: DataSource, baselineFolder: string, cleanup: Cleanup): Promise<string> {
  const known = migrationsOf(baselineFolder);
  const applied = (await db.query<{ name: string }[]>(`SELECT name FROM schema_migrations ORDER BY id`)).map((row) => row.name);
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length === 0) return prepared.url;

  await db.destroy();
  const copy = await server.copyDatabase(prepared).finally(() => db.initialize());
  cleanup.add('drop the baseline database', () => copy.release());
  const reverting = createDataSource({ url: copy.url, poolSize: 1 });
  await reverting.initialize();
  try {
    for (let i = 0; i < unknown.length; i++) await reverting.undoLastMigration({ transaction: 'each' });
    const left = (await reverting.query<{ name: string }[]>(`SELECT name FROM schema_migrations`)).map((row) => row.name);
    if (left.some((name) => !known.has(name))) throw new Error(`the baseline's database still has migrations it does not know: ${left.filter((name) => !known.has(name)).join(', ')}`);
  } finally {
    await reverting.destroy();
  }
  console.log(`baseline    on a copy of the database without the migrations it does not know (${unknown.join(', ')})`);
  return copy.url;
}

/** The names of the migrations a built checkout runs. */
function migrationsOf(folder: string): Set<string> {
  const { migrations } = require(path.join(folder, 'dist', 'migrations', 'index.js')) as { migrations: (new () => { name?: string })[] };
  return new Set(migrations.map((migration) => new migration().name ?? migration.name));
}
