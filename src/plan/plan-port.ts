import type { Arch, Fact, FilesystemStack, Libc, Mode, Plan, PlannedFilesystem, PlannedLibrary, PlannedRole, Tables, UncoveredNeed, UnikraftPort, UnikraftTable } from '../model/index.js';
import { collectNeeds, type Needs } from './needs.js';
import { chooseLibc, type LibcChoice } from './libc-choice.js';
import { buildLibraryGraph, closeLibraries, optionLibraries, type KnownSymbols, type LibraryGraph } from './library-graph.js';
import { compareReleases, pickRelease, providersOf } from './releases.js';
import { classifyByPrior, judgeStatus, judgeSyscall, type SyscallJudgement } from '../match/judge.js';
import { matchPorts } from './external-ports.js';
import { chooseStack, filesystemConfig, type FilesystemConfig } from './filesystem.js';
import { isApplicationLibrary, kconfigWorld, type KconfigWorld } from './kconfig-world.js';
import { targetsFor, type TargetSpec } from './targets.js';
import { netdevDriver, networkConfig, socketUse, type NetworkConfig, type SocketUse } from './network.js';
import { completeDepends, excludes, librariesOn, librarySwitches, portLibraryName } from './build-config.js';
import { resolveKconfig, type ResolvedConfig } from './kconfig-resolve.js';
import { chooseProviders, TIE_BREAK } from './provider-choice.js';
import { releaseCoverage } from './release-coverage.js';
import { resolvePlanBuild, requestOf, type BuildOutcome } from './plan-build.js';
import { planPins } from './pins.js';
import { matchAppPort } from './app-ports.js';

/** What to plan for. */
export interface PlanOptions {
  /** Unikraft release (`v0.17.0`); default: the newest shipped table. */
  release?: string;
  arch: Arch;
  /** Force the libc; the plan then lists what it leaves uncovered. */
  libc?: Libc;
  /** native (default): rebuilt on Unikraft's libc; binary-compat: the Linux ELF under app-elfloader. */
  mode?: Mode;
  /** Names of the analysed programs (binary base names, source directories): native mode uses their lib-<app> port. */
  programs?: string[];
  /** File-system stack for v0.20+ (default posix-vfs; vfscore when asked, or when the app or app-elfloader needs it). */
  filesystem?: FilesystemStack;
}

export { TIE_BREAK };

const LIBC_SYMBOLS: Record<Libc, string> = { musl: 'LIBMUSL', newlib: 'LIBNEWLIBC' };
const LIBC_REPOS: Record<Libc, string> = { musl: 'https://github.com/unikraft/lib-musl', newlib: 'https://github.com/unikraft/lib-newlib' };
const LOADER = 'app-elfloader';
const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 };
const ROLE_ORDER: Record<PlannedRole, number> = { libc: 0, port: 1, needs: 2, dependency: 3 };

function libcLibrary(table: UnikraftTable, libc: Libc): string | undefined {
  return Object.values(table.libraries).find((l) => l.kconfig === LIBC_SYMBOLS[libc] || l.name === libc)?.name;
}

