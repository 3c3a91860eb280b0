import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { Role } from '../src/core/access-scopes';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';


let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer({ GRAPHIQL: 'true' }, undefined, { demoAgentRole: Role.AGENT });
  browser = await launchBrowser();
  await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { ${USER_ERRORS} } }`, {
    input: { displayName: 'Maya Okafor', identifiers: [{ kind: 'SOCIAL', namespace: 'instagram', value: '@maya.runs' }] },
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('GraphiQL on the embedded demo', () => {
  it('loads from this server alone, starts with the AGENT key, and runs the agent card with it', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${server.origin}/graphql`);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await result.getByText('Maya Okafor').first().waitFor({ timeout: 15_000 });
    // The agent sees the handle in clear: the request went with the AGENT key from the Headers tab.
    await result.getByText('maya.runs').first().waitFor();
    expect(await page.content()).toContain(server.demoAgentKey!);
    expect(requested.filter((url) => !url.startsWith(server.origin))).toEqual([]);
    // Nothing missing either, not even a favicon the page never asked for.
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('on a server without demo keys, starts with a placeholder: the query is refused UNAUTHENTICATED', async () => {
    const plain = await startTestServer({ GRAPHIQL: 'true' });
    try {
      const page = await browser.newPage();
      await page.goto(`${plain.origin}/graphql`);
      await page.locator('.graphiql-execute-button').click();
      await page.locator('.result-window').getByText('UNAUTHENTICATED').first().waitFor({ timeout: 15_000 });
      await page.close();
    } finally {
      await plain.stop();
    }
  }, 30_000);
});
