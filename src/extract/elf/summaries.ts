import type { Evidence } from '../../model/index.js';
import type { LoadedElf } from './resolve-libraries.js';
import type { CodeScanner } from './scan-types.js';
import { findExecRanges, functionSpan, rangeOf } from './functions.js';
import { CONST } from './reg-state.js';
import { loadLinuxSyscalls } from '../../data/linux-syscalls.js';
import type { ModuleGraph } from './call-graph.js';
import { FEATURE_SYSCALLS } from './wrappers.js';
import { P_FUNCTION, P_REGION } from './data-regions.js';
import { LIBC_MODELS, isGlibcModule, modelsFor, syscallWitnesses, type ModuleModels } from './libc-models.js';

/** One module of the program as the composition sees it. */
export interface ProgramModule {
  loaded: LoadedElf;
  graph: ModuleGraph;
  role: 'main' | 'interp' | 'library';
  /** Set for a library that only dlopen calls bring in (the library named or one it needs): the names given to dlopen. */
  dlopenedAs?: string[];
  /** Set for an NSS module (libnss_NAME.so.2, or a library it needs) glibc loads for this service of /etc/nsswitch.conf. */
  nssService?: string;
  /** A library the NSS module needs (loaded with it; glibc calls only the module's own functions). */
  nssDependency?: boolean;
  /** Where the NSS module comes from, for evidence: `libnss_systemd.so.2, /etc/nsswitch.conf:2 "passwd: files systemd"`. */
  nssOrigin?: string;
}

/** A reachable dlopen / dlmopen call: the library name when it is a constant string. */
export interface DlopenHit { name?: string; node: number; addr: number; program: boolean }

/** A syscall number reached at one site, with the node (function) it sits in. */
export interface SiteHit { nr: number; node: number; addr: number; via?: string; program: boolean; args?: readonly (number | null)[]; argsAt?: number }
/** A constant syscall argument found at a call site of the function that makes the syscall. */
export interface ArgHit { nr: number; index: number; value: number }
/** A site that could not be resolved. */
export interface UnknownHit { reason: 'indirect-syscall' | 'syscall-32bit-abi' | 'decode-error' | 'unresolved-library'; node: number; addr: number; message: string; program: boolean; /** the import, for unresolved-library */ name?: string }

/** What is reachable, per node; `parent` gives evidence chains. */
export interface Reach {
  mods: ProgramModule[];
  offset: number[];
  parent: Int32Array;
  /** Why a root or an import target was reached (a thunk until read), by node. */
  label: (string | (() => string) | undefined)[];
  hits: SiteHit[];
  unknowns: UnknownHit[];
  indirect: number;
  addressTaken: number;
  argHits: ArgHit[];
  /** Functions not explored because they lie deeper than the chain-depth limit. */
  depthCut: number;
  /** Reachable dlopen calls. */
  dlopens: DlopenHit[];
  /** A reachable dlsym call whose name is not a constant string. */
  dlsymUnknown: boolean;
  /** The first node of glibc's NSS machinery reached (it loads the services of /etc/nsswitch.conf), or -1. */
  nssFrom: number;
  /**
   * What glibc models (libc-models.ts) held back and nothing released: per model and module, the calls and sites
   * held, and (`adds`, per model) the syscalls releasing the model would add to the prediction.
   */
  held: { model: string; module: number; edges: number; sites: number[]; adds: number[] }[];
}

const MAX_CHAIN = 8;

/** ld.so finds these libc entry points by name, not through relocations (glibc 2.32+: __libc_early_init). */
const LOADER_CALLBACKS = ['__libc_early_init'];

/** Native-mode hook: an import served by a libc summary instead of a library of the closure. */
export type ImportOverride = (name: string, from: ProgramModule) => { syscalls: string[]; source: string; wrapperParam?: number } | undefined;

/**
 * Reachability over all modules' call graphs. Pass 1 starts at the program's own roots (main, its
 * constructors, functions whose address its start-up code passes on); pass 2 at loader and libc start-up
 * roots (PT_INTERP entry, library constructors, the executable's entry). Sites first reached in pass 2 are
 * start-up only. An indirect call makes every data-referenced function of every module reachable.
 */
