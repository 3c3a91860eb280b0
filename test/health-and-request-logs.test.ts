import pino from 'pino';
import { Writable } from 'node:stream';
import { unique } from './support/factories';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  server = await startTestServer({}, pino({ level: 'info' }, sink));
});
afterAll(() => server.stop());

describe('operations endpoints and logs', () => {
  it('answers /healthz and /readyz while the database is reachable', async () => {
    const health = await fetch(`${server.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', changeFeed: 'listening' });
  });

  it('writes one line per request with its duration, and no identifiers or message bodies', async () => {
    const email = `${unique('secret')}@example.com`;
    lines.length = 0;
    const response = await server.graphql(
      `mutation Record($input: RecordEmailInput!) { recordEmail(input: $input) { created } }`,
      { input: { identifier: { kind: 'EMAIL', value: email }, occurredAt: '2026-01-01T00:00:00Z', fromAddress: email, toAddresses: ['help@example.net'], bodyText: 'my card number is 4111' } },
    );
    expect(response.data.recordEmail.created).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const requestLines = lines.filter((l) => l.msg === 'graphql request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ operation: 'mutation', operationName: 'Record', errors: 0 });
    expect(requestLines[0].durationMs).toEqual(expect.any(Number));
    expect(requestLines[0].sqlStatements).toBeGreaterThan(0);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(email);
    expect(everything).not.toContain('4111');
  });

  it('marks every GraphQL answer as not cacheable', async () => {
    for (const query of ['{ __typename }', '{ nonsense }']) {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` }, body: JSON.stringify({ query }) });
      await response.json();
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('serves GraphiQL from its own assets to browsers', async () => {
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('graphiql');
    for (const src of html.match(/\/graphiql\/[a-z-]+\.(js|css)/g) ?? []) {
      const asset = await fetch(`${server.origin}${src}`);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i);
  });
});
