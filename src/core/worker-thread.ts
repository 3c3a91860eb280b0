import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from './paths';

/**
 * Starts `file` (a module's absolute path) on a worker thread. Built code (dist/, `npm start`)
 * runs as it is. Source code, as the tests run it, is compiled on the thread as it is required,
 * with the project's .swcrc, as the build and the tests compile it.
 */
export function startWorkerThread(file: string, workerData: unknown): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, { workerData });
  const swcrc = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, '.swcrc'), 'utf8')) as Record<string, unknown>;
  const bootstrap = `
    const fs = require('node:fs');
    const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core', { paths: [PROJECT_ROOT] }))});
    const options = ${JSON.stringify({ ...swcrc, swcrc: false })};
    require.extensions['.ts'] = (module, filename) => module._compile(transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
    require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}