export function reachProgram(mods: ProgramModule[], scanner: CodeScanner, override?: ImportOverride, maxDepth = Infinity, dlopenedExportsAreRoots = false, libcModels = true): Reach & { overridden: { name: string; syscalls: string[]; source: string; node: number; program: boolean }[] } {
  const offset: number[] = [];
  let total = 0;
  for (const m of mods) { offset.push(total); total += m.graph.names.length; }
  // module of each node, as a table: looked up for every node processed and every import followed
  const moduleOf = new Uint32Array(total);
  mods.forEach((_m, mi) => moduleOf.fill(mi, offset[mi], mi + 1 < mods.length ? offset[mi + 1] : total));
  const modOf = (id: number): number => moduleOf[id];
  const parent = new Int32Array(total).fill(-2);
  const label = new Array<string | (() => string) | undefined>(total);
  const r: Reach = { mods, offset, parent, label, hits: [], unknowns: [], indirect: 0, addressTaken: 0, depthCut: 0, argHits: [], dlopens: [], dlsymUnknown: false, nssFrom: -1, held: [] };
  // modules a dlopen call brings in, by the name it passes
  const dlopenModules = new Map<string, number[]>();
  mods.forEach((m, mi) => { for (const name of m.dlopenedAs ?? []) dlopenModules.set(name, [...(dlopenModules.get(name) ?? []), mi]); });
  const features = new Set(FEATURE_SYSCALLS.map((s) => loadLinuxSyscalls(scanner.arch).byName.get(s)).filter((n): n is number => n !== undefined));
  const depth = new Int32Array(total);
  const cut = new Uint8Array(total);
  const overridden: { name: string; syscalls: string[]; source: string; node: number; program: boolean }[] = [];
  const resolved = new Map<string, number>();
  // per module, per import index: the node it resolves to (-2 not yet looked up)
  const importTarget = mods.map((m) => new Int32Array(m.graph.importNames.length).fill(-2));
  const queue = new Int32Array(total); // every node is queued at most once
  let tail = 0;
  let program = true;
  const visit = (id: number, from: number, why?: string | (() => string)): void => {
    if (parent[id] !== -2) return;
    const d = from >= 0 ? depth[from] + 1 : 0;
    if (d > maxDepth) { if (!cut[id]) { cut[id] = 1; r.depthCut++; } return; }
    if (cut[id]) { cut[id] = 0; r.depthCut--; }
    depth[id] = d;
    parent[id] = from;
    if (why) label[id] = why;
    queue[tail++] = id;
  };
  const resolveImport = (name: string): number => {
    const hit = resolved.get(name);
    if (hit !== undefined) return hit;
    const plain = name.replace(/@.*$/, '');
    let out = -1;
    for (const key of name === plain ? [name] : [name, plain]) {
      for (let m = 0; m < mods.length && out < 0; m++) {
        const f = mods[m].graph.exports[key];
        if (f !== undefined) out = offset[m] + f;
      }
      if (out >= 0) break;
    }
    resolved.set(name, out);
    return out;
  };
  // glibc models: calls and sites held back until what they need is reachable in any module (libc-models.ts)
  const glibc = mods.map((m) => isGlibcModule(m.loaded.decoded.dynamic.soname, m.role));
  const models: (ModuleModels | undefined)[] = mods.map((m) => (libcModels ? modelsFor(m.graph, m.role, scanner.arch) : undefined));
  const live = new Uint8Array(LIBC_MODELS.length);
  const heldEdges = new Map<number, number[]>(); // model → (from, to) pairs
  const heldSites = new Map<number, SiteHit[]>();
  let probing = false; // while what a held model would add is measured, only that model is released
  const releaseModel = (k: number, explicit = false): void => {
    if (live[k] || (probing && !explicit)) return;
    live[k] = 1;
    const e = heldEdges.get(k) ?? [];
    for (let i = 0; i < e.length; i += 2) visit(e[i + 1], e[i]);
    for (const h of heldSites.get(k) ?? []) r.hits.push(h);
    heldEdges.delete(k);
    heldSites.delete(k);
  };
  /** TARGET reached from module REFERRER (a call, a stored pointer, a dlsym): releases models waiting for a call from outside glibc. */
  const fromOutside = (target: number, referrer: number): void => {
    const tm = modOf(target), mm = models[tm];
    if (!mm || glibc[referrer] || referrer === tm) return;
    const ks = mm.outside.get(target - offset[tm]);
    if (ks) for (const k of ks) releaseModel(k);
  };
  // Data: a region is marked once reachable code references it (or it is a root); the pointers stored in marked
  // regions become reachable once the pass reaches an indirect call (the gate). The loader's own pointers are
  // start-up machinery: released in pass 2 only.
  const gateOpen = [false, false];
  // per module, allocated when its first region is marked: the node that marked each region (-1 a root, -2 unmarked)
  const markedFrom: (Int32Array | undefined)[] = mods.map(() => undefined);
  const regionStack: number[] = [];
  const pending: number[] = []; // (module, region, entry) triples of marked regions' pointers
  let dataPointers = 0;
  const release = (mi: number, ri: number, e: number): void => {
    const m = mods[mi], g = m.graph;
    if (program && m.role === 'interp') return;
    const v = e >>> 2, from = markedFrom[mi]![ri];
    if ((e & 3) === P_FUNCTION) {
      const node = offset[mi] + v;
      pointerToWrapper(g, v, node);
      if (parent[node] === -2) visit(node, from, () => `(pointer in data at 0x${g.regionStarts[ri].toString(16)}) ${g.names[v]}`);
      return;
    }
    const name = g.importNames[v];
    const ov = override ? override(name, m) : undefined;
    if (ov) { overridden.push({ name, syscalls: ov.syscalls, source: ov.source, node: from >= 0 ? from : offset[mi], program }); return; }
    const target = importNode(mi, v);
    if (target < 0) return;
    const tm = modOf(target);
    pointerToWrapper(mods[tm].graph, target - offset[tm], target);
    fromOutside(target, mi);
    if (parent[target] === -2) visit(target, from, () => `(pointer in data at 0x${g.regionStarts[ri].toString(16)}) ${name}`);
  };
  const markRegion = (mi0: number, ri0: number, from: number): void => {
    const g = mods[mi0].graph;
    const mf = (markedFrom[mi0] ??= new Int32Array(g.regionStarts.length).fill(-2));
    if (mf[ri0] !== -2) return;
    const chained = continuesOf(g);
    const interp = mods[mi0].role === 'interp';
    const todo = regionStack;
    todo.push(ri0);
    while (todo.length > 0) {
      const ri = todo.pop()!;
      if (mf[ri] !== -2) continue;
      mf[ri] = from;
      if (chained[ri]) todo.push(ri + 1);
      for (const e of g.regionPointers[ri]) {
        if ((e & 3) === P_REGION) { todo.push(e >>> 2); continue; }
        dataPointers++;
        // released now when the gate is open; kept for later when it is not, or when the loader's pointers wait for pass 2
        if (!gateOpen[program ? 0 : 1]) pending.push(mi0, ri, e);
        else { release(mi0, ri, e); if (program && interp) pending.push(mi0, ri, e); }
      }
    }
  };
  const openGate = (): void => {
    const pass = program ? 0 : 1;
    if (gateOpen[pass]) return;
    gateOpen[pass] = true;
    for (let i = 0; i < pending.length; i += 3) release(pending[i], pending[i + 1], pending[i + 2]);
    mods.forEach((_m, mi) => { if (active[mi]) releaseDataRoots(mi, -1); });
  };
  const releaseDataRoots = (mi: number, from: number): void => {
    const m = mods[mi];
    if (program && m.role === 'interp') return;
    for (const f of m.graph.dataRoots) {
      pointerToWrapper(m.graph, f, offset[mi] + f);
      if (parent[offset[mi] + f] === -2) visit(offset[mi] + f, from, () => `(address taken) ${m.graph.names[f]}`);
    }
  };
  // Modules loaded at run time (dlopen, NSS) are inactive until the code that loads them is reached: only then
  // do their TLS images, personality slots, imported objects and stored pointers count.
  const active = mods.map((m) => m.dlopenedAs === undefined && m.nssService === undefined);
  const exporters = (name: string): { mi: number; spans: number[] }[] => {
    const out: { mi: number; spans: number[] }[] = [];
    const plain = name.replace(/@.*$/, '');
    mods.forEach((m, mi) => { const spans = m.graph.objectExports[name] ?? m.graph.objectExports[plain]; if (spans) out.push({ mi, spans }); });
    return out;
  };
  /** Regions read without a visible reference, and data objects one module takes from another (FROM: the node loading MI, or -1). */
  const markModuleData = (mi: number, from: number): void => {
    const m = mods[mi];
    for (const ri of m.graph.rootRegions) markRegion(mi, ri, from);
    for (const name of m.graph.objectImports) for (const x of exporters(name)) if (x.mi !== mi) for (const ri of x.spans) markRegion(x.mi, ri, from);
  };
  const activate = (mi: number, from: number): void => {
    if (active[mi]) return;
    active[mi] = true;
    markModuleData(mi, from);
    // objects of MI that modules already loaded import
    const g = mods[mi].graph;
    mods.forEach((m, mj) => {
      if (mj === mi || !active[mj]) return;
      for (const name of m.graph.objectImports) { const spans = g.objectExports[name] ?? g.objectExports[name.replace(/@.*$/, '')]; if (spans) for (const ri of spans) markRegion(mi, ri, from); }
    });
    if (gateOpen[program ? 0 : 1]) releaseDataRoots(mi, from);
  };
  /** dlsym(handle, "name") with a constant name: the function of that name in the closure is called like an import. */
  const lookedUp = (mi: number, f: number, addr: number, id: number): void => {
    const mod = mods[mi];
    const ptr = importArgsAt(mod, scanner, f, addr)?.[1];
    const name = ptr === undefined || Number.isNaN(ptr) ? undefined : cStringAt(mod, ptr);
    if (!name) { r.dlsymUnknown = true; return; }
    const target = resolveImport(name);
    if (target >= 0) { fromOutside(target, mi); visit(target, id, `(dlsym "${name}")`); }
  };
  /** dlopen(name, …) / dlmopen(lmid, name, …): a constant name brings that library's constructors (and, with DLOPENEDEXPORTSAREROOTS, its exports). */
  const opened = (mi: number, f: number, addr: number, id: number, nameArg: number): void => {
    const ptr = importArgsAt(mods[mi], scanner, f, addr)?.[nameArg];
    if (ptr === 0) return; // dlopen(NULL): the program itself, already loaded
    const name = ptr === undefined || Number.isNaN(ptr) ? undefined : pathStringAt(mods[mi], ptr);
    r.dlopens.push({ name, node: id, addr, program });
    for (const lm of (name !== undefined ? dlopenModules.get(name) : undefined) ?? []) {
      const g = mods[lm].graph, base = offset[lm];
      activate(lm, id);
      for (const c of g.initRoots) visit(base + c, id, `(dlopen "${name}") ${g.names[c]}`);
      if (dlopenedExportsAreRoots) for (const [key, e] of Object.entries(g.exports)) if (!key.includes('@')) visit(base + e, id, `(dlopen "${name}", dlsym) ${key}`);
    }
  };
  // glibc's NSS lookups load the modules of /etc/nsswitch.conf and call their _nss_* functions, found by name
  const nssEntries = new Set<number>();
  mods.forEach((m, mi) => {
    if (m.nssService !== undefined || m.dlopenedAs !== undefined) return;
    for (const f of nssEntriesOf(m.graph)) nssEntries.add(offset[mi] + f);
    // a stripped static glibc program: its NSS functions have no names, so its main (what the entry code passes on) stands for them
    if (strippedStaticNss(m)) { const g = m.graph, passed = g.entry >= 0 ? g.refs.at(g.entry) : []; for (const f of passed.length > 0 ? passed : g.entry >= 0 ? [g.entry] : []) nssEntries.add(offset[mi] + f); }
  });
  const nssReached = (id: number): void => {
    r.nssFrom = id;
    mods.forEach((m, mi) => {
      if (m.nssService === undefined) return;
      const g = m.graph, base = offset[mi];
      activate(mi, id);
      const why = (name: string) => `(NSS service "${m.nssService}", ${m.nssOrigin ?? '/etc/nsswitch.conf'}) ${name}`;
      for (const c of g.initRoots) visit(base + c, id, why(g.names[c]));
      if (!m.nssDependency) for (const [key, e] of Object.entries(g.exports)) if (!key.includes('@')) visit(base + e, id, why(key));
    });
  };
  /** The node an import of module MI resolves to (-1 when no module exports it). */
  const importNode = (mi: number, idx: number): number => {
    let target = importTarget[mi][idx];
    if (target === -2) target = importTarget[mi][idx] = resolveImport(mods[mi].graph.importNames[idx]);
    return target;
  };

  // a syscall wrapper called through a pointer receives numbers nobody can see
  const wrapperWarned = new Set<string>();
  const pointerToWrapper = (g: ModuleGraph, f: number, node: number): void => {
    if (g.wrapperParam[f] < 0) return;
    const key = `${g.sha256}:${f}`;
    if (wrapperWarned.has(key)) return;
    wrapperWarned.add(key);
    r.unknowns.push({ reason: 'indirect-syscall', node, addr: g.starts[f], program, message: `syscall wrapper ${g.names[f]} is used through a function pointer; the numbers it receives are unknown` });
  };
  const process = (id: number): void => {
    const mi = modOf(id), mod = mods[mi], g = mod.graph, f = id - offset[mi];
    const base = offset[mi];
    if (r.nssFrom < 0 && nssEntries.has(id)) nssReached(id);
    const calls = g.calls, refs = g.refs, imps = g.imports.values;
    const mm = models[mi];
    const witnessOf = mm?.reached.get(f);
    if (witnessOf) for (const k of witnessOf) releaseModel(k);
    const heldFrom = mm?.edges.get(f);
    for (let k = calls.offsets[f], end = calls.offsets[f + 1]; k < end; k++) {
      const c = calls.values[k], m = heldFrom?.get(c);
      if (m !== undefined && !live[m]) push(heldEdges, m, id, base + c);
      else visit(base + c, id);
    }
    for (let k = refs.offsets[f], end = refs.offsets[f + 1]; k < end; k++) { const c = refs.values[k]; pointerToWrapper(g, c, id); visit(base + c, id); }
    for (let i = g.imports.offsets[f], end = g.imports.offsets[f + 1]; i < end; i += 2) {
      const name = g.importNames[imps[i]], addr = imps[i + 1];
      const ov = override ? override(name, mod) : undefined;
      if (ov) {
        overridden.push({ name, syscalls: ov.syscalls, source: ov.source, node: id, program });
        if (ov.wrapperParam !== undefined) wrapperCall(r, mod, scanner, id, f, addr, name, ov.wrapperParam, program);
        continue;
      }
      if (dlsymImportsOf(g).has(imps[i])) lookedUp(mi, f, addr, id);
      const nameArg = dlopenImportsOf(g).get(imps[i]);
      if (nameArg !== undefined) opened(mi, f, addr, id, nameArg);
      const target = importNode(mi, imps[i]);
      if (target < 0) {
        if (!g.importWeak[imps[i]]) r.unknowns.push({ reason: 'unresolved-library', node: id, addr, program, name, message: `imported function ${name} not found in any loaded library${override ? ' nor in the native libc\'s function summaries' : ''}` });
        continue;
      }
      fromOutside(target, mi);
      visit(target, id, name);
      const tm = modOf(target), tg = mods[tm].graph, tf = target - offset[tm];
      if (tg.wrapperParam[tf] >= 0) wrapperCall(r, mod, scanner, id, f, addr, name, tg.wrapperParam[tf], program);
      else followArgs(r, mod, scanner, f, addr, tg, tf, features);
    }
    const drefs = g.dataRefs;
    for (let k = drefs.offsets[f], end = drefs.offsets[f + 1]; k < end; k++) markRegion(mi, drefs.values[k], id);
    if (g.indirect[f] > 0) { r.indirect += g.indirect[f]; openGate(); }
    const s = g.sites[f];
    const ac = g.argConsts?.[f];
    if (Array.isArray(ac)) for (let i = 0; i + 2 < ac.length; i += 3) r.argHits.push({ nr: ac[i], index: ac[i + 1], value: ac[i + 2] });
    const sa = g.siteArgs?.[f];
    const heldIn = mm?.sites.get(f);
    for (let i = 0; i < s.length; i += 3) {
      const hit: SiteHit = { nr: s[i], node: id, addr: s[i + 1], via: s[i + 2] >= 0 ? g.names[s[i + 2]] : undefined, program, args: Array.isArray(sa) ? sa : undefined, argsAt: (i / 3) * 6 };
      const m = heldIn?.get(s[i]);
      if (m !== undefined && !live[m]) push(heldSites, m, hit);
      else r.hits.push(hit);
    }
    const u = g.unknownSites[f];
    for (let i = 0; i < u.length; i += 2) {
      const reason = u[i + 1] === 1 ? 'syscall-32bit-abi' : u[i + 1] === 2 ? 'decode-error' : 'indirect-syscall';
      const message = reason === 'decode-error' ? 'undecodable bytes inside a reachable function'
        : reason === 'syscall-32bit-abi' ? '32-bit syscall ABI (int 0x80 / sysenter / x32) in 64-bit code' : 'syscall number not a constant at this site';
      r.unknowns.push({ reason, node: id, addr: u[i], program, message });
    }
  };
  let head = 0; // breadth-first: shortest evidence chains; an index, as shift() on a large queue is linear
  // a syscall made outside glibc (a site, a syscall() call, or one whose number is unknown) releases the models waiting for it
  const witnessSyscalls = libcModels ? syscallWitnesses(scanner.arch) : new Map<number, number[]>();
  const outsideSyscalls = witnessSyscalls.size > 0;
  let hitsSeen = 0, unknownsSeen = 0;
  const syscallsOutside = (): void => {
    for (; hitsSeen < r.hits.length; hitsSeen++) {
      const h = r.hits[hitsSeen];
      if (!glibc[modOf(h.node)]) for (const k of witnessSyscalls.get(h.nr) ?? []) releaseModel(k);
    }
    for (; unknownsSeen < r.unknowns.length; unknownsSeen++) {
      const u = r.unknowns[unknownsSeen];
      if (u.reason === 'indirect-syscall' && !glibc[modOf(u.node)]) for (const ks of witnessSyscalls.values()) for (const k of ks) releaseModel(k);
    }
  };
  const drain = (): void => {
    while (head < tail) {
      while (head < tail) process(queue[head++]);
      if (outsideSyscalls) syscallsOutside();
    }
  };

  mods.forEach((_m, mi) => { if (active[mi]) markModuleData(mi, -1); });

  const main = mods.findIndex((m) => m.role === 'main');
  const mg = mods[main].graph;
  const mainFn = mg.names.indexOf('main');
  if (mainFn >= 0) visit(offset[main] + mainFn, -1, '(program) main');
  // a shared object scanned on its own (a library, a Python extension, a Node addon): whoever loads it may call
  // any of its exported functions
  const { elf: mainElf, decoded: mainDecoded } = mods[main].loaded;
  if (mainElf.type === 3 && !mainDecoded.info.interpreter) {
    for (const [key, f] of Object.entries(mg.exports)) if (!key.includes('@')) visit(offset[main] + f, -1, `(export) ${key}`);
  }
  // Static binaries: libc's own constructors live in the executable's init arrays; they are start-up.
  const staticMain = !mods.some((m) => m.role !== 'main');
  if (mg.entry >= 0) for (const f of mg.refs.at(mg.entry)) visit(offset[main] + f, -1, `(passed by entry) ${mg.names[f]}`);
  if (!staticMain) for (const f of mg.initRoots) visit(offset[main] + f, -1, `(constructor) ${mg.names[f]}`);
  drain();
  program = false;
  if (gateOpen[0]) openGate();
  if (mg.entry >= 0) visit(offset[main] + mg.entry, -1, `(entry) ${mg.names[mg.entry]}`);
  mods.forEach((m, mi) => {
    if (m.role === 'interp' && m.graph.entry >= 0) visit(offset[mi] + m.graph.entry, -1, `(loader entry) ${m.graph.names[m.graph.entry]}`);
    // a dlopened library's constructors run when the dlopen call does (above), not at start-up
    if (m.dlopenedAs === undefined && m.nssService === undefined) for (const f of m.graph.initRoots) visit(offset[mi] + f, -1, `(constructor) ${m.graph.names[f]}`);
    for (const cb of LOADER_CALLBACKS) {
      const f = m.graph.exports[cb];
      if (f !== undefined && m.role !== 'main') visit(offset[mi] + f, -1, `(loader callback) ${cb}`);
    }
  });
  drain();
  r.addressTaken = mods.reduce((a, m) => a + m.graph.dataRoots.length, dataPointers);
  const heldModels = [...new Set([...heldEdges.keys(), ...heldSites.keys()])];
  for (const k of heldModels) {
    const byModule = new Map<number, { edges: number; sites: number[] }>();
    const at = (node: number) => { const mi = modOf(node); let x = byModule.get(mi); if (!x) byModule.set(mi, (x = { edges: 0, sites: [] })); return x; };
    const e = heldEdges.get(k) ?? [];
    for (let i = 0; i < e.length; i += 2) at(e[i]).edges++;
    for (const h of heldSites.get(k) ?? []) at(h.node).sites.push(h.nr);
    for (const [module, x] of byModule) r.held.push({ model: LIBC_MODELS[k].id, module, ...x, adds: [] });
  }
  // What each held model would add: release it alone, follow what that reaches, keep the syscalls not predicted
  // before, then put every output back. Code one model's release reaches counts as reached for the next.
  if (heldModels.length > 0) {
    const predicted = new Set(r.hits.map((h) => h.nr));
    const saved = { hits: r.hits.length, unknowns: r.unknowns.length, argHits: r.argHits.length, dlopens: r.dlopens.length, overridden: overridden.length,
      indirect: r.indirect, depthCut: r.depthCut, dlsymUnknown: r.dlsymUnknown, nssFrom: r.nssFrom };
    probing = true;
    for (const k of heldModels) {
      const from = r.hits.length;
      releaseModel(k, true);
      drain();
      const adds = [...new Set(r.hits.slice(from).map((h) => h.nr))].filter((nr) => !predicted.has(nr)).sort((a, b) => a - b);
      for (const nr of adds) predicted.add(nr);
      for (const h of r.held) if (h.model === LIBC_MODELS[k].id) h.adds = adds;
    }
    r.hits.length = saved.hits; r.unknowns.length = saved.unknowns; r.argHits.length = saved.argHits; r.dlopens.length = saved.dlopens;
    overridden.length = saved.overridden;
    Object.assign(r, { indirect: saved.indirect, depthCut: saved.depthCut, dlsymUnknown: saved.dlsymUnknown, nssFrom: saved.nssFrom });
  }
  return { ...r, overridden };
}

