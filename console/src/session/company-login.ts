import * as oauth from 'oauth4webapi';
import type { CompanyLogin } from './console-settings';

/** Where the issuer sends the browser back; the console's public client must list it as a redirect URI. */
export const CALLBACK_PATH = '/login/callback';
const PENDING_ITEM = 'customer-timeline.login-pending';

interface Pending {
  state: string;
  codeVerifier: string;
}

/** Plain http only for an issuer on this machine (development, tests); anything else must be https. */
function requestOptions(issuer: URL) {
  const loopback = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  return loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(login: CompanyLogin) {
  const issuer = new URL(login.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, requestOptions(issuer)));
}

const redirectUri = () => new URL(CALLBACK_PATH, window.location.origin).href;

/** Sends the browser to the company login (authorization code with PKCE); it comes back to CALLBACK_PATH. */
export async function startCompanyLogin(login: CompanyLogin): Promise<void> {
  const server = await discover(login);
  if (!server.authorization_endpoint) throw new Error('The company login does not name an authorization endpoint.');
  const pending: Pending = { state: oauth.generateRandomState(), codeVerifier: oauth.generateRandomCodeVerifier() };
  sessionStorage.setItem(PENDING_ITEM, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.searchParams.set('client_id', login.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', login.scope);
  url.searchParams.set('audience', login.audience);
  url.searchParams.set('state', pending.state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  window.location.assign(url.href);
}

/**
 * Back from the company login: checks the answer against the state this tab sent, exchanges the
 * code for tokens, and answers the access token, which the API verifies like any company-login
 * token. Throws with a line for the agent when the login was refused or cannot be completed.
 */
export async function finishCompanyLogin(login: CompanyLogin, callback: URL): Promise<string> {
  const stored = sessionStorage.getItem(PENDING_ITEM);
  sessionStorage.removeItem(PENDING_ITEM);
  if (!stored) throw new Error('This sign-in was not started in this tab; sign in again.');
  const pending = JSON.parse(stored) as Pending;
  const server = await discover(login);
  const client: oauth.Client = { client_id: login.clientId };
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(server, client, callback, pending.state);
  } catch (error) {
    throw new Error(`The company login refused the sign-in: ${describe(error)}`);
  }
  const issuer = new URL(login.issuer);
  const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), parameters, redirectUri(), pending.codeVerifier, requestOptions(issuer));
  const tokens = await oauth.processAuthorizationCodeResponse(server, client, response);
  return tokens.access_token;
}

function describe(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) return error.error_description ?? error.error;
  return error instanceof Error ? error.message : String(error);
}
