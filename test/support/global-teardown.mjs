import { createRequire } from 'node:module';
import fs from 'node:fs/promises';

const require = createRequire(import.meta.url);

export default async function globalTeardown() {
  const { adminUrl, template } = globalThis.__CT_TEST_ADMIN__ ?? {};
  if (adminUrl) {
    const { Client } = require('pg');
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [template, `${template}_%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  }
  const embedded = globalThis.__EMBEDDED_TEST_POSTGRES__;
  if (embedded) {
    await embedded.pg.stop();
    await fs.rm(embedded.dir, { recursive: true, force: true });
  }
}
