import type { Arch, Fact, Libc, Mode, Plan, PlannedLibrary, PlannedRole, Tables, UncoveredNeed, UnikraftTable } from '../model/index.js';
import { collectNeeds, type Needs } from './needs.js';
import { chooseLibc } from './libc-choice.js';
import { buildLibraryGraph, closeLibraries, optionLibraries, type LibraryGraph } from './library-graph.js';
import { compareReleases, pickRelease, providersOf } from './releases.js';
import { judgeStatus, judgeSyscall, type SyscallJudgement } from '../match/judge.js';
import { matchPorts } from './external-ports.js';
import { rootfsConfig } from './rootfs.js';

/** What to plan for. */
export interface PlanOptions {
  /** Unikraft release (`v0.17.0`); default: the newest shipped table. */
  release?: string;
  arch: Arch;
  /** Force the libc; the plan then lists what it leaves uncovered. */
  libc?: Libc;
  /** native (default): rebuilt on Unikraft's libc; binary-compat: the Linux ELF under app-elfloader. */
  mode?: Mode;
}

/** The documented tie-break when several micro-libraries provide one syscall. */
export const TIE_BREAK = 'a provider already in the plan wins; else the one whose select/depends closure adds the fewest libraries; else the release table\'s primary provider (declared first)';

const LIBC_SYMBOLS: Record<Libc, string> = { musl: 'LIBMUSL', newlib: 'LIBNEWLIBC' };
const LIBC_REPOS: Record<Libc, string> = { musl: 'https://github.com/unikraft/lib-musl', newlib: 'https://github.com/unikraft/lib-newlib' };
const LOADER = 'app-elfloader';
const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 };
const ROLE_ORDER: Record<PlannedRole, number> = { libc: 0, port: 1, needs: 2, dependency: 3 };

function libcLibrary(table: UnikraftTable, libc: Libc): string | undefined {
  return Object.values(table.libraries).find((l) => l.kconfig === LIBC_SYMBOLS[libc] || l.name === libc)?.name;
}

function knownSymbols(libc: Libc, arch: Arch): Map<string, boolean> {
  return new Map<string, boolean>([
    ['HAVE_LIBC', true], [LIBC_SYMBOLS[libc], true], [LIBC_SYMBOLS[libc === 'musl' ? 'newlib' : 'musl'], false],
    ['ARCH_X86_64', arch === 'x86_64'], ['ARCH_ARM_64', arch === 'aarch64'],
  ]);
}

/** Greedy provider choice by TIE_BREAK, then pruning: drop any chosen library whose needs the rest still cover. */
function chooseProviders(g: LibraryGraph, seeds: string[], wanted: [string, string[]][]): string[] {
  const chosen: string[] = [];
  let current = closeLibraries(g, seeds);
  for (const [, providers] of wanted) {
    if (providers.some((p) => current.has(p))) continue;
    let best = providers[0]!;
    let bestCost = Infinity;
    for (const p of providers) {
      const cost = closeLibraries(g, [...current.keys(), p]).size - current.size;
      if (cost < bestCost) { best = p; bestCost = cost; }
    }
    chosen.push(best);
    current = closeLibraries(g, [...seeds, ...chosen]);
  }
  for (const lib of [...chosen].reverse()) {
    const rest = chosen.filter((c) => c !== lib);
    const set = closeLibraries(g, [...seeds, ...rest]);
    if (wanted.every(([, ps]) => ps.some((p) => set.has(p)))) chosen.splice(chosen.indexOf(lib), 1);
  }
  return chosen;
}

