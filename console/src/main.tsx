import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { checkKey } from './session/check-key';
import { loadConsoleSettings } from './session/console-settings';
import { storedApiKey, type Viewer } from './session/session';
import './styles.css';

/** Before the first render: the server's settings, and whether this tab's stored key still works. */
async function start() {
  const settings = await loadConsoleSettings();
  const key = storedApiKey();
  let viewer: Viewer | null = null;
  if (key) {
    const outcome = await checkKey(key);
    if ('viewer' in outcome) viewer = outcome.viewer;
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App settings={settings} restoredViewer={viewer} />
    </StrictMode>,
  );
}

void start();
