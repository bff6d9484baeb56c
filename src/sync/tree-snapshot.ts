import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UnikraftTable } from '../model/coverage.js';
import { UkportError } from '../errors.js';
import { syncUnikraft, type UnikraftSyncOptions } from './unikraft.js';

/** A Unikraft tree at a dated commit between releases, read as a table, with what it changed. */
export interface TreeSnapshot {
  repo: string;
  commit: string;
  /** Committer date of the commit (YYYY-MM-DD). */
  date: string;
  /** `staging`: the commit is upstream's own (its message carries the maintainers' `GitHub-Closes:` trailer);
   *  `branch`: a pull request's branch on top of an upstream commit. */
  ref: 'staging' | 'branch';
  table: UnikraftTable;
  /** For a branch: the upstream commit it sits on, read as a table, so that only the branch's own changes count. */
  base?: { commit: string; date: string; table: UnikraftTable };
}

function git(dir: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).trim();
  } catch {
    throw new UkportError('unsupported-input', `git ${args[0]} failed: not a git checkout with history`, dir);
  }
}

const UPSTREAM_TRAILER = /^GitHub-Closes:/m;

/** The newest ancestor of HEAD (HEAD included) that upstream's tooling applied: its message has the trailer. */
function upstreamAncestor(dir: string): { commit: string; date: string } {
  const log = git(dir, ['log', '-400', '--format=%H %cs%n%B%x00']);
  for (const entry of log.split('\0')) {
    const text = entry.trim();
    const head = /^([0-9a-f]{40}) (\d{4}-\d{2}-\d{2})/.exec(text);
    if (head && UPSTREAM_TRAILER.test(text)) return { commit: head[1]!, date: head[2]! };
  }
  throw new UkportError('unsupported-input', 'no upstream (GitHub-Closes) commit among the last 400', dir);
}

/** Reads a checkout at HEAD as a snapshot; a branch's upstream base is read from `git archive` into a temp dir. */
export async function readTreeSnapshot(dir: string, repo: string, opts: UnikraftSyncOptions = {}): Promise<TreeSnapshot> {
  const commit = git(dir, ['rev-parse', 'HEAD']);
  const date = git(dir, ['log', '-1', '--format=%cs', 'HEAD']);
  const up = upstreamAncestor(dir);
  const table = await syncUnikraft(dir, { ...opts, repo, release: `${commit.slice(0, 12)}` });
  if (up.commit === commit) return { repo, commit, date, ref: 'staging', table };
  const tmp = mkdtempSync(join(tmpdir(), 'ukport-base-'));
  try {
    execFileSync('sh', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', dir, up.commit, tmp], { stdio: 'ignore' });
    const baseTable = await syncUnikraft(tmp, { ...opts, repo, release: up.commit.slice(0, 12), provenance: { commit: up.commit, date: up.date, tag: up.commit.slice(0, 12) } });
    return { repo, commit, date, ref: 'branch', table, base: { commit: up.commit, date: up.date, table: baseTable } };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
