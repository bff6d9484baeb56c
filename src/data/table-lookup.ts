import type { ExternalLibPort, KconfigEntry, MicroLibrary, SyscallCoverage, SyscallPrior, Tables, UnikraftTable } from '../model/coverage.js';
import type { PartialUse } from '../model/report.js';
import type { Libc } from '../model/vocab.js';
import { loadLinuxSyscalls } from './linux-syscalls.js';

/** One release's answer for a syscall. */
export interface SyscallRow {
  release: string;
  coverage: SyscallCoverage | undefined;
  /** A plain C function of that name (native builds only) when the shim lacks the syscall. */
  fn?: { library: string; kconfig: string; file: string; stub?: string };
  /** The release's table is partial (built from release notes and indexed files): the basis it starts from. */
  partialBasis?: string;
}

/** Everything the tables say about one syscall name. */
export interface SyscallAnswer {
  name: string;
  /** Linux numbers, when it is a Linux syscall. */
  linux: { x86_64?: number; aarch64?: number };
  rows: SyscallRow[];
  /** First release from which every later release implements (or stubs) it. */
  since?: string;
  /** Same, counting plain C functions too (native builds). */
  sinceNative?: string;
  /** libc ports that declare a function of the same name. */
  libc: { target: Libc; version: string; built: boolean }[];
  prior?: SyscallPrior;
}

/** How a partial table's entry is known, in one line: `release note content/releases/v0.19.0.mdx:41`,
 *  `lib/posix-vfs/Makefile.uk@385b6d826789`, or `carried over from v0.18.0`; undefined for an exact table. */
export function partialSourceText(row: { coverage?: SyscallCoverage; partialBasis?: string }): string | undefined {
  if (!row.partialBasis) return undefined;
  const sources = row.coverage?.sources ?? [];
  const shown = sources.filter((s) => s.kind !== 'basis').map((s) =>
    s.kind === 'release-note' ? `${s.path}:${s.line}` : s.kind === 'indexed-file' ? `${s.repo === 'unikraft/unikraft' ? '' : `${s.repo}:`}${s.path}@${s.commit.slice(0, 12)}` : `${s.ref} tree ${s.repo.replace('https://github.com/', '')}@${s.commit.slice(0, 12)} (${s.date})`);
  return shown.length ? shown.join('; ') : `carried over from ${row.partialBasis}`;
}

/** Which of SYSCALLS rest on a partial table's evidenced entries (and how many are carried over); undefined for
 *  an exact table. */
export function partialUse(table: UnikraftTable, syscalls: Iterable<string>): PartialUse | undefined {
  const partial = table.partial;
  if (!partial) return undefined;
  const evidenced: PartialUse['evidenced'] = [];
  let carriedOver = 0;
  for (const name of [...new Set(syscalls)].sort()) {
    const coverage = table.syscalls[name];
    if (!coverage?.sources?.some((s) => s.kind !== 'basis')) carriedOver++;
    else evidenced.push({ name, status: coverage.status, source: partialSourceText({ coverage, partialBasis: partial.basis })! });
  }
  return { release: table.release, basis: partial.basis, evidenced, carriedOver };
}

/** One line saying a report rests on a partial table (every output format prints it). */
export function partialUseText(p: PartialUse): string {
  const ev = p.evidenced.map((e) => e.name);
  return `Unikraft ${p.release} is a partial table (not read from its release tree; built from ${p.basis} and release notes / indexed files): `
    + `${ev.length} of the app's syscalls rest on such entries${ev.length ? ` (${ev.slice(0, 8).join(', ')}${ev.length > 8 ? `, … ${ev.length - 8} more` : ''})` : ''}, `
    + `${p.carriedOver} on entries carried over from ${p.basis}`;
}

/** Everything the tables say about one micro-library or Kconfig symbol. */
export interface LibraryAnswer {
  name: string;
  rows: { release: string; library?: MicroLibrary; symbol?: KconfigEntry; syscalls: string[] }[];
  since?: string;
}

const isCovered = (c: SyscallCoverage | undefined): boolean => c !== undefined && c.status !== 'missing';

/** The oldest release from which every later shipped release satisfies PRED (tables sorted oldest first). */
export function sinceRelease<T>(rows: { release: string }[], covered: (row: T) => boolean): string | undefined {
  let since: string | undefined;
  for (const row of rows) {
    if (covered(row as T)) since ??= row.release;
    else since = undefined;
  }
  return since;
}

