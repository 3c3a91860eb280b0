import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { CustomerPage } from '../customers/CustomerPage';
import type { ConsoleSettings } from '../session/console-settings';
import { hasScope, SessionProvider, useSessionState, type Viewer } from '../session/session';
import { SignInPage } from '../session/SignInPage';
import { Header } from './Header';

// The charts are most of the console's code: loaded only when a supervisor opens the metrics.
const MetricsPage = lazy(() => import('../metrics/MetricsPage').then((module) => ({ default: module.MetricsPage })));

export function App({ settings, restoredViewer, signInProblem }: { settings: ConsoleSettings; restoredViewer: Viewer | null; signInProblem: string | null }) {
  return (
    <SessionProvider restoredViewer={restoredViewer} signInProblem={signInProblem}>
      <Pages settings={settings} />
    </SessionProvider>
  );
}

function Pages({ settings }: { settings: ConsoleSettings }) {
  const { session } = useSessionState();
  if (!session) return <SignInPage settings={settings} />;
  return (
    <>
      <Header />
      <Switch>
        <Route path="/customers/:id">{(params) => <CustomerPage key={params.id} customerId={params.id} />}</Route>
        <Route path="/metrics">
          {hasScope(session.viewer, 'METRICS_READ') ? (
            <Suspense fallback={<Notice text="Loading…" />}>
              <MetricsPage />
            </Suspense>
          ) : <Notice text="Metrics need the METRICS_READ scope, which this key does not have." />}
        </Route>
        <Route>
          <Notice text="Find a customer by name, e-mail, phone, handle or order number." />
        </Route>
      </Switch>
    </>
  );
}

function Notice({ text }: { text: string }) {
  return (
    <main className="notice">
      <p>{text}</p>
    </main>
  );
}