/** Appends VALUES to the list under KEY. */
function push<T>(lists: Map<number, T[]>, key: number, ...values: T[]): void {
  const l = lists.get(key);
  if (l) l.push(...values); else lists.set(key, values);
}

/** dlsym and dlvsym, with or without a version. */
const DLSYM = /^dlv?sym(@|$)/;

/** glibc exports every NSS lookup goes through (2.34+: __nss_database_get; older: __nss_database_lookup). */
const NSS_ENTRIES = new Set(['__nss_database_get', '__nss_database_lookup', '__nss_database_lookup2', '__nss_lookup_function', '__nss_lookup', '__nss_next2']);

/** Whether M is a glibc whose NSS lookups load modules (it names one of the NSS entry points, or is a stripped static glibc program with NSS code). */
export function hasNssEntry(m: ProgramModule): boolean {
  return nssEntriesOf(m.graph).length > 0 || strippedStaticNss(m);
}

/**
 * A static program without a symbol table whose file holds glibc's "/etc/nsswitch.conf": glibc's NSS code is linked
 * in (a static program takes only what it calls), but nothing names its entry points.
 */
function strippedStaticNss(m: ProgramModule): boolean {
  const { info } = m.loaded.decoded;
  if (m.role !== 'main' || info.linking !== 'static' || !info.stripped || nssEntriesOf(m.graph).length > 0) return false;
  // the file is searched once per program, not once per reachability round
  let found = nssStringSeen.get(m.loaded);
  if (found === undefined) nssStringSeen.set(m.loaded, (found = m.loaded.elf.buf.includes('/etc/nsswitch.conf')));
  return found;
}
const nssStringSeen = new WeakMap<LoadedElf, boolean>();

