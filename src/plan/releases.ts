import type { Arch, SyscallCoverage, UnikraftTable } from '../model/index.js';
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

/** Shim name of an architecture in SyscallCoverage.nr. */
export function shimArch(arch: Arch): 'x86_64' | 'arm64' {
  return arch === 'aarch64' ? 'arm64' : 'x86_64';
}

/** Libraries providing NAME on ARCH in TABLE (primary first) and the Kconfig symbol each declares it under. */
export function providersOf(table: UnikraftTable, name: string, arch: Arch, options: { apps?: boolean } = {}): { coverage?: SyscallCoverage; providers: string[]; kconfigOf: Map<string, string> } {
  const cov = table.syscalls[name];
  const kconfigOf = new Map<string, string>();
  if (!cov || cov.status === 'missing' || !cov.library) return { coverage: cov, providers: [], kconfigOf };
  // the shim numbers syscalls per arch: no number on this arch means the syscall does not exist there (arm64 has no `open`)
  if (Object.keys(cov.nr).length > 0 && cov.nr[shimArch(arch)] === undefined) return { coverage: cov, providers: [], kconfigOf };
  for (const p of [{ library: cov.library, kconfig: cov.kconfig ?? '' }, ...(cov.alternatives ?? [])]) {
    // an app (app-elfloader) serves syscalls only when it is the application: binary-compat mode
    if (p.library.startsWith('app-') && !options.apps) continue;
    if (!kconfigOf.has(p.library)) kconfigOf.set(p.library, p.kconfig);
  }
  return { coverage: cov, providers: [...kconfigOf.keys()], kconfigOf };
}
