import { Graph, alg } from '@dagrejs/graphlib';
import type { MicroLibrary, UnikraftTable } from '../model/index.js';
import { conjunctsOf, evalKconfigExpr, type Truth } from './kconfig-expr.js';

/** Symbols known before planning: libc, architecture and HAVE_* switches. */
export type KnownSymbols = Map<string, boolean>;

/** One library's requirements: selected libraries and `depends on` conjuncts (alternatives). */
export interface LibraryRequirements {
  selects: string[];
  /** Each entry: libraries of which one must be present. */
  depends: string[][];
}

/** The micro-library graph of a release: nodes are libraries, edges `select` / `depends` to the libraries they require. */
export interface LibraryGraph {
  graph: Graph;
  /** Kconfig symbol (the library switch or one of its options) → library name. */
  bySymbol: Map<string, string>;
  requirements: Map<string, LibraryRequirements>;
}

function selectsOf(table: UnikraftTable, lib: MicroLibrary): string[] {
  return table.kconfig?.[lib.kconfig]?.select ?? lib.select;
}

function dependsOf(table: UnikraftTable, lib: MicroLibrary): string[] {
  return table.kconfig?.[lib.kconfig]?.dependsOn ?? lib.dependsOn;
}

/**
 * Builds the requirement graph. `select X if C` counts unless C is known false (conditions on other libraries are
 * unknown here, so the graph over-approximates and the planner keeps what Kconfig would force); `imply` is a soft
 * default and is not followed; `depends on !X` and non-library symbols impose nothing to add.
 */
export function buildLibraryGraph(table: UnikraftTable, known: KnownSymbols): LibraryGraph {
  const bySymbol = new Map<string, string>();
  for (const lib of Object.values(table.libraries)) {
    for (const o of lib.options ?? []) if (!bySymbol.has(o)) bySymbol.set(o, lib.name);
  }
  for (const lib of Object.values(table.libraries)) if (lib.kconfig) bySymbol.set(lib.kconfig, lib.name);
  const truth = (sym: string): Truth => known.get(sym);
  const graph = new Graph({ directed: true, multigraph: false });
  const requirements = new Map<string, LibraryRequirements>();
  for (const lib of Object.values(table.libraries)) {
    graph.setNode(lib.name);
    const req: LibraryRequirements = { selects: [], depends: [] };
    for (const s of selectsOf(table, lib)) {
      const m = /^(\S+)(?:\s+if\s+(.+))?$/.exec(s.trim());
      if (!m) continue;
      if (m[2] && evalKconfigExpr(m[2], truth) === false) continue;
      const target = bySymbol.get(m[1]!);
      if (target && target !== lib.name && !req.selects.includes(target)) req.selects.push(target);
    }
    for (const expr of dependsOf(table, lib)) {
      if (evalKconfigExpr(expr, truth) === true) continue;
      for (const alts of conjunctsOf(expr)) {
        const libs = alts.filter((a) => !a.startsWith('!')).map((a) => bySymbol.get(a.replace(/[()]/g, '').trim())).filter((x): x is string => !!x && x !== lib.name);
        // an alternative already known true (e.g. the arch) satisfies the conjunct
        if (alts.some((a) => evalKconfigExpr(a, truth) === true) || libs.length === 0) continue;
        req.depends.push([...new Set(libs)]);
      }
    }
    requirements.set(lib.name, req);
  }
  for (const [name, req] of requirements) {
    for (const t of req.selects) graph.setEdge(name, t, 'select');
    for (const alts of req.depends) if (alts.length === 1) graph.setEdge(name, alts[0]!, 'depends');
  }
  return { graph, bySymbol, requirements };
}

/** Libraries a Kconfig option (not a library switch) selects or depends on, e.g. LIBVFSCORE_AUTOMOUNT_CI_INITRD → ramfs, ukcpio. */
export function optionLibraries(table: UnikraftTable, g: LibraryGraph, symbol: string, known: KnownSymbols): string[] {
  const e = table.kconfig?.[symbol];
  const out = new Set<string>();
  const owner = g.bySymbol.get(symbol);
  if (owner) out.add(owner);
  if (!e) return [...out];
  const truth = (s: string): Truth => known.get(s);
  for (const s of e.select) {
    const m = /^(\S+)(?:\s+if\s+(.+))?$/.exec(s.trim());
    if (!m || (m[2] && evalKconfigExpr(m[2], truth) === false)) continue;
    const lib = g.bySymbol.get(m[1]!);
    if (lib) out.add(lib);
  }
  for (const expr of e.dependsOn) {
    for (const alts of conjunctsOf(expr)) {
      if (alts.length !== 1 || alts[0]!.startsWith('!')) continue;
      const lib = g.bySymbol.get(alts[0]!.replace(/[()]/g, ''));
      if (lib) out.add(lib);
    }
  }
  return [...out];
}

/**
 * Closes SEEDS over select / depends on. For `depends on A || B`, an alternative already in the set is kept,
 * else the first. Returns every library with the libraries that require it.
 */
export function closeLibraries(g: LibraryGraph, seeds: string[]): Map<string, Set<string>> {
  const requiredBy = new Map<string, Set<string>>();
  for (const s of seeds) if (!requiredBy.has(s)) requiredBy.set(s, new Set());
  const work = [...requiredBy.keys()];
  const add = (lib: string, by: string) => {
    if (!requiredBy.has(lib)) { requiredBy.set(lib, new Set()); work.push(lib); }
    requiredBy.get(lib)!.add(by);
  };
  while (work.length > 0) {
    const lib = work.shift()!;
    const req = g.requirements.get(lib);
    if (!req) continue;
    for (const t of req.selects) add(t, lib);
    for (const alts of req.depends) add(alts.find((a) => requiredBy.has(a)) ?? alts[0]!, lib);
  }
  return requiredBy;
}

/** Libraries reachable from LIB through hard edges (what adding LIB costs), LIB included. */
export function reachFrom(g: LibraryGraph, lib: string): string[] {
  return g.graph.hasNode(lib) ? alg.preorder(g.graph, [lib]) : [lib];
}