/** Per graph, the functions that are NSS entry points (looked up once per graph: a large library exports tens of thousands). */
const nssEntryTables = new WeakMap<ModuleGraph, number[]>();
function nssEntriesOf(g: ModuleGraph): number[] {
  let t = nssEntryTables.get(g);
  if (!t) {
    t = [];
    for (const name of NSS_ENTRIES) for (const key of [name, `${name}@GLIBC_PRIVATE`, `${name}@GLIBC_2.2.5`, `${name}@GLIBC_2.17`]) { const f = g.exports[key]; if (f !== undefined && !t.includes(f)) t.push(f); }
    // a static glibc program has them as local functions (when its symbols are kept); it loads NSS modules too
    if (t.length === 0) g.names.forEach((n, f) => { if (NSS_ENTRIES.has(n)) t!.push(f); });
    nssEntryTables.set(g, t);
  }
  return t;
}

/** dlopen and dlmopen: the argument that names the library. */
const DLOPEN = /^(dlopen|dlmopen)(@|$)/;

/** Per graph, the import indices of dlopen / dlmopen → the index of their name argument. */
const dlopenTables = new WeakMap<ModuleGraph, Map<number, number>>();
function dlopenImportsOf(g: ModuleGraph): Map<number, number> {
  let t = dlopenTables.get(g);
  if (!t) {
    t = new Map();
    g.importNames.forEach((n, i) => { const m = DLOPEN.exec(n); if (m) t!.set(i, m[1] === 'dlmopen' ? 1 : 0); });
    dlopenTables.set(g, t);
  }
  return t;
}