/** Needed syscalls each shipped release covers, oldest first, with what each newer release adds. */
function releaseCoverage(tables: UnikraftTable[], needs: Needs, arch: Arch): Plan['releases'] {
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

/**
 * Native mode: the libc functions the app calls make syscalls too. With a function → syscall summary of the chosen
 * libc those are added; without one, a call to a function named like a syscall (socket, epoll_create1) counts as
 * that syscall, since musl and Unikraft's newlib glue wrap it 1:1.
 */
function addLibcSyscalls(needs: Needs, tables: Tables, table: UnikraftTable, libc: Libc, arch: Arch): void {
  const summary = tables.libcSummaries.find((s) => s.libc === libc && s.arch === arch);
  for (const f of needs.functions) {
    const made = summary ? summary.functions[f] ?? [] : table.syscalls[f] ? [f] : [];
    for (const sc of made) if (!needs.syscalls.has(sc)) needs.syscalls.set(sc, 'program');
  }
}

/** Libc functions the release's core micro-libraries define (posix-environ's getenv; posix-process' execvp as an ENOSYS stub, which links), for native builds. */
function coreFunctions(table: UnikraftTable): Map<string, { library: string; kconfig: string }> {
  return new Map(Object.entries(table.functions ?? {}).map(([n, f]) => [n, { library: f.library, kconfig: f.kconfig }]));
}

/** A syscall the judge found not simply covered, as the plan lists it. */
function uncoveredSyscall(name: string, v: SyscallJudgement, tables: Tables): UncoveredNeed {
  // the argument count comes from the newest release that declares the syscall (`name-N` in some Makefile.uk)
  const nargs = v.coverage?.nargs ?? [...tables.unikraft].sort((a, b) => compareReleases(b.release, a.release)).find((t) => t.syscalls[name]?.nargs !== undefined)?.syscalls[name]?.nargs;
  return { kind: 'syscall', name, status: v.status, severity: v.severity, reason: v.reason, ...(nargs !== undefined ? { nargs } : {}) };
}

/** Plans the port: libc, the minimal closed set of micro-libraries and ports (each with its reasons), Kconfig, and what stays uncovered. */
export function planPort(facts: Fact[], tables: Tables, options: PlanOptions): Plan {
  const mode = options.mode ?? 'native';
  const { arch } = options;
  const table = pickRelease(tables.unikraft, options.release);
  const needs = collectNeeds(facts, mode);
  const wrappedSyscalls = new Set(Object.entries(table.syscalls).filter(([, c]) => c.library && c.status !== 'missing').map(([n]) => n));
  // syscall() itself comes from lib/syscall_shim whatever the libc (lib-musl leaves its own out)
  wrappedSyscalls.add('syscall');
  const choice = chooseLibc(needs, tables.libc, { forced: options.libc, muslAvailable: !!libcLibrary(table, 'musl') || !libcLibrary(table, 'newlib'), mode, wrappedSyscalls, coreFunctions: coreFunctions(table) });
  if (mode === 'native') addLibcSyscalls(needs, tables, table, choice.libc, arch);
  const known = knownSymbols(choice.libc, arch);
  const g = buildLibraryGraph(table, known);
  const uncovered: UncoveredNeed[] = [...choice.uncovered];
  const seedReasons = new Map<string, { role: PlannedRole; because: string[]; version?: string; kconfig?: string }>();
  const seed = (lib: string, role: PlannedRole, because: string, extra: { version?: string; kconfig?: string } = {}) => {
    const s = seedReasons.get(lib) ?? { role, because: [], ...extra };
    s.because.push(because);
    seedReasons.set(lib, s);
  };

  const libcLib = libcLibrary(table, choice.libc);
  // a libc port missing from the tables (lib-musl not synced) is still planned, without its own dependencies
  seed(libcLib ?? choice.libc, 'libc', `libc:${choice.libc}`, libcLib ? {} : { kconfig: LIBC_SYMBOLS[choice.libc] });
  if (!libcLib) choice.reasons.push(`the ${table.release} tables do not include ${choice.libc}'s port: its own dependencies are not planned`);
  if (mode === 'binary-compat' && table.libraries[LOADER]) seed(LOADER, 'needs', 'mode:binary-compat');
  // functions a core micro-library defines instead of the libc port (posix-environ's getenv, vfscore's opendir)
  for (const [lib, fns] of choice.coreLibraries) if (table.libraries[lib]) for (const f of fns) seed(lib, 'needs', `function:${f}`);

  if (mode === 'native') {
    const ports = matchPorts(needs.sonames, tables.externalLibs);
    uncovered.push(...ports.uncovered);
    for (const m of ports.matches) seed(m.port.port, 'port', `soname:${m.soname}`, { version: m.port.upstreamVersion, kconfig: m.port.kconfig });
    for (const d of needs.dynamicLoading) uncovered.push({ kind: 'dynamic-linking', name: 'dlopen', status: 'missing-required', severity: 'error', reason: `${d}: a native Unikraft image is one static binary; link the plugins in and look them up statically` });
    const shared = [...needs.sonames.keys()].filter((n) => !ports.matches.some((m) => m.soname === n) && !ports.uncovered.some((u) => u.name === n)).sort();
    if (needs.dynamic) uncovered.push({ kind: 'dynamic-linking', name: 'shared libraries', status: 'covered', severity: 'note', reason: `the Linux build is dynamically linked; a native Unikraft image links everything statically (ports above, unported libraries below${shared.length ? `; ${shared.join(', ')} come with the libc` : ''})` });
  } else if (needs.dynamicLoading.length) {
    uncovered.push({ kind: 'dynamic-linking', name: 'dlopen', status: 'unknown', severity: 'warning', reason: `the app loads plugins at run time (${needs.dynamicLoading.join('; ')}): put them in the rootfs; their syscalls are not in this analysis` });
  }

  const rootfs: string[] = needs.paths.map((p) => `opens ${p}`);
  if (mode === 'binary-compat' && needs.dynamic) rootfs.push(`the dynamic loader and shared libraries (${[...needs.sonames.keys()].sort().join(', ')})`);
  const rootfsKconfig: string[] = [];
  if (rootfs.length) {
    const r = rootfsConfig(table, g, known);
    rootfsKconfig.push(...r.kconfig);
    for (const lib of r.libraries) seed(lib, 'needs', 'rootfs');
  }

  // syscalls: needed ones with providers are served; the judge classifies the others (src/match/judge.ts)
  const target = { tables, table, mode, arch };
  const wanted: [string, string[]][] = [];
  for (const [name] of [...needs.syscalls].sort((a, b) => a[0].localeCompare(b[0]))) {
    const v = judgeSyscall(target, name);
    if (v.providers.length) { wanted.push([name, v.providers]); continue; }
    uncovered.push(uncoveredSyscall(name, v, tables));
  }
  const seeds = [...seedReasons.keys()];
  const chosen = chooseProviders(g, seeds, wanted);
  let final = closeLibraries(g, [...seeds, ...chosen]);
  // syscalls declared under a library option (exit_group under LIBPOSIX_PROCESS_PIDS) need that option and what it selects
  const optionKconfig = new Set<string>();
  for (const [name] of wanted) {
    const { providers, kconfigOf } = providersOf(table, name, arch, { apps: mode === 'binary-compat' });
    const lib = providers.find((p) => final.has(p))!;
    const sym = kconfigOf.get(lib);
    if (!sym || sym === table.libraries[lib]?.kconfig) continue;
    optionKconfig.add(`CONFIG_${sym}=y`);
    for (const dep of optionLibraries(table, g, sym, known)) if (!final.has(dep)) seed(dep, 'dependency', `kconfig:${sym}`);
  }
  if (seedReasons.size > seeds.length) final = closeLibraries(g, [...seedReasons.keys(), ...chosen]);

  const because = new Map<string, string[]>();
  const alternatives = new Map<string, Map<string, string[]>>();
  for (const [name, providers] of wanted) {
    const lib = providers.find((p) => final.has(p))!;
    because.set(lib, [...(because.get(lib) ?? []), `syscall:${name}`]);
    for (const other of providers.filter((p) => p !== lib)) {
      const m = alternatives.get(lib) ?? new Map<string, string[]>();
      m.set(other, [...(m.get(other) ?? []), name]);
      alternatives.set(lib, m);
    }
    const v = judgeSyscall(target, name);
    if (v.status !== 'covered') uncovered.push(uncoveredSyscall(name, v, tables));
  }
  const libraries: PlannedLibrary[] = [...final].map(([name, by]) => {
    const s = seedReasons.get(name);
    const meta = table.libraries[name];
    const reasons = [...(s?.because ?? []), ...(because.get(name) ?? []), ...[...by].filter((b) => b !== name).sort().map((b) => `library:${b}`)];
    const role: PlannedRole = s?.role ?? (because.has(name) ? 'needs' : 'dependency');
    const lib: PlannedLibrary = { name, kconfig: s?.kconfig ?? meta?.kconfig ?? '', because: reasons, role };
    if (s?.version) lib.version = s.version;
    if (meta?.repo) lib.repo = meta.repo;
    else if (s?.role === 'libc' && !meta) lib.repo = LIBC_REPOS[choice.libc];
    const alts = alternatives.get(name);
    if (alts) lib.alternatives = [...alts].map(([o, sc]) => `${o} also provides ${sc.join(', ')}`);
    return lib;
  }).sort((a, b) => ROLE_ORDER[a.role!] - ROLE_ORDER[b.role!] || a.name.localeCompare(b.name));

  const releases = needs.syscalls.size > 0 ? releaseCoverage(tables.unikraft, needs, arch) : undefined;
  const oldest = releases?.find((r) => r.missing.length === 0)?.release;
  if (needs.syscalls.size === 0) uncovered.push({ kind: 'unknown', name: 'syscalls', status: 'unknown', severity: 'warning', reason: 'no syscall facts: the inputs gave no syscalls, so only the libc and library ports are planned' });
  const kconfig = [...new Set([...libraries.filter((l) => l.kconfig).map((l) => `CONFIG_${l.kconfig}=y`), ...optionKconfig, ...rootfsKconfig])].sort();
  // one severity per class, the judge's (libc, port and dlopen gaps are decided here, their severity there)
  for (const u of uncovered) if (u.status !== 'covered') u.severity = judgeStatus(u.status).severity;
  uncovered.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const plan: Plan = {
    release: table.release, arch, mode, libc: choice.libc, libcReasons: choice.reasons, libcCandidates: choice.candidates,
    libraries, kconfig, uncovered, tieBreak: TIE_BREAK,
  };
  if (releases) plan.releases = releases;
  if (oldest) plan.oldestCoveringRelease = oldest;
  if (rootfs.length) plan.rootfs = rootfs;
  return plan;
}
