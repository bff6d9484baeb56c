import { GRAPH_VERSION, type ModuleGraph } from '../../src/extract/elf/module-graph.js';
import { PackedLists } from '../../src/extract/elf/packed-lists.js';
import type { LoadedElf } from '../../src/extract/elf/resolve-libraries.js';
import type { ProgramModule } from '../../src/extract/elf/reach/types.js';

/** One function of a synthetic module: what it calls (by name), takes the address of, imports, and its syscall sites. */
export interface FnSpec {
  calls?: string[];
  refs?: string[];
  imports?: string[];
  sites?: number[];
  /** Unknown sites as [address, U_* kind] pairs. */
  unknown?: number[];
  indirect?: number;
  dataRefs?: number[];
  wrapperParam?: number;
}

/** A module graph built by hand: functions by name in order (starts 0x1000 apart), exports by name. */
export function graph(fns: Record<string, FnSpec>, more: Partial<ModuleGraph> & { exportNames?: string[] } = {}): ModuleGraph {
  const names = Object.keys(fns);
  const index = (n: string): number => { const i = names.indexOf(n); if (i < 0) throw new Error(`no function ${n}`); return i; };
  const importNames = [...new Set(names.flatMap((n) => fns[n].imports ?? []))];
  const g: ModuleGraph = {
    version: GRAPH_VERSION, arch: 'x86_64', sha256: `test-${Math.random()}`, names, starts: names.map((_n, i) => 0x1000 * (i + 1)),
    calls: PackedLists.pack(names.map((n) => (fns[n].calls ?? []).map(index))),
    refs: PackedLists.pack(names.map((n) => (fns[n].refs ?? []).map(index))),
    imports: PackedLists.pack(names.map((n, i) => (fns[n].imports ?? []).flatMap((x, k) => [importNames.indexOf(x), 0x1000 * (i + 1) + 0x10 + k]))),
    importNames, importWeak: importNames.map(() => false),
    sites: names.map((n, i) => (fns[n].sites ?? []).flatMap((nr, k) => [nr, 0x1000 * (i + 1) + 0x100 + k, -1])),
    siteArgs: names.map((n) => (fns[n].sites ?? []).flatMap(() => [null, null, null, null, null, null])),
    argConsts: names.map(() => []),
    unknownSites: names.map((n) => fns[n].unknown ?? []),
    wrapperParam: names.map((n) => fns[n].wrapperParam ?? -1),
    indirect: names.map((n) => fns[n].indirect ?? 0),
    exports: Object.fromEntries((more.exportNames ?? []).map((n) => [n, index(n)])),
    dataRoots: [], regionStarts: [], regionPointers: [], regionContinues: [], rootRegions: [],
    dataRefs: PackedLists.pack(names.map((n) => fns[n].dataRefs ?? [])),
    objectExports: {}, objectImports: [], initRoots: [], entry: -1,
    ...more,
  };
  return g;
}

/** A program module around G; SONAME and the ELF facts the reach reads. */
export function module(g: ModuleGraph, role: ProgramModule['role'], opts: { soname?: string; static?: boolean; extra?: Partial<ProgramModule> } = {}): ProgramModule {
  const loaded = {
    path: `/test/${opts.soname ?? role}`,
    elf: { type: role === 'main' ? 2 : 3, buf: Buffer.alloc(0) },
    decoded: { dynamic: { soname: opts.soname }, info: { linking: opts.static ? 'static' : 'dynamic', stripped: false, interpreter: role === 'main' && !opts.static ? '/lib64/ld-linux-x86-64.so.2' : undefined } },
  } as unknown as LoadedElf;
  return { loaded, graph: g, role, ...opts.extra };
}
