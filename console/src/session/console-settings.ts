/** An OpenID Connect issuer and the console's public client there (CONSOLE_OIDC_CLIENT_ID). */
export interface CompanyLogin {
  issuer: string;
  clientId: string;
  scope: string;
  audience: string;
}

/** What the server tells the console before sign-in (GET /console-settings.json). */
export interface ConsoleSettings {
  /** The embedded demo's AGENT key, for the one-click "demo agent"; null on any other database. */
  demoAgentKey: string | null;
  /** The company login, when the server is configured with one. */
  login: CompanyLogin | null;
}

export async function loadConsoleSettings(): Promise<ConsoleSettings> {
  try {
    const response = await fetch('/console-settings.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return { demoAgentKey: null, login: null };
    const settings = (await response.json()) as Partial<ConsoleSettings>;
    return { demoAgentKey: settings.demoAgentKey ?? null, login: settings.login ?? null };
  } catch {
    return { demoAgentKey: null, login: null };
  }
}
