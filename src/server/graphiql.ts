import express from 'express';
import path from 'node:path';

/**
 * GraphiQL served entirely by this server: no CDN, no bundler. The page loads the UMD builds of
 * React 18, ReactDOM 18 and GraphiQL 3 from the router returned by {@link graphiqlAssets}, which
 * server.ts mounts at {@link GRAPHIQL_ASSET_PREFIX}.
 */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql';

/** URL file name under the prefix -> [package, file inside that package]. Order is script load order. */
const ASSETS = {
  'react.js': ['react', 'umd/react.production.min.js'],
  'react-dom.js': ['react-dom', 'umd/react-dom.production.min.js'],
  'graphiql.js': ['graphiql', 'graphiql.min.js'],
  'graphiql.css': ['graphiql', 'graphiql.min.css'],
} as const satisfies Record<string, readonly [string, string]>;

const DEFAULT_QUERY = `# Agent card: profile, contact preferences, recent timeline.
query AgentCard {
  customerByIdentifier(identifier: {kind: SOCIAL, namespace: "instagram", value: "@maya.runs"}) {
    displayName
    identifiers {
      kind
      value
      namespace
    }
    preferences {
      preferredChannel
      contactHours
    }
    timeline(first: 10) {
      edges {
        node {
          __typename
          occurredAt
          summary
        }
      }
    }
  }
}
`;

/**
 * The GraphiQL HTML document; `endpoint` is the GraphQL URL (path or absolute) for HTTP and, as
 * ws(s), subscriptions. With `apiKey` (the embedded demo's AGENT key, for a browser on the same
 * machine) the Headers tab starts with it. Whatever Authorization header the tab holds is sent
 * with queries, and in `connection_init` for subscriptions.
 */
export function graphiqlPage(endpoint: string, apiKey: string | null = null): string {
  const headers = JSON.stringify({ Authorization: `Bearer ${apiKey ?? '<your API key>'}` }, null, 2);
  const settings = scriptJson({ endpoint, defaultQuery: DEFAULT_QUERY, headers });
  const asset = (name: keyof typeof ASSETS) => `${GRAPHIQL_ASSET_PREFIX}/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer timeline · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('graphiql.css')}">
<style>
  html, body { height: 100%; margin: 0; overflow: hidden; }
  #graphiql { height: 100vh; }
</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. The GraphQL endpoint is ${escapeHtml(endpoint)}.</noscript>
<script src="${asset('react.js')}"></script>
<script src="${asset('react-dom.js')}"></script>
<script src="${asset('graphiql.js')}"></script>
<script>
(function () {
  var settings = ${settings};
  var http = new URL(settings.endpoint, window.location.href);
  var ws = new URL(http.href);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  // One fetcher per credential, so subscriptions authenticate with the tab's Authorization too.
  var fetchers = {};
  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    var authorization = headers.Authorization || headers.authorization || '';
    var chosen = fetchers[authorization] || (fetchers[authorization] = GraphiQL.createFetcher({
      url: http.href, subscriptionUrl: ws.href, wsConnectionParams: { authorization: authorization }
    }));
    return chosen(params, options);
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.defaultQuery,
      defaultHeaders: settings.headers,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: true,
    })
  );
})();
</script>
</body>
</html>
`;
}

/**
 * Serves GET /react.js, /react-dom.js, /graphiql.js and /graphiql.css (relative to where it is mounted)
 * from the installed react, react-dom and graphiql packages. Paths are resolved when the router is built,
 * so a missing package fails at startup rather than on the first page load.
 */
export function graphiqlAssets(): express.Router {
  const router = express.Router();
  for (const [name, [pkg, file]] of Object.entries(ASSETS)) {
    const absolute = packageFile(pkg, file);
    router.get(`/${name}`, (_req, res, next) => {
      res.sendFile(absolute, { maxAge: '1d' }, (err) => {
        if (err && !res.headersSent) next(err);
      });
    });
  }
  return router;
}

/** The packages' `exports` maps hide their UMD files, so resolve package.json (always exported) and join. */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** JSON that is safe inside an inline <script>: no `</script>`, `<!--`, or line separators can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
