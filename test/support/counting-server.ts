import path from 'node:path';
import { countsOf, killServerProcesses, startServerProcessOn, type ServerProcess } from './processes';
import { createTestDatabase } from './test-database';

export type CountedServer = ServerProcess & { url: string; adminKey: string };

/**
 * For a test file that counts what a server process does: a server process of its own, on a
 * database of its own, with a counting preload (test/support/<preload>, which answers SIGUSR2
 * with a log line named `msg`), started before the file's tests and stopped after them.
 * Counted in a process of its own: Jest's module sandbox hides its objects and wrappers.
 */
export function countingServer(preload: string, msg: string, env: Record<string, string> = {}): { server(): CountedServer; counts(): Promise<Record<string, any>> } {
  let database: { url: string; drop(): Promise<void> };
  let server: CountedServer;
  let counts: () => Promise<Record<string, any>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServerProcessOn(database.url, { NODE_OPTIONS: `--require ${path.join(__dirname, preload)} --no-warnings`, ...env });
    counts = countsOf(server, msg);
  });
  afterAll(async () => {
    killServerProcesses();
    await database.drop();
  });
  return { server: () => server, counts: () => counts() };
}
