import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { checkKey } from './session/check-key';
import { CALLBACK_PATH, finishCompanyLogin } from './session/company-login';
import { loadConsoleSettings } from './session/console-settings';
import { storedApiKey, storeApiKey, type Viewer } from './session/session';
import './styles.css';

/**
 * Before the first render: the server's settings; back from the company login, the token it gave;
 * and whether this tab's stored credential still works.
 */
async function start() {
  const settings = await loadConsoleSettings();
  let loginProblem: string | null = null;
  if (window.location.pathname === CALLBACK_PATH) {
    const callback = new URL(window.location.href);
    window.history.replaceState(null, '', '/');
    if (!settings.login) loginProblem = 'This server has no company login.';
    else {
      try {
        const token = await finishCompanyLogin(settings.login, callback);
        const outcome = await checkKey(token);
        if ('viewer' in outcome) storeApiKey(token);
        else loginProblem = `The company login's token was refused: ${outcome.refused}`;
      } catch (error) {
        loginProblem = error instanceof Error ? error.message : String(error);
      }
    }
  }
  const key = storedApiKey();
  let viewer: Viewer | null = null;
  if (key) {
    const outcome = await checkKey(key);
    if ('viewer' in outcome) viewer = outcome.viewer;
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App settings={settings} restoredViewer={viewer} signInProblem={loginProblem} />
    </StrictMode>,
  );
}

void start();
