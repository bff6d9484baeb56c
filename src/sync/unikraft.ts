import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { KconfigEntry, MicroLibrary, Provenance, SyscallCoverage, TableDisagreement, UnikraftTable } from '../model/coverage.js';
import { parseKconfig, symbolsOf, type KconfigSymbol } from '../data/kconfig.js';
import { UkportError } from '../errors.js';
import { findCSyscalls, findPlainFunctions, type CSyscallDef } from './c-syscalls.js';
import { makeProvenance, readGitInfo } from './git-provenance.js';
import { parseMakefileUk, parseSyscallNumbers, type ProvidedSyscall } from './makefile-uk.js';

/** Options of one Unikraft sync. */
export interface UnikraftSyncOptions {
  /** Release name to record (`v0.17.0`); default from the checkout's tag (RELEASE-0.17.0 → v0.17.0). */
  release?: string;
  /** External library / app repositories merged in (lib-lwip, app-elfloader). */
  extras?: string[];
  /** Linux syscall names: plain C functions with these names are recorded as native-build providers. */
  isSyscallName?: (name: string) => boolean;
  /** Overrides for provenance (fixtures have no git). */
  provenance?: { tag?: string; commit?: string; date?: string };
  /** Repository the tree was read from, when not unikraft/unikraft itself (a fork holding the release commit). */
  repo?: string;
  /** The release document naming the tree's commit as a release commit: sets the release and tag. */
  releaseNote?: { release: string; repo: string; path: string; commit: string };
}

const UPSTREAM = 'https://github.com/unikraft/unikraft';

const SKIP_DIRS = new Set(['.git', 'node_modules', 'build', 'test', 'tests', 'patches', 'doc', 'docs', 'scripts']);
const SHIM_ARCHES = { x86_64: 'x86_64', arm64: 'arm64' } as const;

interface LibSource {
  name: string;
  dir: string;
  /** Path relative to its repo root. */
  path: string;
  repo?: string;
}

interface LibScan extends LibSource {
  kconfig: string;
  symbols: KconfigSymbol[];
  provided: ProvidedSyscall[];
  defs: (CSyscallDef & { file: string })[];
  /** Plain (non-macro) C functions named like a syscall: libc-level providers for native builds. */
  functions: { name: string; file: string; stub?: string }[];
}

function walk(dir: string, depth: number, visit: (dir: string, names: string[]) => void): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  visit(dir, names);
  if (depth <= 0) return;
  for (const n of names) {
    if (SKIP_DIRS.has(n) || n.startsWith('.')) continue;
    const p = join(dir, n);
    if (!n.includes('.') || existsSync(join(p, 'Makefile.uk'))) walk(p, depth - 1, visit);
  }
}

