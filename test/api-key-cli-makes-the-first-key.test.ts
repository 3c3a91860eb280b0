import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from './support/test-server';

const run = promisify(execFile);
const root = path.join(__dirname, '..');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** The command exactly as the README gives it, on the test server's database through DATABASE_URL. */
async function apiKey(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'api-key', '--', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: server.databaseUrl } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

describe('npm run api-key', () => {
  it('creates a key whose secret is the last line of standard output, lists it without the secret, and revokes it', async () => {
    const created = await apiKey('create', '--name', 'first admin', '--role', 'ADMIN');
    expect(created.code).toBe(0);
    const secret = lastLine(created.stdout);
    expect(secret).toMatch(/^ctk_[0-9A-Za-z]{36}$/);

    const asKey = server.as(secret);
    expect((await asKey.data(`{ viewer { name role } }`)).viewer).toEqual({ name: 'first admin', role: 'ADMIN' });

    const listed = await apiKey('list');
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes('"first admin"'))!;
    expect(line).toContain('role=ADMIN');
    expect(line).toContain(`secret=ctk_…${secret.slice(-4)}`);
    expect(listed.stdout).not.toContain(secret);
    const id = line.split(/\s+/)[0];

    const revoked = await apiKey('revoke', '--id', id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked .*"first admin"/);
    // The server caches a key for a few seconds; a revoked one stops working within that.
    const until = Date.now() + 10_000;
    let status = 200;
    while (Date.now() < until && (status = (await asKey.post(`{ viewer { name } }`)).status) === 200) await new Promise((r) => setTimeout(r, 200));
    expect(status).toBe(401);
  }, 30_000);

  it('creates a key with scopes and an expiry, and refuses what it cannot make', async () => {
    const scoped = await apiKey('create', '--name', 'metrics exporter', '--scopes', 'CUSTOMERS_READ,METRICS_READ', '--expires-at', '2099-01-01T00:00:00Z');
    expect(scoped.code).toBe(0);
    expect((await server.as(lastLine(scoped.stdout)).data(`{ viewer { role scopes } }`)).viewer).toEqual({ role: null, scopes: ['CUSTOMERS_READ', 'METRICS_READ'] });

    for (const args of [
      ['create', '--name', 'x', '--role', 'ROOT'],
      ['create', '--role', 'ADMIN'],
      ['create', '--name', 'x'],
      ['create', '--name', 'x', '--role', 'ADMIN', '--expires-at', '2001-01-01T00:00:00Z'],
      ['revoke', '--id', 'nope'],
      ['rotate'],
    ]) {
      const refused = await apiKey(...args);
      expect({ args, code: refused.code }).toEqual({ args, code: 1 });
      expect(refused.stdout).not.toMatch(/ctk_[0-9A-Za-z]{36}/);
      expect(refused.stderr.trim()).not.toBe('');
    }
  }, 60_000);
});
