import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './bench-database';
import type { Cleanup } from './cleanup';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
}

/** The checkout this benchmark was built from (dist/bench/ is two folders down). */
export const THIS_CHECKOUT = path.join(__dirname, '..', '..');

/**
 * The built server of the checkout in `folder` (this one, or a baseline worktree), in
 * production mode, in a process of its own on a free port, stopped when the section ends.
 */
export async function startServerProcess(folder: string, databaseUrl: string, cleanup: Cleanup): Promise<ServerProcess> {
  const port = await freePort();
  // BENCH_SERVER_CPU_PROFILE=<folder> writes a V8 CPU profile of each server process of this checkout there.
  const profile = process.env.BENCH_SERVER_CPU_PROFILE && folder === THIS_CHECKOUT ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(folder, 'dist', 'src', 'server', 'main.js')], {
    cwd: folder,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', GRAPHIQL: 'false', CONSOLE: 'false', WEBHOOK_DISPATCHER: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanup.add('stop a server process', async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  return { url: `http://127.0.0.1:${port}/graphql`, child };
}

/** Resolves once the server answers GraphQL (a query any credential may send), or fails after 30 s. */
export async function untilServing(server: ServerProcess): Promise<void> {
  for (const started = Date.now(); ; ) {
    const status = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }).then(
      (response) => response.status,
      () => null,
    );
    if (status !== null && status < 500) return;
    if (Date.now() - started > 30_000) throw new Error(`the server at ${server.url} did not start serving within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