/** Library directories of a Unikraft tree: every directory with a Makefile.uk below lib/, drivers/, plat/, arch/. */
function findTreeLibs(root: string): LibSource[] {
  const out: LibSource[] = [];
  for (const top of ['lib', 'drivers', 'plat', 'arch']) {
    walk(join(root, top), 3, (dir, names) => {
      if (!names.includes('Makefile.uk') && !names.includes('Config.uk')) return;
      const path = relative(root, dir);
      if (path === top) return;
      out.push({ name: path.startsWith('lib/') ? path.slice(4) : path, dir, path });
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function cFiles(dir: string): string[] {
  const out: string[] = [];
  walk(dir, 4, (d, names) => {
    for (const n of names) if (n.endsWith('.c')) out.push(join(d, n));
  });
  return out.sort();
}

function readIf(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

async function scanLib(src: LibSource, root: string, isSyscallName: (n: string) => boolean): Promise<LibScan> {
  const mk = parseMakefileUk(readIf(join(src.dir, 'Makefile.uk')) ?? '');
  const symbols = parseKconfig(readIf(join(src.dir, 'Config.uk')) ?? '').symbols;
  // the library's own switch: addlib_s symbol, else the first menuconfig/config of its Config.uk
  // (addlib_paramprefix libraries follow LIB<NAME>; a plain addlib app is always built: no symbol)
  const conventional = 'LIB' + basename(src.dir).toUpperCase().replace(/[^A-Z0-9]/g, '');
  const kconfig = mk.libs.find((l) => l.kconfig)?.kconfig
    ?? symbols.find((x) => x.name === conventional)?.name
    ?? (mk.libs.length > 0 ? '' : symbols.find((x) => x.menuconfig)?.name ?? '');
  const defs: LibScan['defs'] = [];
  const functions: LibScan['functions'] = [];
  for (const file of cFiles(src.dir)) {
    const text = readFileSync(file, 'latin1');
    for (const d of await findCSyscalls(text)) defs.push({ ...d, file: relative(root, file) });
    // cheap prefilter before parsing: some line starts a definition of a syscall-named function
    if ([...text.matchAll(/\b([a-z_][a-z0-9_]*)\s*\(/g)].some((m) => isSyscallName(m[1]!))) {
      for (const f of await findPlainFunctions(text, isSyscallName)) functions.push({ ...f, file: relative(root, file) });
    }
  }
  return { ...src, kconfig, symbols, provided: mk.provided, defs, functions };
}

function toLibrary(s: LibScan): MicroLibrary {
  const main = s.symbols.find((x) => x.name === s.kconfig);
  const lib: MicroLibrary = {
    name: s.name,
    kconfig: s.kconfig,
    select: main ? main.select.map((r) => r.symbol) : [],
    dependsOn: main ? [...new Set(main.dependsOn.flatMap(symbolsOf))] : [],
    imply: main ? main.imply.map((r) => r.symbol) : [],
    path: s.path,
    options: s.symbols.map((x) => x.name).filter((n) => n !== s.kconfig),
  };
  if (main?.prompt) lib.title = main.prompt;
  if (main?.defaults[0]) lib.default = main.defaults[0].value;
  if (s.repo) lib.repo = s.repo;
  return lib;
}

/** The table's record of one Kconfig symbol (conditional selects kept as `X if COND`). */
export function toEntry(sym: KconfigSymbol, library?: string): KconfigEntry {
  const e: KconfigEntry = {
    select: sym.select.map((r) => (r.cond ? `${r.symbol} if ${r.cond}` : r.symbol)),
    imply: sym.imply.map((r) => (r.cond ? `${r.symbol} if ${r.cond}` : r.symbol)),
    dependsOn: sym.dependsOn,
  };
  if (library) e.library = library;
  if (sym.type) e.type = sym.type;
  if (sym.prompt) e.prompt = sym.prompt;
  if (sym.defaults[0]) e.default = sym.defaults[0].cond ? `${sym.defaults[0].value} if ${sym.defaults[0].cond}` : sym.defaults[0].value;
  return e;
}

/** Release name from a tag: RELEASE-0.17.0 → v0.17.0. */
export function releaseOf(tag: string): string {
  const m = /^RELEASE-(\d+\.\d+(?:\.\d+)?)$/.exec(tag);
  return m ? `v${m[1]}` : tag;
}

/** Global Config.uk files (root, lib/, arch/, plat/): symbols that belong to no library. */
function globalSymbols(root: string): KconfigSymbol[] {
  return ['Config.uk', 'lib/Config.uk', 'arch/Config.uk', 'plat/Config.uk', 'drivers/Config.uk']
    .flatMap((f) => parseKconfig(readIf(join(root, f)) ?? '').symbols);
}

/** Reads a Unikraft tree (plus extra library/app repos) into the coverage table of that release. */
export async function syncUnikraft(root: string, opts: UnikraftSyncOptions = {}): Promise<UnikraftTable> {
  const shim = join(root, 'lib/syscall_shim');
  if (!existsSync(shim)) throw new UkportError('unsupported-input', 'no lib/syscall_shim: not a Unikraft tree this sync can read (needs RELEASE-0.4 or later)', root);
  const note = opts.releaseNote;
  // a release named by its release note: upstream's tag name (RELEASE-0.18.0), even when a fork without the tag holds it
  const over = { ...(note ? { tag: `RELEASE-${note.release.slice(1)}` } : {}), ...opts.provenance };
  const provenance: Provenance = makeProvenance(root, opts.repo ?? UPSTREAM, over, 'tables sync --unikraft');
  if (opts.repo && opts.repo !== UPSTREAM) provenance.upstream = UPSTREAM;
  if (note) provenance.releaseNote = { repo: note.repo, path: note.path, commit: note.commit };
  const sources = findTreeLibs(root);
  const extraProv: NonNullable<Provenance['extra']> = [];
  for (const dir of opts.extras ?? []) {
    const repoName = basename(dir.replace(/\/+$/, ''));
    const info = readGitInfo(dir, provenance.tag);
    const repo = `https://github.com/unikraft/${repoName}`;
    extraProv.push({ repo, ...(info ? { tag: info.tag, commit: info.commit } : { commit: 'unknown' }) });
    sources.push({ name: repoName.replace(/^lib-/, ''), dir, path: '.', repo });
  }
  if (extraProv.length > 0) provenance.extra = extraProv;

  const scans: LibScan[] = [];
  const isSyscallName = opts.isSyscallName ?? (() => false);
  for (const s of sources) scans.push(await scanLib(s, s.repo ? s.dir : root, isSyscallName));

  const numbers = {
    x86_64: parseSyscallNumbers(readIf(join(shim, 'arch', SHIM_ARCHES.x86_64, 'syscall.h.in')) ?? ''),
    arm64: parseSyscallNumbers(readIf(join(shim, 'arch', SHIM_ARCHES.arm64, 'syscall.h.in')) ?? ''),
  };
  const nrOf = (name: string): SyscallCoverage['nr'] => {
    const nr: SyscallCoverage['nr'] = {};
    const x = numbers.x86_64.get(name);
    const a = numbers.arm64.get(name);
    if (x !== undefined) nr.x86_64 = x;
    if (a !== undefined) nr.arm64 = a;
    return nr;
  };

  const syscalls: Record<string, SyscallCoverage> = {};
  const disagreements: TableDisagreement[] = [];
  for (const name of new Set([...numbers.x86_64.keys(), ...numbers.arm64.keys()])) syscalls[name] = { status: 'missing', nr: nrOf(name) };
  for (const s of scans) {
    for (const p of s.provided) {
      const def = s.defs.find((d) => d.name === p.name);
      const prev = syscalls[p.name];
      if (prev && prev.status !== 'missing') {
        (prev.alternatives ??= []).push({ library: s.name, kconfig: p.kconfig, ...(p.requires ? { requires: p.requires } : {}) });
        continue;
      }
      const cov: SyscallCoverage = { status: def?.stub ? 'stub' : 'implemented', library: s.name, kconfig: p.kconfig, nargs: p.nargs, nr: nrOf(p.name) };
      if (p.flags) cov.flags = p.flags;
      if (p.requires) cov.requires = p.requires;
      if (def?.stub) cov.stub = def.stub;
      if (def) cov.impl = `${def.file}:${def.line}`;
      syscalls[p.name] = cov;
      if (!def) disagreements.push({ syscall: p.name, library: s.name, kind: 'no-implementation', detail: `declared in ${s.path}/Makefile.uk:${p.line}, no syscall macro in its C files` });
      else if (def.nargs !== p.nargs) disagreements.push({ syscall: p.name, library: s.name, kind: 'nargs', detail: `Makefile.uk says ${p.nargs}, ${def.file}:${def.line} takes ${def.nargs}` });
    }
    for (const d of s.defs) {
      if (!s.provided.some((p) => p.name === d.name) && !disagreements.some((x) => x.syscall === d.name && x.library === s.name)) {
        disagreements.push({ syscall: d.name, library: s.name, kind: 'undeclared-implementation', detail: `${d.file}:${d.line} defines it with ${d.macro}, Makefile.uk does not list it` });
      }
    }
  }

  const libraries: Record<string, MicroLibrary> = {};
  const kconfig: Record<string, KconfigEntry> = {};
  for (const sym of globalSymbols(root)) kconfig[sym.name] ??= toEntry(sym);
  for (const s of scans) {
    libraries[s.name] = toLibrary(s);
    for (const sym of s.symbols) kconfig[sym.name] ??= toEntry(sym, s.name);
  }
  // functions named like a syscall the shim does not provide: what a native (libc-level) build links against
  const functions: NonNullable<UnikraftTable['functions']> = {};
  for (const s of scans) {
    for (const f of s.functions) {
      const sc = syscalls[f.name];
      if ((sc && sc.status !== 'missing') || functions[f.name] || s.defs.some((d) => d.name === f.name)) continue;
      functions[f.name] = { library: s.name, kconfig: s.kconfig, file: f.file, ...(f.stub ? { stub: f.stub } : {}) };
    }
  }
  const sorted = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
  return {
    target: 'unikraft',
    release: opts.release ?? note?.release ?? releaseOf(provenance.tag),
    provenance,
    syscalls: sorted(syscalls),
    libraries: sorted(libraries),
    kconfig: sorted(kconfig),
    functions: sorted(functions),
    disagreements: disagreements.sort((a, b) => a.syscall.localeCompare(b.syscall) || a.library.localeCompare(b.library)),
  };
}
