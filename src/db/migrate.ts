import type { DataSource } from 'typeorm';

/** Brings the schema up to date; each migration runs in its own transaction. */
export async function migrate(db: DataSource): Promise<string[]> {
  const applied = await db.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}
