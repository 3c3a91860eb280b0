import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..');
// The build reports on standard error, so that a command's standard output is its own (the api-key CLI's secret).
const build = () => {
  const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  expect(run.stdout).toBe('');
  return run.stderr;
};

describe('npm run build (which npm start runs first)', () => {
  it('compiles nothing when nothing changed since the last build', () => {
    build();
    expect(build()).toMatch(/^build: 0 of \d+ files compiled/);
  });
});
