import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { sleep, untilSubscribed, wsUrlOf } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

const ROOT = path.join(__dirname, '..');
let server: TestServer;
let workDir: string;
let snippetFile: string;
const children: ChildProcess[] = [];
let agentKey: string;
beforeAll(async () => {
  server = await startTestServer();
  agentKey = (await server.createKey({ role: 'AGENT' as never })).secret;
  // The snippet exactly as README.md shows it, placed under dist/ so that its imports
  // resolve to this project's node_modules.
  const docs = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
  const match = /<!-- snippet: follow-timeline\.mjs -->\s*```js\n([\s\S]*?)```/.exec(docs);
  if (!match) throw new Error('README.md has no follow-timeline.mjs snippet');
  snippetFile = path.join(ROOT, 'dist', 'docs-snippets', 'follow-timeline.mjs');
  await fs.mkdir(path.dirname(snippetFile), { recursive: true });
  await fs.writeFile(snippetFile, match[1]);
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-snippet-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server.stop();
  await fs.rm(workDir, { recursive: true, force: true });
});

function runSnippet(customerId: string): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, [snippetFile], {
    cwd: workDir,
    env: { ...process.env, TIMELINE_WS_URL: wsUrlOf(server.url), TIMELINE_API_KEY: agentKey, CUSTOMER_ID: customerId },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += String(chunk);
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  return { child, lines };
}

async function record(kind: 'call' | 'email' | 'purchase', customerId: string): Promise<string> {
  const base = { customerId, occurredAt: '2026-07-01T09:00:00.000Z', source: 'docs', externalId: unique(kind) };
  const event =
    kind === 'call'
      ? { call: { ...base, outcome: 'MISSED', summary: `Missed call ${base.externalId}` } }
      : kind === 'email'
        ? { email: { ...base, fromAddress: 'maya@example.com', toAddresses: ['help@example.net'], summary: `E-mail ${base.externalId}` } }
        : { purchase: { ...base, orderNumber: 'SO-9', status: 'PAID', total: { amount: '10.00', currency: 'EUR' }, items: [], summary: `Order ${base.externalId}` } };
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created ${USER_ERRORS} } } }`, {
    input: { events: [event] },
  });
  expect(recordEvents.results[0].created).toBe(true);
  return `2026-07-01T09:00:00.000Z Maya Okafor: ${Object.values(event)[0].summary}`;
}

async function until(check: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await sleep(20);
  }
}

describe('the graphql-ws snippet in README.md', () => {
  it('prints the calls and e-mails as they are recorded, and after a restart resumes with what it missed', async () => {
    const maya = await createCustomer(server, { displayName: 'Maya Okafor' });
    const first = runSnippet(maya.id);
    await untilSubscribed(server, 1);
    const printed = [await record('call', maya.id), await record('purchase', maya.id), await record('email', maya.id)];
    const expected = [printed[0], printed[2]];
    await until(() => first.lines.length >= 2, () => JSON.stringify(first.lines));

    // Killed, then events arrive, then it starts again from its cursor file.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await until(() => server.realtime.subscriberCount === 0, () => 'the killed snippet is still subscribed');
    const missed = [await record('email', maya.id), await record('purchase', maya.id), await record('call', maya.id)];
    const second = runSnippet(maya.id);
    await until(() => second.lines.length >= 2, () => JSON.stringify(second.lines));
    const live = await record('call', maya.id);
    await until(() => second.lines.length >= 3, () => JSON.stringify(second.lines));
    await sleep(200);

    expect(first.lines).toEqual(expected);
    expect(second.lines).toEqual([missed[0], missed[2], live]);
    second.child.kill('SIGKILL');
  });
});
