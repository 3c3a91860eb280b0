import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Cleanup } from './cleanup';

const run = promisify(execFile);

/** What issue 12's figures are measured against (BENCH_BASELINE): the last commit before its work, that of issue 11. */
export const BASELINE_COMMIT = process.env.BENCH_BASELINE ?? '476a055ccbf030e6e92cd8a03e578414963772db';
const ROOT = path.join(__dirname, '..', '..');

/**
 * An older commit of this repository, checked out in a temporary git worktree and built there
 * with its own build script, to be run beside this build in the same benchmark run: "3× the
 * baseline" means on the same machine at the same moment. The worktree borrows this checkout's
 * node_modules (the dependencies must not have changed since), and is removed when the section ends.
 * Answers the worktree's folder, or null (with the reason printed) when git or the commit is missing.
 */
export async function buildBaseline(commit: string, cleanup: Cleanup): Promise<string | null> {
  try {
    await run('git', ['-C', ROOT, 'cat-file', '-e', `${commit}^{commit}`]);
  } catch {
    console.log(`baseline    commit ${commit} is not in this checkout (a shallow clone?): measured without it`);
    return null;
  }
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'customer-timeline-baseline-'));
  await run('git', ['-C', ROOT, 'worktree', 'add', '--detach', folder, commit]);
  cleanup.add('remove the baseline worktree', async () => {
    await run('git', ['-C', ROOT, 'worktree', 'remove', '--force', folder]);
  });
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(folder, 'node_modules'));
  const started = performance.now();
  await run(process.execPath, [path.join(folder, 'scripts', 'build.mjs')], { cwd: folder });
  console.log(`baseline    commit ${commit.slice(0, 12)} built in a worktree in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return folder;
}