/** A NUL-terminated file name at virtual address ADDR in MOD's file (printable, at most 4096 bytes), or undefined. */
function pathStringAt(mod: ProgramModule, addr: number): string | undefined {
  return stringAt(mod, addr, 4096, /^[\x21-\x7e]+$/);
}

/** Per graph, the import indices of dlsym / dlvsym (matched once per graph, not at every call site). */
const dlsymTables = new WeakMap<ModuleGraph, Set<number>>();
function dlsymImportsOf(g: ModuleGraph): Set<number> {
  let t = dlsymTables.get(g);
  if (!t) { t = new Set(g.importNames.flatMap((n, i) => (DLSYM.test(n) ? [i] : []))); dlsymTables.set(g, t); }
  return t;
}

/** A NUL-terminated symbol name at virtual address ADDR in MOD's file (at most 256 bytes), or undefined. */
function cStringAt(mod: ProgramModule, addr: number): string | undefined {
  return stringAt(mod, addr, 256, /^[A-Za-z_][A-Za-z0-9_.@]*$/);
}

/** A NUL-terminated string of at most MAX bytes at virtual address ADDR in MOD's file, when it matches SHAPE. */
function stringAt(mod: ProgramModule, addr: number, max: number, shape: RegExp): string | undefined {
  if (!Number.isSafeInteger(addr) || addr <= 0) return undefined;
  const { elf } = mod.loaded;
  const off = elf.offsetOfAddress(BigInt(addr));
  if (off === undefined || off >= elf.size) return undefined;
  const bytes = Buffer.from(elf.bytes(off, max + 1));
  const end = bytes.indexOf(0);
  if (end <= 0) return undefined;
  const name = bytes.toString('latin1', 0, end);
  return shape.test(name) ? name : undefined;
}

