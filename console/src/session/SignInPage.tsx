import { useId, useState, type FormEvent } from 'react';
import { checkKey } from './check-key';
import { startCompanyLogin } from './company-login';
import type { ConsoleSettings } from './console-settings';
import { useSessionState } from './session';

/** Sign-in with an API key (and, on the embedded demo, the demo AGENT key in one click). */
export function SignInPage({ settings }: { settings: ConsoleSettings }) {
  const { signIn, signedOutBecause } = useSessionState();
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<string | null>(signedOutBecause);
  const [busy, setBusy] = useState(false);
  const keyId = useId();
  const problemId = useId();

  async function tryKey(candidate: string) {
    setBusy(true);
    setProblem(null);
    const outcome = await checkKey(candidate.trim());
    setBusy(false);
    if ('refused' in outcome) setProblem(`This key was refused: ${outcome.refused}`);
    else signIn(candidate.trim(), outcome.viewer);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!apiKey.trim()) {
      setProblem('Enter an API key.');
      return;
    }
    void tryKey(apiKey);
  }

  return (
    <main className="sign-in">
      <h1>Customer Timeline</h1>
      <p>Every call, e-mail, message, order, survey and review of a customer, in one history.</p>
      <form onSubmit={submit} aria-describedby={problem ? problemId : undefined}>
        <label htmlFor={keyId}>API key</label>
        <input
          id={keyId}
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {settings.login && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              startCompanyLogin(settings.login!).catch((error: unknown) => {
                setBusy(false);
                setProblem(`The company login cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
              });
            }}
          >
            Sign in with your company login
          </button>
        )}
        {settings.demoAgentKey && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void tryKey(settings.demoAgentKey!)}>
            Sign in as the demo agent
          </button>
        )}
        {problem && (
          <p id={problemId} role="alert" className="error">
            {problem}
          </p>
        )}
      </form>
      <p className="hint">The key is kept in this tab only and forgotten when it closes.</p>
    </main>
  );
}