/** Per-release coverage of syscall NAME, plus Linux numbers, libc declarations and Loupe prior. */
export function lookupSyscall(tables: Tables, name: string, linuxDir?: string): SyscallAnswer | undefined {
  const rows: SyscallRow[] = tables.unikraft.map((t) => {
    const fn = t.functions?.[name];
    return { release: t.release, coverage: t.syscalls[name], ...(fn ? { fn } : {}), ...(t.partial ? { partialBasis: t.partial.basis } : {}) };
  });
  const linux: SyscallAnswer['linux'] = {};
  for (const arch of ['x86_64', 'aarch64'] as const) {
    const nr = loadLinuxSyscalls(arch, linuxDir).byName.get(name);
    if (nr !== undefined) linux[arch] = nr;
  }
  if (rows.every((r) => !r.coverage && !r.fn) && linux.x86_64 === undefined && linux.aarch64 === undefined) return undefined;
  const libc = tables.libc
    .filter((l) => l.functions.includes(name) || l.declaredNotBuilt?.includes(name))
    .map((l) => ({ target: l.target, version: l.version, built: l.functions.includes(name) }));
  const answer: SyscallAnswer = { name, linux, rows, libc };
  const since = sinceRelease<SyscallRow>(rows, (r) => isCovered(r.coverage));
  if (since) answer.since = since;
  const sinceNative = sinceRelease<SyscallRow>(rows, (r) => isCovered(r.coverage) || r.fn !== undefined);
  if (sinceNative && sinceNative !== since) answer.sinceNative = sinceNative;
  const prior = tables.priors[name];
  if (prior) answer.prior = prior;
  return answer;
}

/** Per-release view of a micro-library (by name: `posix-poll`, `lwip`) or a Kconfig symbol (`LIBPOSIX_POLL`). */
export function lookupLibrary(tables: Tables, query: string): LibraryAnswer | undefined {
  const rows: LibraryAnswer['rows'] = [];
  for (const t of tables.unikraft) {
    const library = t.libraries[query] ?? Object.values(t.libraries).find((l) => l.kconfig === query);
    const symbol = t.kconfig?.[query] ?? (library?.kconfig ? t.kconfig?.[library.kconfig] : undefined);
    // a library lists all its syscalls; a sub-option symbol only those declared under it
    const syscalls = Object.entries(t.syscalls)
      .filter(([, c]) => c.status !== 'missing' && (library ? c.library === library.name : c.kconfig === query))
      .map(([n]) => n);
    if (library || symbol) rows.push({ release: t.release, ...(library ? { library } : {}), ...(symbol ? { symbol } : {}), syscalls });
    else rows.push({ release: t.release, syscalls: [] });
  }
  if (rows.every((r) => !r.library && !r.symbol)) return undefined;
  const answer: LibraryAnswer = { name: query, rows };
  const since = sinceRelease<LibraryAnswer['rows'][number]>(rows, (r) => r.library !== undefined || r.symbol !== undefined);
  if (since) answer.since = since;
  return answer;
}

/** External-library ports whose soname pattern matches NAME (`libssl.so.3`, `libz`). */
export function lookupSoname(tables: Tables, name: string): ExternalLibPort[] {
  return tables.externalLibs.filter((p) => {
    const re = new RegExp(`^${p.sonamePattern.replace(/[.+]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(name) || p.port === name || p.port === `lib-${name}` || p.sonamePattern.split('.so')[0] === name;
  });
}

/** Whether a Linux soname (`libssl.so.3`) is ABI-compatible with the port's upstream version. */
export function isSonameCompatible(port: ExternalLibPort, soname: string): boolean {
  const suffix = /\.so\.(.+)$/.exec(soname)?.[1];
  return suffix === undefined || port.compatibleVersions.includes(suffix);
}

/** The oldest shipped release from which every later release covers all NAMES (implemented or stub). */
export function oldestReleaseCovering(tables: Tables, names: string[]): string | undefined {
  return sinceRelease<{ release: string }>(tables.unikraft, (r) => {
    const t = tables.unikraft.find((x) => x.release === r.release)!;
    return names.every((n) => isCovered(t.syscalls[n]));
  });
}
