import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The agent console, built into dist/console, which the server serves at `/`. JSX is compiled by
 * Vite's own transform (tsconfig's "jsx": "react-jsx"). `npx vite console` serves it with live
 * reload against a server on :4000.
 */
export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  build: { outDir: path.join(here, '..', 'dist', 'console'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true }, '/console-settings.json': 'http://127.0.0.1:4000' } },
});
