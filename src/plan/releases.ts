import type { UnikraftTable } from '../model/index.js';
import { UkportError } from '../errors.js';

/** Numeric parts of a release name (`v0.17.0`, `RELEASE-0.17.0`, `0.17`), for ordering. */
function versionParts(release: string): number[] {
  return (release.match(/\d+/g) ?? []).map(Number);
}

/** A tagged release (`v0.17.0`, `0.16`), not a snapshot such as `staging` or a git-describe name. */
export function isTaggedRelease(name: string): boolean {
  return /^v?\d+(\.\d+)*$/.test(name);
}

/** Orders releases oldest first; snapshots (not tagged releases) after every tagged one. */
export function compareReleases(a: string, b: string): number {
  const ta = isTaggedRelease(a);
  const tb = isTaggedRelease(b);
  if (ta !== tb) return ta ? -1 : 1;
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

/** The release table named RELEASE (any of `v0.17.0`, `0.17.0`, `RELEASE-0.17.0`), or the newest one. */
export function pickRelease(tables: UnikraftTable[], release?: string): UnikraftTable {
  if (tables.length === 0) throw new UkportError('bad-table', 'no Unikraft release tables in syscall-tables/ (run `ukport tables sync --unikraft DIR`)');
  const sorted = [...tables].sort((a, b) => compareReleases(a.release, b.release));
  // default: the newest tagged release; a snapshot table is used only when named
  if (!release) return [...sorted].reverse().find((t) => isTaggedRelease(t.release)) ?? sorted[sorted.length - 1]!;
  const want = versionParts(release).join('.');
  const hit = sorted.find((t) => t.release === release) ?? sorted.find((t) => isTaggedRelease(t.release) && versionParts(t.release).join('.') === want);
  if (!hit) throw new UkportError('usage', `--unikraft ${release}: no table for that release (shipped: ${sorted.map((t) => t.release).join(', ')})`);
  return hit;
}

// where a syscall is provided is the judge's question (src/match/providers.ts); re-exported for the planner
export { providersOf, shimArch } from '../match/providers.js';
