import 'reflect-metadata';
import { loadConfig } from '../core/config';
import { createDataSource } from '../db/data-source';
import { migrate } from '../db/migrate';

/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('Set DATABASE_URL; `npm start` migrates the embedded database by itself.');
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: 1 });
  await db.initialize();
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema already up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
