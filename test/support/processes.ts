import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createKeyIn, registerCredential } from './credentials';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, any>[];
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  waitForLog(predicate: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
}

const running = new Set<ChildProcess>();

/** Kills every server process a test started and did not stop; for afterAll. */
export function killServerProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Runs the built server (`npm start` without the build step) as a child process. Without
 * DATABASE_URL in `env` it starts its own embedded PostgreSQL; see startServerProcessOn.
 */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const root = path.join(__dirname, '..', '..');
  const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'server', 'main.js')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const logs: Record<string, any>[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += String(chunk);
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    logs,
    exited,
    waitForLog(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for a log line; stderr: ${stderr}; logs: ${JSON.stringify(logs).slice(-2000)}`)), timeoutMs);
        const look = () => {
          const found = logs.find(predicate);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else {
            waiters.push(look);
          }
        };
        void exited.then((code) => {
          if (!logs.find(predicate)) {
            clearTimeout(timer);
            reject(new Error(`server exited with ${code} before the expected log line; stderr: ${stderr}; logs: ${JSON.stringify(logs).slice(-2000)}`));
          }
        });
        look();
      });
    },
  };
}

/**
 * Runs the built server against an existing database (e.g. one from createTestDatabase), on a free
 * port of 127.0.0.1; resolves once it serves. Several such processes can share one database.
 */
export async function startServerProcessOn(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess & { port: number; url: string; adminKey: string }> {
  const port = await freePort();
  const { secret } = await createKeyIn(databaseUrl);
  const server = startServerProcess({ DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ...env });
  await server.waitForLog((line) => typeof line.msg === 'string' && line.msg.includes('serving GraphQL'));
  const url = `http://127.0.0.1:${port}/graphql`;
  registerCredential(url, secret);
  return Object.assign(server, { port, url, adminKey: secret });
}

/**
 * Reads what a counting preload (test/support/count-*.cjs, given in NODE_OPTIONS) has counted in
 * a server process: each call signals SIGUSR2 and resolves with the log line named `msg` that
 * answers it.
 */
export function countsOf(server: ServerProcess, msg: string): () => Promise<Record<string, any>> {
  let asked = 0;
  return () => {
    const n = ++asked;
    server.child.kill('SIGUSR2');
    return server.waitForLog((logged) => logged.msg === msg && logged.asked === n, 10_000);
  };
}

/** One GraphQL operation on a server process started by startServerProcessOn, with its ADMIN key; fails on any error. */
export async function dataFrom(server: { url: string; adminKey: string }, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
