import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A fresh database copied from the migrated template: the known starting state of a test file. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.CT_TEST_ADMIN_URL;
  const template = process.env.CT_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('test/support/global-setup.mjs did not run');
  const name = `${template}_${randomBytes(6).toString('hex')}`;
  // `empty` skips the migrated template, for tests of the migrations themselves.
  await withAdmin(adminUrl, (admin) => admin.query(options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(adminUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
