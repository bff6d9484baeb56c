// Builds another commit of this repository into a temporary git worktree (its dist/), so a benchmark can time that
// build and this one in the same run. The commit comes from UKPORT_BENCH_BASE (a ref) or the file named by the caller.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const git = (...args) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });

/** The baseline ref: UKPORT_BENCH_BASE, else the first word of FILE (a commit recorded in the repository). */
export function baselineRef(file) {
  if (process.env.UKPORT_BENCH_BASE) return process.env.UKPORT_BENCH_BASE;
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/)[0] : undefined;
}

/** Checks REF out into a temporary worktree and builds it; returns its CLI and a clean-up, or why it could not. */
export function buildBaseline(ref) {
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  if (commit.status !== 0) return { error: `baseline ${ref} is not a commit of this clone` };
  const dir = join(mkdtempSync(join(tmpdir(), 'ukport-bench-base-')), 'tree');
  const add = git('worktree', 'add', '--detach', dir, commit.stdout.trim());
  if (add.status !== 0) return { error: `git worktree add failed: ${add.stderr.trim()}` };
  const cleanup = () => { git('worktree', 'remove', '--force', dir); rmSync(dirname(dir), { recursive: true, force: true }); };
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.build.json')], { encoding: 'utf8' });
  if (tsc.status !== 0) { cleanup(); return { error: `baseline build failed: ${(tsc.stdout + tsc.stderr).split('\n')[0]}` }; }
  return { cli: join(dir, 'dist', 'cli.js'), commit: commit.stdout.trim().slice(0, 10), cleanup };
}
