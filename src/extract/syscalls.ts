import type { Evidence, Fact, SyscallFact, UnknownFact } from '../model/index.js';
import type { Arch, Libc, Mode } from '../model/vocab.js';
import { loadLinuxSyscalls } from '../data/linux-syscalls.js';
import { scannerFor, type ModuleGraph } from './elf/call-graph.js';
import { UkportError } from '../errors.js';
import type { DlopenResolution, LibraryClosure, LoadedElf } from './elf/resolve-libraries.js';
import type { HeldBack, LibraryEdge } from '../model/index.js';
import type { NssService } from '../inputs/nsswitch.js';
import { constArgsByNumber, nodeName, siteEvidence } from './elf/reach/evidence.js';
import type { ProgramModule } from './elf/reach/types.js';
import { reachWithRuntimeLoading } from './elf/reach/runtime-loading.js';
import { loadModuleGraph } from './libc/graph-cache.js';
import { nativeOverride } from './libc/native-libc.js';
import { codeBytes } from './elf/functions.js';
import { isPythonExtension } from './python/python-facts.js';
import { limitFact, withLimits, type AnalysisLimits } from './limits.js';

/** Options of syscall extraction. */
export interface SyscallOptions {
  mode: Mode;
  libc?: Libc;
  noCache?: boolean;
  cacheDir?: string;
  /** Use stripped libraries' separate debug files when installed (default true; --no-debug-symbols). */
  debugSymbols?: boolean;
  /** Apply the glibc models of libc-models.ts (default true; --no-libc-models). */
  libcModels?: boolean;
  /** Resource bounds (defaults: DEFAULT_LIMITS); a module over a bound is not analysed and yields an unknown. */
  limits?: Partial<AnalysisLimits>;
  /** Date.now() after which no further module is analysed (the per-file time budget). */
  deadline?: number;
  /** Finds the library a reachable dlopen("NAME") call loads (resolveDlopen over the scan's root); without it dlopen is not followed. */
  resolveDlopen?: (name: string, from: LoadedElf) => DlopenResolution;
  /** The NSS services of the scanned root's /etc/nsswitch.conf, loaded (with resolveDlopen) when glibc's NSS code is reachable. */
  nssServices?: () => NssService[];
}

/** Syscall and unknown facts of one program, with counters for the report. */
export interface SyscallExtraction {
  facts: Fact[];
  stats: { indirectCalls: number; addressTakenFunctions: number };
  /** Libraries reachable dlopen calls load (and what those need), for the library graph. */
  dlopenEdges: LibraryEdge[];
  /** glibc models that held code back (nothing the program reaches released it): the library, the calls and the syscall sites held. */
  libcModels: HeldBack[];
}

const MAX_EVIDENCE = 4;
const MAX_UNKNOWNS = 200;

/**
 * The Linux syscalls MAIN can make: its own code plus, for a dynamic program, the libraries of CLOSURE
 * including the dynamic loader (binary-compat), or its libc imports mapped through the chosen libc's
 * summaries (native). Syscalls only reachable from loader / libc start-up are class `startup`.
 */
