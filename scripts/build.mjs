// `npm run build`: compiles src/, migrations/ and bench/ into dist/ with swc (the .swcrc the
// tests use too), and only the files that changed since their last build, so a second
// `npm start` starts at once. Outputs whose source is gone are removed. Then the agent console
// (console/) is built into dist/console with Vite, when anything it is built from changed.
// Type checking is `npm run typecheck`, which `npm test` and CI run.
import { transformFile } from '@swc/core';
import fs from 'node:fs/promises';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const FOLDERS = ['src', 'migrations', 'bench'];
const OUT = path.join(root, 'dist');
const options = JSON.parse(await fs.readFile(path.join(root, '.swcrc'), 'utf8'));

async function sources(folder) {
  const entries = await fs.readdir(path.join(root, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)));
}

async function modified(file) {
  return fs.stat(file).then(
    (stat) => stat.mtimeMs,
    () => -1,
  );
}

const started = performance.now();
const all = (await Promise.all(FOLDERS.map(sources))).flat();
const outputs = new Set(all.map((file) => path.join(OUT, file.replace(/\.ts$/, '.js'))));
let built = 0;
await Promise.all(
  all.map(async (file) => {
    const source = path.join(root, file);
    const output = path.join(OUT, file.replace(/\.ts$/, '.js'));
    if ((await modified(output)) >= (await modified(source))) return;
    const { code } = await transformFile(source, { ...options, swcrc: false, filename: source });
    await fs.mkdir(path.dirname(output), { recursive: true });
    await fs.writeFile(output, code);
    built++;
  }),
);

// Files built from sources since renamed or deleted would otherwise linger and be run by mistake.
let removed = 0;
for (const folder of FOLDERS) {
  const entries = await fs.readdir(path.join(OUT, folder), { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isFile() && file.endsWith('.js') && !outputs.has(file)) {
      await fs.rm(file);
      removed++;
    }
  }
}
const elapsed = Math.round(performance.now() - started);
console.error(`build: ${built} of ${all.length} files compiled${removed ? `, ${removed} stale removed` : ''} in ${elapsed} ms`);

// The console: built again only when a file under console/ or the installed packages are newer than its last build.
const consoleStarted = performance.now();
const consoleInputs = (await fs.readdir(path.join(root, 'console'), { withFileTypes: true, recursive: true }))
  .filter((entry) => entry.isFile())
  .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
  .concat(path.join(root, 'package-lock.json'));
const newestInput = Math.max(...(await Promise.all(consoleInputs.map(modified))));
const consoleIndex = path.join(OUT, 'console', 'index.html');
if ((await modified(consoleIndex)) < newestInput) {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'console', 'vite.config.mjs'), logLevel: 'warn' });
  console.error(`build: agent console built in ${Math.round(performance.now() - consoleStarted)} ms`);
}
