import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, killServerProcesses, startServerProcess } from './support/processes';

const run = promisify(execFile);

const MAYA = `query ($identifier: IdentifierInput!) {
  customerByIdentifier(identifier: $identifier) {
    displayName
    identifiers { kind value namespace }
    preferences { preferredChannel contactHours consents { channel granted } }
    timeline(first: 3) { edges { node { __typename kind channel summary } } }
  }
}`;

let dataDir: string;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-start-'));
  // When run as root the embedded PostgreSQL runs as `postgres`, which must reach its folder.
  await fs.chmod(dataDir, 0o755);
});
afterAll(async () => {
  killServerProcesses();
  await fs.rm(dataDir, { recursive: true, force: true });
});

let keys: Record<string, string> = {};

async function post(port: number, query: string, variables?: Record<string, unknown>, key = keys.AGENT) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json() as Promise<any>;
}

describe('npm start on a fresh clone', () => {
  it('starts the embedded database, seeds it once, serves the story, and shuts down cleanly mid-request', async () => {
    // The folder a fresh clone has: .data/ next to where the commands run.
    const env = { EMBEDDED_PG_DIR: path.join(dataDir, '.data', 'postgres'), EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()), HOST: '127.0.0.1' };
    const first = startServerProcess(env);
    await first.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('serving GraphQL'));
    const seeded = first.logs.find((l) => l.msg === 'demo data loaded');
    expect(seeded?.customers).toBeGreaterThanOrEqual(200);
    expect(seeded?.events).toBeGreaterThanOrEqual(10_000);

    // One demo key per role, in a file next to the database, named in the log; GraphiQL starts with the AGENT key.
    const keysFile = path.join(dataDir, '.data', 'demo-api-keys.json');
    expect(first.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('demo API keys'))).toMatchObject({ file: keysFile, created: true });
    keys = JSON.parse(await fs.readFile(keysFile, 'utf8'));
    expect(Object.keys(keys).sort()).toEqual(['ADMIN', 'AGENT', 'ANALYST', 'INTEGRATION']);
    const page = await (await fetch(`http://127.0.0.1:${env.PORT}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain(keys.AGENT);
    expect(await post(Number(env.PORT), `{ viewer { role } }`, undefined, '')).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });

    // The README's first command, as written, from the folder npm start ran in.
    const readme = await fs.readFile(path.join(__dirname, '..', 'README.md'), 'utf8');
    const curl = /```sh\n(curl [\s\S]*?)```/.exec(readme)![1].replace('localhost:4000', `127.0.0.1:${env.PORT}`);
    const { stdout } = await run('bash', ['-c', curl], { cwd: dataDir });
    const fromReadme = JSON.parse(stdout);
    expect(fromReadme.errors).toBeUndefined();
    expect(fromReadme.data.customerByIdentifier).toMatchObject({ displayName: 'Maya Okafor', preferences: { preferredChannel: 'EMAIL', contactHours: 'mornings' } });
    expect(fromReadme.data.customerByIdentifier.timeline.edges).toHaveLength(3);

    const { data } = await post(Number(env.PORT), MAYA, { identifier: { kind: 'SOCIAL', namespace: 'instagram', value: '@Maya.Runs' } });
    const maya = data.customerByIdentifier;
    expect(maya.displayName).toBe('Maya Okafor');
    expect(maya.preferences).toMatchObject({ preferredChannel: 'EMAIL', contactHours: 'mornings' });
    expect(maya.timeline.edges[0].node).toMatchObject({ __typename: 'SocialMessageEvent', channel: 'SOCIAL' });
    const kinds = maya.timeline.edges.map((e: any) => e.node.kind);
    expect(kinds).toContain('EMAIL');

    // SIGTERM while a large write is in flight: the write completes, then the process exits 0.
    const customerId = (await post(Number(env.PORT), `{ customerByIdentifier(identifier: {kind: EMAIL, value: "maya.okafor@example.com"}) { id } }`)).data.customerByIdentifier.id;
    const events = Array.from({ length: 1000 }, (_, i) => ({ call: { customerId, occurredAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(), outcome: 'MISSED', source: 'shutdown-test', externalId: String(i) } }));
    const inFlight = post(Number(env.PORT), `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, { input: { events } }, keys.INTEGRATION);
    await new Promise((resolve) => setTimeout(resolve, 30));
    first.child.kill('SIGTERM');
    const written = await inFlight;
    if (!written.data) throw new Error(JSON.stringify(written.errors) + JSON.stringify(first.logs.slice(-5)));
    expect(written.data.recordEvents.results.filter((r: any) => r.created)).toHaveLength(1000);
    expect(await first.exited).toBe(0);
    expect(first.logs.some((l) => l.msg === 'stopped')).toBe(true);

    // Second start on the same folder: the data is kept and not seeded again.
    const second = startServerProcess(env);
    await second.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('serving GraphQL'));
    expect(second.logs.some((l) => l.msg === 'demo data loaded')).toBe(false);
    expect(second.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('demo API keys'))).toMatchObject({ created: false });
    const again = await post(Number(env.PORT), `{ customerByIdentifier(identifier: {kind: PHONE, value: "+44 20 7946 0123"}) { displayName timeline(first: 1, filter: {kinds: [CALL], until: "2020-01-02T00:00:00Z"}) { edges { node { source } } } } }`);
    expect(again.data.customerByIdentifier).toEqual({ displayName: 'Maya Okafor', timeline: { edges: [{ node: { source: 'shutdown-test' } }] } });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
