import type { ModuleGraph } from '../module-graph.js';
import type { ProgramModule } from './types.js';
import { importArgsAt } from './import-args.js';
import { nssEntriesOf, strippedStaticNss } from './nss-entries.js';
import type { ReachContext } from './reach-context.js';

/** dlsym and dlvsym, with or without a version. */
const DLSYM = /^dlv?sym(@|$)/;
/** dlopen and dlmopen: the argument that names the library. */
const DLOPEN = /^(dlopen|dlmopen)(@|$)/;

/**
 * Libraries the program loads at run time, as the reach meets the calls that load them: a constant dlopen name brings
 * the modules joined for it (their constructors run at the call), a constant dlsym name the function of that name,
 * and glibc's NSS entry points the modules of the configured services (all their exports).
 */
export class LoadCalls {
  /** Modules a dlopen call brings in, by the name it passes. */
  private readonly dlopenModules = new Map<string, number[]>();
  /** Nodes of glibc's NSS machinery that load the services' modules. */
  private readonly nssEntries = new Set<number>();

  constructor(private readonly p: ReachContext) {
    p.mods.forEach((m, mi) => { for (const name of m.dlopenedAs ?? []) this.dlopenModules.set(name, [...(this.dlopenModules.get(name) ?? []), mi]); });
    p.mods.forEach((m, mi) => {
      if (m.nssService !== undefined || m.dlopenedAs !== undefined) return;
      for (const f of nssEntriesOf(m.graph)) this.nssEntries.add(p.nodes.offset[mi] + f);
      // a stripped static glibc program: its NSS functions have no names, so its main (what the entry code passes on) stands for them
      if (strippedStaticNss(m)) { const g = m.graph, passed = g.entry >= 0 ? g.refs.at(g.entry) : []; for (const f of passed.length > 0 ? passed : g.entry >= 0 ? [g.entry] : []) this.nssEntries.add(p.nodes.offset[mi] + f); }
    });
  }

  /** Node ID is reached: the first NSS entry point reached loads the services' modules. */
  reached(id: number): void {
    if (this.p.r.nssFrom < 0 && this.nssEntries.has(id)) this.nssReached(id);
  }

  /** Import IDX called at ADDR in function F (node ID) of module MI: follows it when it is dlsym, dlvsym, dlopen or dlmopen. */
  importCall(mi: number, f: number, addr: number, id: number, idx: number): void {
    const g = this.p.mods[mi].graph;
    if (dlsymImportsOf(g).has(idx)) this.lookedUp(mi, f, addr, id);
    const nameArg = dlopenImportsOf(g).get(idx);
    if (nameArg !== undefined) this.opened(mi, f, addr, id, nameArg);
  }

  /** dlsym(handle, "name") with a constant name: the function of that name in the closure is called like an import. */
  private lookedUp(mi: number, f: number, addr: number, id: number): void {
    const mod = this.p.mods[mi];
    const ptr = importArgsAt(mod, this.p.scanner, f, addr)?.consts[1];
    const name = ptr === undefined || Number.isNaN(ptr) ? undefined : cStringAt(mod, ptr);
    if (!name) { this.p.r.dlsymUnknown = true; return; }
    const target = this.p.nodes.resolveImport(name);
    if (target >= 0) { this.p.held.fromOutside(target, mi); this.p.work.visit(target, id, `(dlsym "${name}")`); }
  }

  /** dlopen(name, …) / dlmopen(lmid, name, …): a constant name brings that library's constructors (and, with dlopenedExportsAreRoots, its exports). */
  private opened(mi: number, f: number, addr: number, id: number, nameArg: number): void {
    const { p } = this;
    const ptr = importArgsAt(p.mods[mi], p.scanner, f, addr)?.consts[nameArg];
    if (ptr === 0) return; // dlopen(NULL): the program itself, already loaded
    const name = ptr === undefined || Number.isNaN(ptr) ? undefined : pathStringAt(p.mods[mi], ptr);
    p.r.dlopens.push({ name, node: id, addr, program: p.program });
    for (const lm of (name !== undefined ? this.dlopenModules.get(name) : undefined) ?? []) {
      const g = p.mods[lm].graph, base = p.nodes.offset[lm];
      p.gate.activate(lm, id);
      for (const c of g.initRoots) p.work.visit(base + c, id, `(dlopen "${name}") ${g.names[c]}`);
      if (p.options.dlopenedExportsAreRoots) for (const [key, e] of Object.entries(g.exports)) if (!key.includes('@')) p.work.visit(base + e, id, `(dlopen "${name}", dlsym) ${key}`);
    }
  }

  /** glibc's NSS lookups load the modules of /etc/nsswitch.conf and call their _nss_* functions, found by name. */
  private nssReached(id: number): void {
    const { p } = this;
    p.r.nssFrom = id;
    p.mods.forEach((m, mi) => {
      if (m.nssService === undefined) return;
      const g = m.graph, base = p.nodes.offset[mi];
      p.gate.activate(mi, id);
      const why = (name: string) => `(NSS service "${m.nssService}", ${m.nssOrigin ?? '/etc/nsswitch.conf'}) ${name}`;
      for (const c of g.initRoots) p.work.visit(base + c, id, why(g.names[c]));
      if (!m.nssDependency) for (const [key, e] of Object.entries(g.exports)) if (!key.includes('@')) p.work.visit(base + e, id, why(key));
    });
  }
}

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

/** Per graph, the import indices of dlsym / dlvsym (matched once per graph, not at every call site). */
const dlsymTables = new WeakMap<ModuleGraph, Set<number>>();
function dlsymImportsOf(g: ModuleGraph): Set<number> {
  let t = dlsymTables.get(g);
  if (!t) { t = new Set(g.importNames.flatMap((n, i) => (DLSYM.test(n) ? [i] : []))); dlsymTables.set(g, t); }
  return t;
}

/** A NUL-terminated file name at virtual address ADDR in MOD's file (printable, at most 4096 bytes), or undefined. */
function pathStringAt(mod: ProgramModule, addr: number): string | undefined {
  return stringAt(mod, addr, 4096, /^[\x21-\x7e]+$/);
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
