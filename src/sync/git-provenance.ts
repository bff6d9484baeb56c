import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Provenance } from '../model/coverage.js';
import { TOOL_VERSION } from '../version.js';

/** Commit and nearest tag of a checkout, when it is a git work tree. */
export interface GitInfo {
  commit: string;
  tag: string;
  remote?: string;
}

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Reads HEAD's sha and `git describe --tags` of DIR; undefined when DIR is not a git checkout. */
export function readGitInfo(dir: string, preferTag?: string): GitInfo | undefined {
  // only the root of a checkout counts: a fixture directory inside another repo has no commit of its own
  if (!existsSync(join(dir, '.git'))) return undefined;
  const commit = git(dir, ['rev-parse', 'HEAD']);
  if (!commit) return undefined;
  // several tags can name one commit (lib-lwip RELEASE-0.8.0 = RELEASE-0.9.0): keep the one asked for
  const pointing = (git(dir, ['tag', '--points-at', 'HEAD']) ?? '').split('\n').filter(Boolean);
  const tag = (preferTag && pointing.includes(preferTag) ? preferTag : undefined)
    ?? git(dir, ['describe', '--tags', '--exact-match', 'HEAD']) ?? git(dir, ['describe', '--tags', 'HEAD']) ?? commit.slice(0, 12);
  return { commit, tag };
}

/** Provenance for a table generated now from DIR; explicit repo/tag/commit override what git says. */
export function makeProvenance(
  dir: string,
  repo: string,
  over: { tag?: string; commit?: string; date?: string } = {},
  generator = 'tables sync',
): Provenance {
  const info = readGitInfo(dir);
  return {
    repo,
    tag: over.tag ?? info?.tag ?? 'unknown',
    commit: over.commit ?? info?.commit ?? 'unknown',
    generator: `ukport ${TOOL_VERSION} ${generator}`,
    date: over.date ?? new Date().toISOString().slice(0, 10),
  };
}
