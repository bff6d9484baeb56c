import type { Arch, Plan, UnikraftTable } from '../model/index.js';
import type { Needs } from './needs.js';
import { compareReleases, providersOf } from './releases.js';

/** Needed syscalls each shipped release covers, oldest first, with what each newer release adds. */
export function releaseCoverage(tables: UnikraftTable[], needs: Needs, arch: Arch): Plan['releases'] {
  const names = [...needs.syscalls.keys()].sort();
  let prev = new Set<string>();
  return [...tables].sort((a, b) => compareReleases(a.release, b.release)).map((t, i) => {
    const covered = new Set(names.filter((n) => providersOf(t, n, arch).providers.length > 0));
    const adds = i === 0 ? [] : [...covered].filter((n) => !prev.has(n));
    const drops = [...prev].filter((n) => !covered.has(n));
    prev = covered;
    return { release: t.release, covered: covered.size, total: names.length, adds, ...(drops.length ? { drops } : {}), missing: names.filter((n) => !covered.has(n)) };
  });
}
