import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { migrations } from '../migrations';
import { createTestDatabase } from './support/test-database';

const TABLES = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`;

describe('migrations', () => {
  it('apply on an empty database, revert one by one to nothing, and apply again', async () => {
    const database = await createTestDatabase({ empty: true });
    const db = createDataSource({ url: database.url, poolSize: 1 });
    await db.initialize();
    try {
      expect(await migrate(db)).toEqual(migrations.map((m) => m.name));
      expect(await migrate(db)).toEqual([]);
      const tables = (await db.query(TABLES)).map((r: any) => r.table_name);
      expect(tables).toEqual(['api_key', 'audit_entry', 'case_history', 'consent', 'consent_change', 'customer', 'customer_activity', 'customer_identifier', 'customer_merge', 'customer_order', 'metric_event_day', 'metric_event_fact', 'server_secret', 'support_case', 'suppressed_identifier', 'timeline_event', 'timeline_stream', 'webhook', 'webhook_delivery']);

      for (let i = 0; i < migrations.length; i++) await db.undoLastMigration({ transaction: 'each' });
      expect(await db.query(TABLES)).toEqual([]);

      expect(await migrate(db)).toHaveLength(migrations.length);
      expect((await db.query(TABLES)).map((r: any) => r.table_name)).toEqual(tables);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
