import express from 'express';
import fs from 'node:fs';
import path from 'node:path';

/** Where `npm run build` puts the agent console (Vite's output of console/): dist/console, whether this runs from dist/ or, in tests, from src/. */
const above = path.resolve(__dirname, '..', '..');
export const CONSOLE_DIRECTORY = path.basename(above) === 'dist' ? path.join(above, 'console') : path.join(above, 'dist', 'console');

/** Paths the console never answers: the API and the operational endpoints keep their own (JSON) answers. */
const NOT_CONSOLE = /^\/(graphql|graphiql|healthz|readyz)(\/|$)/;

/** The company login the console offers: an OpenID Connect issuer and the console's public client there. */
export interface CompanyLogin {
  issuer: string;
  clientId: string;
  scope: string;
  /** Asked for as `audience`, for issuers that mint access tokens per API (the tokens this server accepts). */
  audience: string;
}

/**
 * Nothing the console runs or loads comes from another origin: scripts and styles from this
 * server, connections to /graphql over HTTP and WebSocket, and, with a company login, to its
 * issuer (discovery and the token endpoint).
 */
function securityHeaders(login: CompanyLogin | null, host: string | undefined): Record<string, string> {
  // WebSockets to this host only ('self' covers them in current browsers; named for older ones).
  const sockets = host && /^[\w.:[\]-]+$/.test(host) ? [`ws://${host}`, `wss://${host}`] : [];
  const connect = ["'self'", ...sockets, ...(login ? [new URL(login.issuer).origin] : [])].join(' ');
  return {
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ${connect}; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * The agent console: its static files, its settings and, for every other page address a browser
 * asks for (`/customers/...`, `/metrics`, `/login/callback`), its index page, so links and reloads work.
 * `demoAgentKeyFor` gives the embedded demo's AGENT key to browsers on this machine, null to others.
 */
export function consolePages(options: { demoAgentKeyFor: (req: express.Request) => string | null; login: CompanyLogin | null; directory?: string }): express.Router {
  const { demoAgentKeyFor, login, directory = CONSOLE_DIRECTORY } = options;
  const router = express.Router();
  const index = path.join(directory, 'index.html');
  router.get('/console-settings.json', (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ demoAgentKey: demoAgentKeyFor(req), login });
  });
  // File names under assets/ carry their content hash: they never change, so browsers keep them.
  router.use('/assets', express.static(path.join(directory, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  router.get(/.*/, (req, res, next) => {
    // Only a browser asking for a page (Accept names text/html) gets it; other clients keep the JSON 404.
    if (NOT_CONSOLE.test(req.path) || !req.headers.accept?.includes('text/html')) return next();
    res.set(securityHeaders(login, req.headers.host)).setHeader('cache-control', 'no-cache');
    if (!fs.existsSync(index)) {
      return void res.status(503).type('html').send('<!doctype html><title>Customer Timeline</title><p>The agent console is not built: run <code>npm run build</code>. The API is at <a href="/graphql">/graphql</a>.</p>');
    }
    res.sendFile(index);
  });
  return router;
}