/** Per graph, 1 for each region whose marking marks the next one (regionContinues as a table, built once). */
const continuesTables = new WeakMap<ModuleGraph, Uint8Array>();
function continuesOf(g: ModuleGraph): Uint8Array {
  let t = continuesTables.get(g);
  if (!t) {
    t = new Uint8Array(g.regionStarts.length);
    for (const i of g.regionContinues) t[i] = 1;
    continuesTables.set(g, t);
  }
  return t;
}

/** A call to another module's syscall wrapper: recover the number from the caller's argument register. */
function wrapperCall(r: Reach, mod: ProgramModule, scanner: CodeScanner, id: number, f: number, addr: number, name: string, param: number, program: boolean): void {
  const st = importArgsAt(mod, scanner, f, addr);
  const nr = st?.[param];
  if (st && nr !== undefined && !Number.isNaN(nr) && nr < 4096) {
    const args = Array.from(st.subarray(param + 1, param + 7), (v) => (Number.isNaN(v) ? null : v));
    r.hits.push({ nr, node: id, addr, via: name, program, args });
  } else r.unknowns.push({ reason: 'indirect-syscall', node: id, addr, program, message: `syscall number passed to ${name} is not a constant` });
}

/**
 * An imported function that makes a feature syscall with one of its parameters as an argument (glibc's
 * `socket(domain, …)` is `mov eax, 41; syscall` with edi untouched): read that parameter at the call site.
 */
