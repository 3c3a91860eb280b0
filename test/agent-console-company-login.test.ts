import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { startTestIssuer, type TestIssuer } from './support/test-issuer';
import { startTestServer, type TestServer } from './support/test-server';

const CLIENT_ID = 'timeline-console';
const AUDIENCE = 'customer-timeline';

let issuer: TestIssuer;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  issuer = await startTestIssuer({ clientId: CLIENT_ID, audience: AUDIENCE });
  server = await startTestServer({ AUTH_JWT_ISSUER: issuer.issuer, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_JWKS_URL: issuer.jwksUrl, CONSOLE_OIDC_CLIENT_ID: CLIENT_ID });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await issuer?.stop();
});

async function tab(): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors, close: () => context.close() };
}

describe("the console's company login", () => {
  it("is the one other origin the console's Content-Security-Policy lets it connect to", async () => {
    const page = await fetch(server.origin, { headers: { accept: 'text/html' } });
    const host = new URL(server.origin).host;
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://${host} wss://${host} ${new URL(issuer.issuer).origin};`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'; script-src 'self';");
  });

  it('signs an agent in through the OpenID Connect issuer (code with PKCE) and calls the API with the token it gave', async () => {
    issuer.next = { subject: 'priya-1', name: 'priya@shop.example', role: 'AGENT' };
    const { page, errors, close } = await tab();
    await page.goto(server.origin);
    await page.getByRole('button', { name: 'Sign in with your company login' }).click();
    await page.getByRole('combobox', { name: 'Search customers' }).waitFor();
    await page.getByRole('banner').getByText('priya@shop.example').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const asked = issuer.authorizations.at(-1)!;
    expect(Object.fromEntries(asked)).toMatchObject({ client_id: CLIENT_ID, response_type: 'code', code_challenge_method: 'S256', audience: AUDIENCE, redirect_uri: `${server.origin}/login/callback` });
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // What the tab keeps is the token, in this tab's session only; the PKCE verifier is gone.
    const kept = (await page.evaluate('Object.entries(sessionStorage)')) as [string, string][];
    expect(kept.map(([name]) => name)).toEqual(['customer-timeline.api-key']);
    expect(kept[0][1].split('.')).toHaveLength(3);
    expect(errors).toEqual([]);
    await close();
  }, 30_000);

  it('shows why when the issuer refuses the sign-in, and stays signed out', async () => {
    issuer.next = { subject: 'sam-2', name: 'sam@shop.example', role: 'AGENT', refuse: true };
    const { page, errors, close } = await tab();
    await page.goto(server.origin);
    await page.getByRole('button', { name: 'Sign in with your company login' }).click();
    await page.getByRole('alert').getByText(/The company login refused the sign-in: The administrator has not given you access/).waitFor();
    expect(await page.getByRole('combobox', { name: 'Search customers' }).count()).toBe(0);
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  }, 30_000);

  it('refuses a token whose role the server does not know, with the reason', async () => {
    issuer.next = { subject: 'kim-3', name: 'kim@shop.example', role: 'JANITOR' };
    const { page, close } = await tab();
    await page.goto(server.origin);
    await page.getByRole('button', { name: 'Sign in with your company login' }).click();
    await page.getByRole('alert').getByText(/token was refused: it is valid for kim@shop.example but grants no role and no scope/).waitFor();
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await close();
  }, 30_000);
});
