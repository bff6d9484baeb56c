import type { Arch, ExternalLibPort, Libc, LibcSummaryTable, LibcTable, Mode, Tables, UnikraftTable } from '../model/index.js';
import type { StatusQuery } from '../data/rules.js';

/** What the facts are matched against: the chosen target and the loaded coverage tables. */
export interface MatchContext {
  tables?: Tables;
  libc?: Libc;
  /** Unikraft release, e.g. `0.17.0`; the newest table when absent. */
  release?: string;
  arch?: Arch;
  mode?: Mode;
}

/** Compares dotted versions numerically (`0.9.0` < `0.16.3`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^[^\d]*/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.replace(/^[^\d]*/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The Unikraft table of the chosen release, or the newest one. */
const chosen = new WeakMap<Tables, Map<string, UnikraftTable | undefined>>();

export function releaseTable(ctx: MatchContext): UnikraftTable | undefined {
  if (!ctx.tables) return undefined;
  // called per fact and leaf: remember the answer per tables object and release
  let m = chosen.get(ctx.tables);
  if (!m) { m = new Map(); chosen.set(ctx.tables, m); }
  const key = ctx.release ?? '';
  if (m.has(key)) return m.get(key);
  const all = ctx.tables.unikraft;
  const r = ctx.release;
  const t = r ? all.find((x) => x.release === r || x.release === `v${r}` || x.release === `RELEASE-${r}` || `RELEASE-${x.release}` === r)
    : [...all].sort((a, b) => compareVersions(b.release, a.release))[0];
  m.set(key, t);
  return t;
}

/** Status of SYSCALL in the chosen release and the library providing it. */
export function syscallStatus(ctx: MatchContext, name: string): { status: StatusQuery; library?: string } {
  const t = releaseTable(ctx);
  if (!t) return { status: 'unknown' };
  const c = t.syscalls[name];
  if (!c) return { status: 'missing' };
  return { status: c.status, ...(c.library ? { library: c.library } : {}) };
}

/** The chosen libc's table (newest version), when a libc is chosen and its table is loaded. */
export function libcTable(ctx: MatchContext): LibcTable | undefined {
  if (!ctx.libc) return undefined;
  return (ctx.tables?.libc ?? []).filter((t) => t.target === ctx.libc).sort((a, b) => compareVersions(b.version, a.version))[0];
}

const summaryObjects = new WeakMap<LibcSummaryTable, Set<string>>();

// every C library has these (an object in musl and glibc, a macro over the reentrancy struct in newlib)
const C_STANDARD_STREAMS = new Set(['stdin', 'stdout', 'stderr']);

/**
 * Whether the chosen libc has the data object NAME an app imports (stdout, optarg, environ): the C streams always,
 * else what the libc's summary of ctx.arch lists as exported objects; false without such a list.
 */
export function libcHasObject(ctx: MatchContext, name: string): boolean {
  if (C_STANDARD_STREAMS.has(name)) return true;
  const summary = (ctx.tables?.libcSummaries ?? []).find((s) => s.libc === ctx.libc && s.arch === (ctx.arch ?? 'x86_64'));
  if (!summary?.objects) return false;
  let objects = summaryObjects.get(summary);
  if (!objects) summaryObjects.set(summary, (objects = new Set(summary.objects)));
  return objects.has(name);
}

const libcSets = new WeakMap<LibcTable, { functions: Set<string>; headers: Set<string> }>();

/** Function and header sets of a libc table, built once per table. */
export function libcSetsOf(t: LibcTable): { functions: Set<string>; headers: Set<string> } {
  let s = libcSets.get(t);
  // the port's glue code defines public functions too; port-only headers count as present
  if (!s) { s = { functions: new Set([...t.functions, ...(t.glue ?? [])]), headers: new Set([...t.headers, ...(t.portHeaders ?? [])]) }; libcSets.set(t, s); }
  return s;
}

/** A soname glob from external-libs (`libssl.so*`, `libc++.so*`): only `*` is special. */
const sonameRegexes = new Map<string, RegExp>();
function sonameRegex(pattern: string): RegExp {
  let re = sonameRegexes.get(pattern);
  if (!re) { re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`); sonameRegexes.set(pattern, re); }
  return re;
}

// asked per library fact and rule: remembered per table list and soname
const ports = new WeakMap<readonly ExternalLibPort[], Map<string, ExternalLibPort | undefined>>();

/** The Unikraft port of a Linux shared library, by soname. */
export function portFor(ctx: MatchContext, soname: string): ExternalLibPort | undefined {
  const libs = ctx.tables?.externalLibs;
  if (!libs) return undefined;
  let m = ports.get(libs);
  if (!m) { m = new Map(); ports.set(libs, m); }
  if (!m.has(soname)) m.set(soname, libs.find((p) => sonameRegex(p.sonamePattern).test(soname)));
  return m.get(soname);
}

/** The port is ABI-compatible with the soname's version (`1.1` matches `1.1` and `1.1.1`). */
export function portCompatible(port: ExternalLibPort, version: string | undefined): boolean {
  if (version === undefined) return true;
  return port.compatibleVersions.some((v) => version === v || version.startsWith(`${v}.`));
}

/** Parses `>=1.1 <3` into a predicate over versions. */
export function versionRange(range: string): (v: string) => boolean {
  const parts = [...range.matchAll(/(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)*)/g)].map((m) => ({ op: m[1] ?? '=', v: m[2]! }));
  return (v) => parts.every(({ op, v: w }) => {
    const d = compareVersions(v, w);
    // `=1.1` also covers 1.1.x
    if (op === '=') return d === 0 || v.startsWith(`${w}.`);
    return op === '>=' ? d >= 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d < 0;
  });
}