function followArgs(r: Reach, mod: ProgramModule, scanner: CodeScanner, f: number, addr: number, tg: ModuleGraph, tf: number, features: Set<number>): void {
  const sites = tg.sites[tf], sa = tg.siteArgs?.[tf];
  if (!Array.isArray(sa) || sites.length === 0) return;
  const wanted: { nr: number; index: number; param: number }[] = [];
  for (let i = 0; i < sites.length; i += 3) {
    if (!features.has(sites[i])) continue;
    for (let k = 0; k < 6; k++) {
      const v = sa[(i / 3) * 6 + k];
      if (typeof v === 'number' && v < 0) wanted.push({ nr: sites[i], index: k, param: -v - 1 });
    }
  }
  if (wanted.length === 0) return;
  const st = importArgsAt(mod, scanner, f, addr);
  for (const w of wanted) {
    const v = st?.[w.param];
    if (v !== undefined && !Number.isNaN(v)) r.argHits.push({ nr: w.nr, index: w.index, value: v });
  }
}

/**
 * Constant argument registers (NaN when not constant) before each import call site of one function, from one
 * data-flow pass over the function; kept per thread by content hash, as libraries are shared by many programs.
 */
const importArgMemo = new Map<string, Map<number, Float64Array>>();
const IMPORT_ARG_MEMO_MAX = 50_000;