export function extractSyscalls(main: LoadedElf, closure: LibraryClosure, options: SyscallOptions): SyscallExtraction {
  const scanner = scannerFor(main.elf.machine, main.elf.class);
  if (!scanner) {
    const f: UnknownFact = { kind: 'unknown', reason: 'unsupported-arch', message: `no syscall analysis for ${main.decoded.info.machine} (${main.elf.class}-bit)`,
      evidence: [{ artifact: main.path, extractor: 'elf.syscalls' }] };
    return { facts: [f], stats: { indirectCalls: 0, addressTakenFunctions: 0 }, dlopenEdges: [], libcModels: [] };
  }
  const arch: Arch = scanner.arch;
  const cache = { noCache: options.noCache, cacheDir: options.cacheDir, debugSymbols: options.debugSymbols };
  const interp = main.decoded.info.interpreter;
  const override = options.mode === 'native' ? nativeOverride(options.libc ?? 'musl', arch) : undefined;
  const limits = withLimits(options.limits);
  const deadline = options.deadline ?? Date.now() + limits.timeBudgetMs;
  const limited: UnknownFact[] = [];
  const graphOf = (mod: LoadedElf): ProgramModule['graph'] | undefined => {
    if (Date.now() > deadline) {
      limited.push(limitFact(mod.path, 'timeBudgetMs', `time budget of ${limits.timeBudgetMs} ms per binary exceeded: ${mod.path} not analysed for syscalls`, 'elf.syscalls'));
      return undefined;
    }
    const code = codeBytes(mod.elf);
    if (code > limits.maxCodeBytes) {
      limited.push(limitFact(mod.path, 'maxCodeBytes', `${code} bytes of code exceed the limit of ${limits.maxCodeBytes}: ${mod.path} not analysed for syscalls`, 'elf.syscalls'));
      return undefined;
    }
    let g: ModuleGraph;
    try {
      g = loadModuleGraph(mod, scanner, { ...cache, memo: mod !== main, maxFunctions: limits.maxFunctions });
    } catch (e) {
      if (!(e instanceof UkportError) || e.code !== 'limit-exceeded') throw e;
      limited.push(limitFact(mod.path, 'maxFunctions', `${e.detail} (--max-functions): ${mod.path} not analysed for syscalls`, 'elf.syscalls'));
      return undefined;
    }
    if (g.names.length > limits.maxFunctions) {
      limited.push(limitFact(mod.path, 'maxFunctions', `${g.names.length} functions exceed the limit of ${limits.maxFunctions}: ${mod.path} not analysed for syscalls`, 'elf.syscalls'));
      return undefined;
    }
    return g;
  };
  const mainGraph = graphOf(main);
  if (!mainGraph) return { facts: limited, stats: { indirectCalls: 0, addressTakenFunctions: 0 }, dlopenEdges: [], libcModels: [] };
  const mods: ProgramModule[] = [{ loaded: main, graph: mainGraph, role: 'main' }];
  for (const lib of closure.libraries.values()) {
    if (lib.elf.machine !== main.elf.machine || lib.elf.class !== main.elf.class) continue;
    const isInterp = closure.edges.some((e) => e.via === 'interp' && e.resolved === lib.path) || lib.path === interp;
    if (override && override.replaces(lib, isInterp)) continue;
    const graph = graphOf(lib);
    if (graph) mods.push({ loaded: lib, graph, role: isInterp ? 'interp' : 'library' });
  }
  const { reach, edges: dlopenEdges, unknowns: dlopenUnknowns } = reachWithRuntimeLoading(main, mods, scanner, {
    graphOf, override, maxDepth: limits.maxChainDepth, libcModels: options.libcModels !== false, resolveDlopen: options.resolveDlopen, nssServices: options.nssServices,
  });
  if (reach.depthCut > 0) {
    limited.push(limitFact(main.path, 'maxChainDepth', `call chains deeper than ${limits.maxChainDepth} not followed (${reach.depthCut} functions not explored)`, `${scanner.arch}.syscalls`));
  }
  const table = loadLinuxSyscalls(arch);
  const byName = new Map<string, SyscallFact>();
  const unknowns: UnknownFact[] = [];
  // evidence is built only when it is kept (a program reaches thousands of sites, a fact lists a few)
  const add = (name: string, nr: number | null, program: boolean, artifact: string, evidence: () => Evidence): void => {
    let f = byName.get(name);
    if (!f) byName.set(name, (f = { kind: 'syscall', name, nr, arch, class: program ? 'program' : 'startup', evidence: [] }));
    if (program && f.class === 'startup') { f.class = 'program'; f.evidence.unshift(evidence()); f.evidence.length = Math.min(f.evidence.length, MAX_EVIDENCE); return; }
    if (f.evidence.length >= MAX_EVIDENCE) return;
    const sameArtifact = f.evidence.filter((e) => e.artifact === artifact).length;
    if (sameArtifact < 2) f.evidence.push(evidence());
  };
  for (const h of reach.hits) {
    const name = table.byNumber.get(h.nr);
    if (name === undefined) {
      if (unknowns.length < MAX_UNKNOWNS) unknowns.push({ kind: 'unknown', reason: 'unknown-syscall-number', message: `syscall number ${h.nr} is not in the ${arch} table`, evidence: [siteEvidence(reach, h.node, h.addr, `#${h.nr}`, h.via)] });
      continue;
    }
    add(name, h.nr, h.program, nodeName(reach, h.node).mod.loaded.path, () => siteEvidence(reach, h.node, h.addr, name, h.via));
  }
  for (const o of reach.overridden) {
    const { mod, name: fn } = nodeName(reach, o.node);
    for (const s of o.syscalls) {
      const nr = table.byName.get(s);
      add(s, nr ?? null, o.program, o.source, () => ({ artifact: o.source, extractor: `libc-summary.${options.libc ?? 'musl'}`, function: fn, chain: [`${mod.loaded.path}:${fn}`, o.name, s] }));
    }
  }
  addKernelSigreturn(byName, table.byName.get('rt_sigreturn'), arch, main.path);
  // an import unresolved at many call sites is one unknown; a Python extension module's C API calls are one
  const pythonModule = isPythonExtension(main);
  const seenImports = new Set<string>();
  const pythonApi: string[] = [];
  for (const u of reach.unknowns) {
    if (u.name !== undefined) {
      const plain = u.name.replace(/@.*$/, '');
      if (seenImports.has(plain)) continue;
      seenImports.add(plain);
      if (pythonModule && /^_?Py[A-Z_a-z]/.test(plain)) { pythonApi.push(plain); continue; }
    }
    if (unknowns.length >= MAX_UNKNOWNS) {
      unknowns.push({ kind: 'unknown', reason: 'limit-exceeded', message: `more than ${MAX_UNKNOWNS} unresolved sites; the rest are not listed`, evidence: [{ artifact: main.path, extractor: `${arch}.syscalls` }] });
      break;
    }
    const { mod, name } = nodeName(reach, u.node);
    unknowns.push({ kind: 'unknown', reason: u.reason, message: `${u.message} (${u.program ? 'program' : 'start-up'} code)`,
      evidence: [{ artifact: mod.loaded.path, extractor: `${arch}.syscalls`, address: '0x' + u.addr.toString(16), function: name }] });
  }
  if (pythonApi.length) {
    unknowns.push({ kind: 'unknown', reason: 'unresolved-library',
      message: `${pythonApi.length} imports of the Python C API (${pythonApi.slice(0, 3).join(', ')}${pythonApi.length > 3 ? ', …' : ''}) come from the interpreter that loads this extension module: scan that interpreter (python3 or libpython3) for their syscalls`,
      evidence: [{ artifact: main.path, extractor: `${arch}.syscalls`, detail: pythonApi.join(' ') }] });
  }
  const constArgs = constArgsByNumber(reach);
  for (const f of byName.values()) { const c = f.nr === null ? undefined : constArgs.get(f.nr); if (c) f.constArgs = c; }
  const facts: Fact[] = [...[...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), ...unknowns, ...dlopenUnknowns, ...limited];
  const libcModels = reach.held.map((h) => ({
    model: h.model, library: reach.mods[h.module].loaded.path, calls: h.edges,
    syscalls: [...new Set([...h.sites, ...h.adds].map((nr) => table.byNumber.get(nr) ?? `#${nr}`))].sort(),
  }));
  return { facts, stats: { indirectCalls: reach.indirect, addressTakenFunctions: reach.addressTaken }, dlopenEdges, libcModels };
}

/**
 * On aarch64 a signal handler installed without SA_RESTORER (glibc's sigaction never sets it) returns through the
 * kernel's vDSO trampoline __kernel_rt_sigreturn (Linux arch/arm64/kernel/signal.c setup_return, vdso/sigreturn.S),
 * code no module of the program holds: rt_sigaction reachable means rt_sigreturn too. x86-64 needs SA_RESTORER, so
 * there the libc's own restorer (glibc's __restore_rt) is in the analysed code.
 */
function addKernelSigreturn(byName: Map<string, SyscallFact>, nr: number | undefined, arch: Arch, program: string): void {
  const sigaction = byName.get('rt_sigaction');
  if (arch !== 'aarch64' || !sigaction || byName.has('rt_sigreturn')) return;
  byName.set('rt_sigreturn', {
    kind: 'syscall', name: 'rt_sigreturn', nr: nr ?? null, arch, class: sigaction.class,
    evidence: [{ artifact: program, extractor: 'aarch64.vdso', function: '__kernel_rt_sigreturn', chain: ['rt_sigaction (a handler without SA_RESTORER)', 'linux-vdso.so.1:__kernel_rt_sigreturn', 'rt_sigreturn'] }],
  });
}
