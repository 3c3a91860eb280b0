import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..');
const build = () => execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });

describe('npm run build (which npm start runs first)', () => {
  it('compiles nothing when nothing changed since the last build', () => {
    build();
    expect(build()).toMatch(/^build: 0 of \d+ files compiled/);
  });
});