function importArgsAt(mod: ProgramModule, scanner: CodeScanner, f: number, addr: number): Float64Array | undefined {
  const key = `${mod.graph.sha256}:${mod.graph.arch}:${f}`;
  let states = importArgMemo.get(key);
  if (!states) {
    states = flowImportSites(mod, scanner, f);
    if (importArgMemo.size >= IMPORT_ARG_MEMO_MAX) importArgMemo.delete(importArgMemo.keys().next().value!);
    importArgMemo.set(key, states);
  }
  return states.get(addr);
}

function flowImportSites(mod: ProgramModule, scanner: CodeScanner, f: number): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  const { elf } = mod.loaded;
  const ranges = findExecRanges(elf);
  const start = mod.graph.starts[f], ri = rangeOf(ranges, start);
  if (ri < 0) return out;
  const end = Math.min(f + 1 < mod.graph.starts.length ? mod.graph.starts[f + 1] : Infinity, ranges[ri].end);
  const rg = ranges[ri];
  const imps = mod.graph.imports.at(f);
  const queries: { addr: number }[] = [];
  for (let i = 1; i < imps.length; i += 2) queries.push({ addr: imps[i] });
  // the function's bytes alone: a library whose contents were released is not read whole again
  const states = scanner.flow(elf.bytes(...functionSpan(rg, start, end)), start, start, end, queries);
  for (const [a, st] of states) out.set(a, Float64Array.from(scanner.argRegs, (reg) => (st.kind[reg] === CONST ? st.val[reg] : NaN)));
  return out;
}

/** Constant arguments per syscall number, by argument index, from the sites and from callers of wrappers. */
export function constArgsByNumber(r: Reach): Map<number, Record<number, number[]>> {
  const out = new Map<number, Record<number, number[]>>();
  const add = (nr: number, index: number, value: number): void => {
    let rec = out.get(nr);
    if (!rec) out.set(nr, (rec = {}));
    const l = (rec[index] ??= []);
    if (!l.includes(value) && l.length < 32) l.push(value);
  };
  for (const h of r.hits) {
    if (!h.args) continue;
    // ARGS holds six arguments per site from ARGSAT (a function's sites share one list) or just this site's
    const at = h.argsAt ?? 0;
    for (let i = 0; i < 6 && at + i < h.args.length; i++) { const v = h.args[at + i]; if (typeof v === 'number' && v >= 0) add(h.nr, i, v); }
  }
  for (const a of r.argHits) add(a.nr, a.index, a.value);
  for (const rec of out.values()) for (const l of Object.values(rec)) l.sort((a, b) => a - b);
  return out;
}

/** Display name of a node: the function's name. */
export function nodeName(r: Reach, id: number): { mod: ProgramModule; name: string } {
  let mi = r.offset.length - 1;
  while (r.offset[mi] > id) mi--;
  return { mod: r.mods[mi], name: r.mods[mi].graph.names[id - r.offset[mi]] };
}

/** Chain from a root to NODE (import names where it crosses modules), bounded to MAX_CHAIN entries. */
export function chainTo(r: Reach, node: number, last: string): string[] {
  const out: string[] = [last];
  let id = node;
  for (let steps = 0; id >= 0 && steps < 10_000; steps++) {
    const { name } = nodeName(r, id);
    out.push(name);
    const raw = r.label[id];
    const l = typeof raw === 'function' ? raw() : raw;
    if (l && l !== name) out.push(l);
    id = r.parent[id];
  }
  out.reverse();
  if (out.length <= MAX_CHAIN) return out;
  // the run-time loading step (dlopen, dlsym, an NSS service) is the evidence a reader needs most: kept when cut
  const tail = MAX_CHAIN - 5;
  const loading = out.slice(3, out.length - tail).findLast((e) => RUNTIME_LOADING_LABEL.test(e));
  return loading ? [...out.slice(0, 3), '…', loading, ...out.slice(out.length - tail)] : [...out.slice(0, 3), '…', ...out.slice(out.length - (MAX_CHAIN - 4))];
}

const RUNTIME_LOADING_LABEL = /^\((dlopen|dlsym|NSS) /;

/** Evidence for a site hit. */
export function siteEvidence(r: Reach, node: number, addr: number, last: string, via?: string): Evidence {
  const { mod, name } = nodeName(r, node);
  return {
    artifact: mod.loaded.path,
    extractor: `${mod.graph.arch}.${via ? 'syscall-wrapper' : 'syscall-site'}`,
    address: '0x' + addr.toString(16),
    function: name,
    chain: chainTo(r, node, last),
    ...(via ? { detail: `number passed to ${via}` } : {}),
  };
}
