import type { Client } from '@urql/core';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { createApiClient } from '../api/client';

const KEY_ITEM = 'customer-timeline.api-key';

/** Who signed in: what `viewer` says of the credential. */
export interface Viewer {
  name: string;
  role: string | null;
  scopes: readonly string[];
}

interface Session {
  apiKey: string;
  viewer: Viewer;
  client: Client;
  signOut(reason?: string): void;
}

interface SessionState {
  session: Session | null;
  /** Why the tab was signed out, shown on the sign-in page. */
  signedOutBecause: string | null;
  signIn(apiKey: string, viewer: Viewer): void;
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * The tab's credential. It lives in sessionStorage only: closing the tab forgets it, and no other
 * tab or later visit sees it. The viewer is asked again whenever the tab is reloaded.
 */
export function SessionProvider({ children, restoredViewer, signInProblem }: { children: ReactNode; restoredViewer: Viewer | null; signInProblem: string | null }) {
  const [state, setState] = useState<{ apiKey: string; viewer: Viewer } | null>(() => {
    const apiKey = sessionStorage.getItem(KEY_ITEM);
    return apiKey && restoredViewer ? { apiKey, viewer: restoredViewer } : null;
  });
  const [signedOutBecause, setSignedOutBecause] = useState<string | null>(signInProblem);

  const signOut = useCallback((reason?: string) => {
    sessionStorage.removeItem(KEY_ITEM);
    setState(null);
    setSignedOutBecause(reason ?? null);
  }, []);
  const signIn = useCallback((apiKey: string, viewer: Viewer) => {
    sessionStorage.setItem(KEY_ITEM, apiKey);
    setSignedOutBecause(null);
    setState({ apiKey, viewer });
  }, []);

  const session = useMemo<Session | null>(() => {
    if (!state) return null;
    const client = createApiClient(state.apiKey, (message) => signOut(`Signed out: ${message}`));
    return { ...state, client, signOut };
  }, [state, signOut]);

  const value = useMemo(() => ({ session, signedOutBecause, signIn }), [session, signedOutBecause, signIn]);
  return (
    <SessionContext.Provider value={value}>
      {session ? <Provider value={session.client}>{children}</Provider> : children}
    </SessionContext.Provider>
  );
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in session; only under a page shown when signed in. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return session;
}

export function storedApiKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

/** Keeps a credential for this tab (an API key, or a company-login token) before the console renders. */
export function storeApiKey(credential: string): void {
  sessionStorage.setItem(KEY_ITEM, credential);
}

export function hasScope(viewer: Viewer, scope: string): boolean {
  return viewer.scopes.includes(scope);
}