function knownSymbols(libc: Libc | undefined, arch: Arch): Map<string, boolean> {
  // binary-compat: app-elfloader builds without a libc (nolibc); the Linux ELF brings its own glibc
  return new Map<string, boolean>([
    ['HAVE_LIBC', !!libc], ['LIBMUSL', libc === 'musl'], ['LIBNEWLIBC', libc === 'newlib'],
    ['ARCH_X86_64', arch === 'x86_64'], ['ARCH_ARM_64', arch === 'aarch64'],
  ]);
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

/** Whether SYM is on for a reason the plan cannot undo: no soft `imply` on its way, except the application's own. */
function isHard(config: ResolvedConfig, sym: string, world: KconfigWorld): boolean {
  const seen = new Set<string>();
  for (let s: string | undefined = sym; s && !seen.has(s); ) {
    seen.add(s);
    const b = config.because.get(s);
    if (!b || b.how === 'requested' || b.how === 'default') return true;
    if (b.how === 'implied' && !isApplicationLibrary(world.entries.get(b.by)?.library)) return false;
    s = b.by;
  }
  return true;
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

type Seed = { role: PlannedRole; because: string[]; version?: string; kconfig?: string; repo?: string };

/** What the parts of planPort share: the release, libc and Kconfig world chosen, and what is planned so far. */
interface PlanContext {
  options: PlanOptions;
  tables: Tables;
  table: UnikraftTable;
  ports: UnikraftPort[];
  mode: Mode;
  compat: boolean;
  arch: Arch;
  needs: Needs;
  choice: LibcChoice;
  /** app-elfloader in binary-compat mode: the application the image runs. */
  loader: string | undefined;
  world: KconfigWorld;
  specs: TargetSpec[];
  known: KnownSymbols;
  g: LibraryGraph;
  /** What the judge rates a syscall against. */
  target: { tables: Tables; table: UnikraftTable; mode: Mode; arch: Arch };
  /** Library → its Kconfig switch, and back. */
  switchOf: Map<string, string>;
  libOfSymbol: Map<string, string>;
  uncovered: UncoveredNeed[];
  seeds: Map<string, Seed>;
  /** `CONFIG_X=v` lines of options (not library switches). */
  optionKconfig: Set<string>;
}

/** The file-system part of the plan. */
interface FilesystemPart {
  /** What the root file system must hold; empty when the app needs none. */
  rootfs: string[];
  choice: PlannedFilesystem;
  /** The stack this plan does not use: its providers are out of the running. */
  otherStack: FilesystemStack;
  kconfig: string[];
  config: FilesystemConfig | undefined;
}

/** The network part of the plan. */
interface NetworkPart {
  sockets: SocketUse;
  net: NetworkConfig | undefined;
}

function planContext(facts: Fact[], tables: Tables, options: PlanOptions): PlanContext {
  const mode = options.mode ?? 'native';
  const compat = mode === 'binary-compat';
  const { arch } = options;
  const table = pickRelease(tables.unikraft, options.release);
  const ports = tables.ports ?? [];
  const needs = collectNeeds(facts, mode);
  const wrappedSyscalls = new Set(Object.entries(table.syscalls).filter(([, c]) => c.library && c.status !== 'missing').map(([n]) => n));
  // syscall() itself comes from lib/syscall_shim whatever the libc (lib-musl leaves its own out)
  wrappedSyscalls.add('syscall');
  const choice = chooseLibc(needs, tables.libc, { forced: options.libc, muslAvailable: !!libcLibrary(table, 'musl') || !libcLibrary(table, 'newlib'), mode, wrappedSyscalls, coreFunctions: coreFunctions(table) });
  if (!compat) addLibcSyscalls(needs, tables, table, choice.libc, arch);
  // binary compatibility always runs on app-elfloader; its Config.uk joins the world when the tables have it
  const loader = compat ? LOADER : undefined;
  const world = kconfigWorld(table, ports, { externalLibs: tables.externalLibs, ...(loader ? { withApplication: loader } : {}) });
  const specs = targetsFor(world, arch);
  const known = knownSymbols(compat ? undefined : choice.libc, arch);
  const g = buildLibraryGraph(table, known);
  const switchOf = librarySwitches(table, ports);
  return {
    options, tables, table, ports, mode, compat, arch, needs, choice, loader, world, specs, known, g,
    target: { tables, table, mode, arch }, switchOf, libOfSymbol: new Map([...switchOf].map(([l, s]) => [s, l])),
    uncovered: [...choice.uncovered], seeds: new Map(), optionKconfig: new Set(),
  };
}

function seed(ctx: PlanContext, lib: string, role: PlannedRole, because: string, extra: Omit<Seed, 'role' | 'because'> = {}): void {
  const s = ctx.seeds.get(lib) ?? { role, because: [], ...extra };
  if (!s.because.includes(because)) s.because.push(because);
  ctx.seeds.set(lib, s);
}

/** An option (not a library switch) and the libraries it selects or depends on. */
function addOption(ctx: PlanContext, sym: string, value: string, why: string): void {
  ctx.optionKconfig.add(`CONFIG_${sym}=${value}`);
  for (const dep of optionLibraries(ctx.table, ctx.g, sym, ctx.known)) seed(ctx, dep, 'dependency', why);
}

/** The first target's architecture, platform and VMM symbols that the Kconfig world declares. */
function platformSymbols(ctx: PlanContext): [string, string][] {
  return (ctx.specs[0]?.symbols ?? []).filter(([sym]) => ctx.world.entries.has(sym));
}

/** Native mode: the libc port, the app's own lib-<app> port, the ports of its shared libraries, and what static linking changes. */
function seedNativePorts(ctx: PlanContext): void {
  const { table, ports, choice, needs, uncovered } = ctx;
  const libcLib = libcLibrary(table, choice.libc);
  const libcPort = ports.find((p) => p.switch === LIBC_SYMBOLS[choice.libc]);
  // a libc port missing from the release table is planned with its switch; its Config.uk (when synced) drives Kconfig
  seed(ctx, libcLib ?? choice.libc, 'libc', `libc:${choice.libc}`, libcLib ? {} : { kconfig: LIBC_SYMBOLS[choice.libc], ...(libcPort ? { repo: libcPort.repo } : {}) });
  if (!libcLib) choice.reasons.push(libcPort ? `${choice.libc}'s Kconfig is read from ${libcPort.name} ${libcPort.provenance.tag}` : `the ${table.release} tables do not include ${choice.libc}'s port: its own dependencies are not planned`);
  const app = matchAppPort(ctx.options.programs ?? [], ports);
  if (app) {
    const [sw, ...opts] = app.program.kconfig;
    seed(ctx, portLibraryName(app.port), 'port', `program:${app.program.program}`, { kconfig: sw!, repo: app.port.repo });
    for (const o of opts) ctx.optionKconfig.add(`CONFIG_${o}=y`);
  }
  const extPorts = matchPorts(needs.sonames, ctx.tables.externalLibs);
  uncovered.push(...extPorts.uncovered);
  // the app's own port may be the library's port too (lib-sqlite builds sqlite3 and libsqlite3): one entry
  const appLib = app ? portLibraryName(app.port) : undefined;
  for (const m of extPorts.matches) seed(ctx, appLib && m.port.kconfig === app!.program.kconfig[0] ? appLib : m.port.port, 'port', `soname:${m.soname}`, { version: m.port.upstreamVersion, kconfig: m.port.kconfig, ...(m.port.provenance ? { repo: m.port.provenance.repo } : {}) });
  for (const d of needs.dynamicLoading) uncovered.push({ kind: 'dynamic-linking', name: 'dlopen', status: 'missing-required', severity: 'error', reason: `${d}: a native Unikraft image is one static binary; link the plugins in and look them up statically` });
  const shared = [...needs.sonames.keys()].filter((n) => !extPorts.matches.some((m) => m.soname === n) && !extPorts.uncovered.some((u) => u.name === n)).sort();
  if (needs.dynamic) uncovered.push({ kind: 'dynamic-linking', name: 'shared libraries', status: 'covered', severity: 'note', reason: `the Linux build is dynamically linked; a native Unikraft image links everything statically (ports above, unported libraries below${shared.length ? `; ${shared.join(', ')} come with the libc` : ''})` });
}

/** Seeds the libc and the ports (native), the core micro-libraries that define libc functions, and binary-compat's plugins. */
function seedLibcAndPorts(ctx: PlanContext): void {
  const { table, choice, needs } = ctx;
  if (ctx.compat) {
    choice.reasons.unshift('binary-compat: the Linux ELF brings its own glibc; app-elfloader builds without a libc (nolibc), so no libc port is planned');
  } else {
    seedNativePorts(ctx);
  }
  // functions a core micro-library defines instead of the libc port (posix-environ's getenv, vfscore's opendir)
  for (const [lib, fns] of choice.coreLibraries) if (table.libraries[lib]) for (const f of fns) seed(ctx, lib, 'needs', `function:${f}`);
  if (ctx.compat && needs.dynamicLoading.length) {
    ctx.uncovered.push({ kind: 'dynamic-linking', name: 'dlopen', status: 'unknown', severity: 'warning', reason: `the app loads plugins at run time (${needs.dynamicLoading.join('; ')}): put them in the rootfs; their syscalls are not in this analysis` });
  }
}

/** IP sockets: lwip, netdev and the address parameter; AF_UNIX: posix-unixsocket. */
function planNetwork(ctx: PlanContext, facts: Fact[]): NetworkPart {
  const { libOfSymbol } = ctx;
  const sockets = socketUse(facts);
  const wantsNet = sockets.inet || sockets.inet6 || (sockets.unknown && ctx.needs.syscalls.has('socket'));
  const net = wantsNet && libOfSymbol.has('LIBLWIP') ? networkConfig(ctx.world, sockets) : undefined;
  if (net) {
    const why = `network:${sockets.evidence.length ? sockets.evidence[0] : 'socket() with a family the analysis could not resolve'}`;
    for (const [sym, v] of net.symbols) {
      const lib = libOfSymbol.get(sym);
      if (lib) seed(ctx, lib, 'needs', why); else addOption(ctx, sym, v, why);
    }
    const driver = netdevDriver(ctx.world);
    if (driver) addOption(ctx, driver, 'y', `network:netdev driver`);
  }
  if (sockets.unix && libOfSymbol.has('LIBPOSIX_UNIXSOCKET')) seed(ctx, libOfSymbol.get('LIBPOSIX_UNIXSOCKET')!, 'needs', `socket:${sockets.evidence.find((e) => e.includes('AF_UNIX')) ?? 'socketpair'}`);
  return { sockets, net };
}

/** The library whose select already forces vfscore on (app-elfloader's VFSEXEC, lib-musl's Config.uk), if one does. */
function vfscoreForcer(ctx: PlanContext): string | undefined {
  const { world, switchOf } = ctx;
  const forced = resolveKconfig(world, new Map([...platformSymbols(ctx),
    ...[...ctx.seeds].map(([lib, sd]) => [sd.kconfig ?? switchOf.get(lib) ?? '', 'y'] as [string, string]).filter(([sym]) => sym), ...requestOf([...ctx.optionKconfig])]));
  const vfsBy = forced.because.get('LIBVFSCORE');
  return vfsBy && vfsBy.how === 'selected' && forced.values.get('LIBVFSCORE') === 'y' ? vfsBy.by : undefined;
}

/** The root file system and the file-system stack; decided before providers, as the other stack's providers are then out of the running. */
function planFilesystem(ctx: PlanContext): FilesystemPart {
  const { table, world, loader, needs } = ctx;
  // app-elfloader loads the ELF from the root file system, its program name from the command line (catalog's base)
  if (loader) for (const o of ['APPELFLOADER_VFSEXEC', 'APPELFLOADER_CUSTOMAPPNAME']) if (world.entries.has(o)) addOption(ctx, o, 'y', `application:${o}`);
  const rootfs: string[] = needs.paths.map((p) => `opens ${p}`);
  if (ctx.compat && needs.dynamic) rootfs.push(`the dynamic loader and shared libraries (${[...needs.sonames.keys()].sort().join(', ')})`);
  if (loader && !rootfs.length) rootfs.push('the Linux ELF itself (app-elfloader loads it from the root file system)');
  const forcer = vfscoreForcer(ctx);
  const choice = chooseStack(table, {
    ...(ctx.options.filesystem ? { wanted: ctx.options.filesystem } : {}),
    onlyVfscore: [...needs.syscalls.keys()].filter((n) => { const p = judgeSyscall(ctx.target, n).providers; return p.length === 1 && p[0] === 'vfscore'; }),
    ...(forcer ? { applicationNeedsVfscore: `${forcer} (${world.origin.get(forcer)}) selects LIBVFSCORE` } : {}),
  });
  const kconfig: string[] = [];
  const config = rootfs.length ? filesystemConfig(table, world, ctx.g, ctx.known, choice) : undefined;
  if (config) {
    kconfig.push(...config.kconfig);
    for (const lib of config.libraries) seed(ctx, lib, 'needs', 'rootfs');
  }
  return { rootfs, choice, otherStack: choice.stack === 'vfscore' ? 'posix-vfs' : 'vfscore', kconfig, config };
}

/** What the application, libc, platform and the seeds turn on anyway (providers there win), and which of those the plan cannot undo. */
function presentLibraries(ctx: PlanContext, rootfsKconfig: string[]): { present: Set<string>; hard: Set<string> } {
  const { world, switchOf, loader } = ctx;
  const seedSymbols = [...ctx.seeds].map(([lib, s]) => s.kconfig ?? switchOf.get(lib)).filter((x): x is string => !!x);
  const baseRequest = new Map<string, string>([...platformSymbols(ctx), ...seedSymbols.map((s) => [s, 'y'] as [string, string]), ...requestOf([...ctx.optionKconfig, ...rootfsKconfig])]);
  const base = resolveKconfig(world, baseRequest);
  const present = librariesOn(switchOf, base.values);
  const hard = new Set([...present].filter((lib) => isHard(base, switchOf.get(lib)!, world)));
  if (loader) { present.add(loader); hard.add(loader); }
  return { present, hard };
}

/** A need the release provides but this plan cannot serve: classified by Loupe's priors, WHY first in the reason. */
function unservedSyscall(ctx: PlanContext, name: string, why: string): UncoveredNeed {
  const cov = ctx.table.syscalls[name];
  const c = classifyByPrior(name, ctx.tables.priors[name], why);
  return { kind: 'syscall', name, status: c.status, severity: judgeStatus(c.status).severity, reason: c.reason, ...(cov?.nargs !== undefined ? { nargs: cov.nargs } : {}) };
}

/** The needed syscalls with providers on this plan's stack, by name, with those providers; the judge classifies the others (src/match/judge.ts). */
function wantedSyscalls(ctx: PlanContext, fs: FilesystemPart): [string, string[]][] {
  const wanted: [string, string[]][] = [];
  for (const [name] of [...ctx.needs.syscalls].sort((a, b) => a[0].localeCompare(b[0]))) {
    const v = judgeSyscall(ctx.target, name);
    const providers = v.providers.filter((p) => p !== fs.otherStack);
    if (providers.length) { wanted.push([name, providers]); continue; }
    if (v.providers.length) {
      // served only by the file-system stack this plan does not use (readlinkat: posix-vfs only, while lib-musl selects vfscore)
      ctx.uncovered.push(unservedSyscall(ctx, name, `only ${fs.otherStack} provides ${name} in ${ctx.table.release}; this plan's file-system stack is ${fs.choice.stack} (${fs.choice.because.join('; ')})`));
      continue;
    }
    ctx.uncovered.push(uncoveredSyscall(name, v, ctx.tables));
  }
  return wanted;
}

/**
 * Syscalls declared under a library option (exit_group under LIBPOSIX_PROCESS_PIDS) need that option and what it selects,
 * and those declared inside a Makefile.uk conditional need its options too (set_tid_address: LIBPOSIX_PROCESS_CLONE).
 */
function addSyscallOptions(ctx: PlanContext, wanted: [string, string[]][], closed: Map<string, Set<string>>): void {
  const { table } = ctx;
  for (const [name] of wanted) {
    const { providers, kconfigOf, requiresOf } = providersOf(table, name, ctx.arch, { apps: ctx.compat });
    const lib = providers.find((p) => closed.has(p)) ?? providers[0]!;
    const sym = kconfigOf.get(lib);
    const options = [...(sym && sym !== table.libraries[lib]?.kconfig ? [sym] : []), ...(requiresOf.get(lib) ?? []).filter((r) => !r.startsWith('!'))];
    for (const o of options) {
      ctx.optionKconfig.add(`CONFIG_${o}=y`);
      for (const dep of optionLibraries(table, ctx.g, o, ctx.known)) if (!closed.has(dep)) seed(ctx, dep, 'dependency', `kconfig:${o}`);
    }
  }
}

/** Serves the needed syscalls: chooses their providers, adds the options they need, and closes the library set (library → who pulls it in). */
function serveSyscalls(ctx: PlanContext, fs: FilesystemPart): { wanted: [string, string[]][]; final: Map<string, Set<string>> } {
  const { present, hard } = presentLibraries(ctx, fs.kconfig);
  const { world, switchOf } = ctx;
  const excl = (a: string, b: string) => { const x = switchOf.get(a); const y = switchOf.get(b); return !!x && !!y && excludes(world, x, y); };
  const wanted = wantedSyscalls(ctx, fs);
  const seeds = [...ctx.seeds.keys()];
  const { chosen, blocked } = chooseProviders(ctx.g, seeds, wanted, { present, hard, excludes: excl });
  // a need whose every provider excludes a library the image must have is uncovered (mremap: only ukmmap, which cannot be on with posix-mmap)
  for (const [name, why] of blocked) ctx.uncovered.push(unservedSyscall(ctx, name, `${why}: Kconfig never has both (\`depends on !\`)`));
  const served = wanted.filter(([n]) => !blocked.has(n));
  addSyscallOptions(ctx, served, closeLibraries(ctx.g, [...seeds, ...chosen]));
  return { wanted: served, final: closeLibraries(ctx.g, [...ctx.seeds.keys(), ...chosen]) };
}

/** The closed library set as planned libraries: role, Kconfig switch, repository, reasons and the other providers of their syscalls. */
function plannedLibraries(ctx: PlanContext, wanted: [string, string[]][], final: Map<string, Set<string>>): PlannedLibrary[] {
  const because = new Map<string, string[]>();
  const alternatives = new Map<string, Map<string, string[]>>();
  for (const [name, providers] of wanted) {
    const lib = providers.find((p) => final.has(p)) ?? providers[0]!;
    because.set(lib, [...(because.get(lib) ?? []), `syscall:${name}`]);
    for (const other of providers.filter((p) => p !== lib)) {
      const m = alternatives.get(lib) ?? new Map<string, string[]>();
      m.set(other, [...(m.get(other) ?? []), name]);
      alternatives.set(lib, m);
    }
    const v = judgeSyscall(ctx.target, name);
    if (v.status !== 'covered') ctx.uncovered.push(uncoveredSyscall(name, v, ctx.tables));
  }
  return [...final].map(([name, by]) => {
    const s = ctx.seeds.get(name);
    const meta = ctx.table.libraries[name];
    const reasons = [...(s?.because ?? []), ...(because.get(name) ?? []), ...[...by].filter((b) => b !== name).sort().map((b) => `library:${b}`)];
    const role: PlannedRole = s?.role === 'libc' || s?.role === 'port' || s?.role === 'needs' ? s.role : because.has(name) ? 'needs' : s?.role ?? 'dependency';
    const lib: PlannedLibrary = { name, kconfig: s?.kconfig ?? meta?.kconfig ?? ctx.switchOf.get(name) ?? '', because: reasons, role };
    if (s?.version) lib.version = s.version;
    if (meta?.repo ?? s?.repo) lib.repo = (meta?.repo ?? s?.repo)!;
    else if (s?.role === 'libc' && !meta) lib.repo = LIBC_REPOS[ctx.choice.libc];
    const alts = alternatives.get(name);
    if (alts) lib.alternatives = [...alts].map(([o, sc]) => `${o} also provides ${sc.join(', ')}`);
    return lib;
  });
}

/** The Kconfig fragment; what a planned option needs besides (LIBPOSIX_PROCESS_BRK needs LIBPOSIX_PROCESS_MULTITHREADING) joins it, as a library or an option. */
function kconfigFragment(ctx: PlanContext, libraries: PlannedLibrary[], rootfsKconfig: string[]): string[] {
  const { table, libOfSymbol, optionKconfig } = ctx;
  const fragment = () => [...new Set([...libraries.filter((l) => l.kconfig).map((l) => `CONFIG_${l.kconfig}=y`), ...optionKconfig, ...rootfsKconfig])].sort();
  for (const [sym, by] of completeDepends(ctx.world, new Map([...platformSymbols(ctx), ...requestOf(fragment())]))) {
    const lib = libOfSymbol.get(sym);
    if (lib && !libraries.some((l) => l.name === lib)) libraries.push({ name: lib, kconfig: sym, role: 'dependency', because: [`kconfig:${by}`], ...(table.libraries[lib]?.repo ? { repo: table.libraries[lib]!.repo! } : {}) });
    else if (!lib) optionKconfig.add(`CONFIG_${sym}=y`);
  }
  return fragment();
}

/** Adds what Kconfig turned on besides (not another libc), sorts by role, and gives external libraries the options their own Config.uk declares. */
function finishLibraries(ctx: PlanContext, libraries: PlannedLibrary[], build: BuildOutcome, kconfig: string[]): void {
  // a port may select another libc (lib-redis RELEASE-0.15.0 selects both LIBNEWLIBC and LIBMUSL): that libc is not
  // in L=, so Kconfig ignores the select of its undefined symbol, as catalog-core's redis builds (L=musl:redis:lwip)
  const otherLibc = (name: string) => name in LIBC_REPOS && (ctx.compat || name !== ctx.choice.libc);
  libraries.push(...build.extras.filter((e) => !libraries.some((l) => l.name === e.name) && !otherLibc(e.name)));
  libraries.sort((a, b) => ROLE_ORDER[a.role!] - ROLE_ORDER[b.role!] || a.name.localeCompare(b.name));
  // options an external library's own Config.uk declares go with it (the Kraftfile's libraries.<name>.kconfig)
  for (const line of kconfig) {
    const sym = line.slice(7, line.indexOf('='));
    const owner = ctx.world.entries.get(sym)?.library?.replace(/^lib-/, '');
    const lib = libraries.find((l) => l.name === owner && l.repo && l.kconfig !== sym);
    if (lib) (lib.options ??= []).push(line);
  }
}

/** One severity per class, the judge's (libc, port and dlopen gaps are decided here, their severity there); errors first. */
function finishUncovered(uncovered: UncoveredNeed[]): void {
  for (const u of uncovered) if (u.status !== 'covered') u.severity = judgeStatus(u.status).severity;
  uncovered.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** The parts planPort puts together. */
interface PlanParts {
  libraries: PlannedLibrary[];
  kconfig: string[];
  build: BuildOutcome;
  network: NetworkPart;
  fs: FilesystemPart;
  /** app-elfloader's own entry of the closed set, in binary-compat mode. */
  appEntry: PlannedLibrary | undefined;
  releases: Plan['releases'];
}

function assemblePlan(ctx: PlanContext, p: PlanParts): Plan {
  const { table, tables, ports, loader, choice } = ctx;
  const { libraries, build, fs } = p;
  const { sockets, net } = p.network;
  const plan: Plan = {
    release: table.release, arch: ctx.arch, mode: ctx.mode, libc: choice.libc, libcReasons: choice.reasons, libcCandidates: choice.candidates,
    libraries, kconfig: p.kconfig, uncovered: ctx.uncovered, tieBreak: TIE_BREAK,
  };
  const oldest = p.releases?.find((r) => r.missing.length === 0)?.release;
  if (p.releases) plan.releases = p.releases;
  if (oldest) plan.oldestCoveringRelease = oldest;
  if (fs.rootfs.length) plan.rootfs = fs.rootfs;
  if (loader) {
    plan.application = {
      name: loader, repo: table.libraries[loader]?.repo ?? ports.find((x) => x.name === loader)?.repo ?? 'https://github.com/unikraft/app-elfloader',
      because: ['mode:binary-compat', ...(p.appEntry?.because.filter((b) => b.startsWith('syscall:')) ?? [])],
      brings: build.extras.filter((e) => e.because.some((b) => /APPELFLOADER/.test(b))).map((e) => e.name),
    };
  }
  if (build.targets.length) plan.targets = build.targets;
  if (net) plan.network = { stack: 'lwip', because: sockets.evidence.length ? sockets.evidence : ['socket() with a family the analysis could not resolve'], kernelArgs: net.kernelArgs, notes: net.notes };
  if (fs.config || libraries.some((l) => l.name === fs.choice.stack)) plan.filesystem = { ...fs.choice, ...(fs.config?.kernelArgs.length ? { kernelArgs: fs.config.kernelArgs } : {}) };
  const external = [...(loader ? [loader] : []), ...libraries.filter((l) => l.repo).map((l) => l.repo!.replace(/^.*\//, ''))];
  plan.pins = planPins(table, ports, external, table === pickRelease(tables.unikraft));
  plan.kconfigProblems = build.problems;
  return plan;
}

/** Plans the port: libc, the minimal closed set of micro-libraries and ports (each with its reasons), Kconfig, and what stays uncovered. */
export function planPort(facts: Fact[], tables: Tables, options: PlanOptions): Plan {
  const ctx = planContext(facts, tables, options);
  const { needs, loader, world, table } = ctx;
  seedLibcAndPorts(ctx);
  const network = planNetwork(ctx, facts);
  const fs = planFilesystem(ctx);
  const { wanted, final } = serveSyscalls(ctx, fs);
  const planned = plannedLibraries(ctx, wanted, final);
  // the application is not a library of the image: it is what the image runs
  const appEntry = loader ? planned.find((l) => l.name === loader) : undefined;
  const libraries = planned.filter((l) => l.name !== loader);
  const releases = needs.syscalls.size > 0 ? releaseCoverage(tables.unikraft, needs, ctx.arch) : undefined;
  if (needs.syscalls.size === 0) ctx.uncovered.push({ kind: 'unknown', name: 'syscalls', status: 'unknown', severity: 'warning', reason: 'no syscall facts: the inputs gave no syscalls, so only the libc and library ports are planned' });
  const kconfig = kconfigFragment(ctx, libraries, fs.kconfig);
  // Kconfig completes the fragment on every target: what it adds is listed, what it breaks is a problem
  const build = resolvePlanBuild(table, ctx.ports, { world, base: loader ? kconfigWorld(table, ctx.ports, { externalLibs: tables.externalLibs }) : world }, ctx.specs, kconfig, new Set([...final.keys()]));
  finishLibraries(ctx, libraries, build, kconfig);
  finishUncovered(ctx.uncovered);
  return assemblePlan(ctx, { libraries, kconfig, build, network, fs, appEntry, releases });
}
