/** What the server tells the console before sign-in (GET /console-settings.json). */
export interface ConsoleSettings {
  /** The embedded demo's AGENT key, for the one-click "demo agent"; null on any other database. */
  demoAgentKey: string | null;
}

export async function loadConsoleSettings(): Promise<ConsoleSettings> {
  try {
    const response = await fetch('/console-settings.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return { demoAgentKey: null };
    return (await response.json()) as ConsoleSettings;
  } catch {
    return { demoAgentKey: null };
  }
}
