import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_REQUEST_BYTES: '4096', MAX_RESPONSE_BYTES: '2048' });
});
afterAll(() => server.stop());

/** The answer as a client sees it: status, content type, and the parsed JSON (or the raw text). */
async function send(path: string, init: RequestInit = {}): Promise<{ status: number; type: string; text: string; json: any }> {
  const response = await fetch(`${server.origin}${path}`, { ...init, headers: { authorization: `Bearer ${server.adminKey}`, ...(init.headers as Record<string, string>) } });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, json };
}

/** GraphQL-shaped JSON with a code, and nothing of the server's insides. */
function expectGraphqlError(answer: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/^application\/(graphql-response\+)?json/);
  expect(answer.json?.errors?.[0]?.extensions?.code).toBe(code);
  expect(answer.text).not.toMatch(/<html|<pre|\bat \w+ \(|node_modules|\/src\/|stacktrace/i);
}

describe('HTTP errors', () => {
  it('a body that is not JSON', async () => {
    const answer = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
    expectGraphqlError(answer, 400, 'BAD_USER_INPUT');
    expect(answer.json.errors[0].extensions.reason).toBe('MALFORMED_JSON');
  });

  it('a body over MAX_REQUEST_BYTES', async () => {
    const answer = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(5000) } }) });
    expectGraphqlError(answer, 413, 'BAD_USER_INPUT');
    expect(answer.json.errors[0].extensions.reason).toBe('BODY_TOO_LARGE');
  });

  it('a body of another content type, an empty body, a GET without a query', async () => {
    expectGraphqlError(await send('/graphql', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ __typename }' }), 400, 'BAD_USER_INPUT');
    expectGraphqlError(await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }), 400, 'BAD_USER_INPUT');
    expectGraphqlError(await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1, 2]' }), 400, 'BAD_USER_INPUT');
    expectGraphqlError(await send('/graphql', { method: 'GET', headers: { accept: 'application/json' } }), 400, 'BAD_USER_INPUT');
  });

  it('an unknown path or method', async () => {
    expectGraphqlError(await send('/nothing-here'), 404, 'NOT_FOUND');
    expectGraphqlError(await send('/healthz', { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it('a query whose answer is over MAX_RESPONSE_BYTES', async () => {
    const fields = Array.from({ length: 25 }, (_, i) => `a${i}: __schema { types { name } }`).join(' ');
    const answer = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ ${fields} }` }) });
    expectGraphqlError(answer, 400, 'BAD_USER_INPUT');
    expect(answer.json.errors[0].extensions).toMatchObject({ reason: 'MAX_RESPONSE_SIZE', limit: 2048 });
  });

  // POST /graphql skips Express; other spellings of the path still go through its router.
  it('POST /graphql and the spellings Express routes (/graphql/, /GraphQL) answer alike', async () => {
    for (const path of ['/graphql', '/graphql/', '/GraphQL']) {
      const ok = await send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect([path, ok.status, ok.json?.data]).toEqual([path, 200, { __typename: 'Query' }]);
      expect(ok.type).toMatch(/^application\/(graphql-response\+)?json/);
      const malformed = await send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
      expectGraphqlError(malformed, 400, 'BAD_USER_INPUT');
      expect(malformed.json.errors[0].extensions.reason).toBe('MALFORMED_JSON');
      const anonymous = await fetch(`${server.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect([path, anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([path, 401, 'Bearer realm="customer-timeline"']);
      expect(((await anonymous.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});
