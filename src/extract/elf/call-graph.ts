import { UkportError } from '../../errors.js';
import { GRAPH_VERSION, U_ABI32, type ModuleGraph } from './module-graph.js';
import type { LoadedElf } from './resolve-libraries.js';
import { EM_AARCH64 } from './reader.js';
import { STT_FUNC, STT_GNU_IFUNC, readSymbols, type ElfSymbol } from './symbols.js';
import { readDebugSymbols } from './debug-symbols.js';
import { findExecRanges, functionOf, rangeOf, type ExecRange } from './functions.js';
import { readRelocations, resolveSlot, type Relocations, type SlotTarget } from './plt.js';
import { ET_EXEC, findDataPointers, findExports, findInitAddresses } from './module-roots.js';
import { declaredData, functionTable } from './function-starts.js';
import { DecodeErrors } from './data-in-code.js';
import { buildDataRegions, regionOf } from './data-regions.js';
import { readPersonalities } from './eh-frame.js';
import type { ElfFile } from './reader.js';
import type { CodeScanner, ScanFunction, ScanSink } from './scan-types.js';
import { ScanLog, forEachRange } from './scan-log.js';
import { PackedLists } from './packed-lists.js';
import { x86GoScanner, x86Scanner } from './syscalls-x86_64.js';
import { aarch64Scanner } from './syscalls-aarch64.js';
import { BranchSites, resolveWrappers } from './wrappers.js';
import { loadedNumbers, readOnlyData, type ReadOnlyData } from './readonly-values.js';

export { GRAPH_VERSION, U_ABI32, U_DECODE, U_NUMBER, type ModuleGraph } from './module-graph.js';

const EMPTY_LISTS = new PackedLists(new Uint32Array(1), new Float64Array(0));
/** Slot visits spent on code that addresses the whole GOT before a module falls back to counting every pointer. */
const GOT_WHOLE_BUDGET = 1 << 20;

/** Scanner for a machine, or undefined when ukport cannot decode it. */
export function scannerFor(machine: number, elfClass: number): CodeScanner | undefined {
  if (elfClass !== 64) return undefined;
  return machine === EM_AARCH64 ? aarch64Scanner : machine === 62 ? x86Scanner : undefined;
}

/** Builds the call graph of one ELF: functions, edges, imports, syscall sites and wrappers (`replay: false` decodes the final functions again instead of replaying the first sweep: the reference the tests compare against). */
export function buildModuleGraph(mod: LoadedElf, scanner: CodeScanner, options: { replay?: boolean; debugFile?: string; maxFunctions?: number } = {}): ModuleGraph {
  const { elf, decoded } = mod;
  const ranges = findExecRanges(elf);
  const relocs = readRelocations(elf, decoded.dynsym, decoded.versions);
  // a stripped library's full symbol table, when its separate debug file is installed: tighter function and object bounds
  const symtab = readSymbols(elf, 'symtab');
  const symbols = [...(symtab.length === 0 && options.debugFile ? readDebugSymbols(elf, decoded.buildId, options.debugFile) ?? [] : symtab), ...decoded.dynsym];
  const initAddrs = findInitAddresses(elf, relocs);
  const entryAddr = elf.entry <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(elf.entry) : 0;
  const table = functionTable(elf, ranges, relocs, symbols, [entryAddr, ...initAddrs], scanner, options.maxFunctions, mod.path);
  const { fns } = table;
  let log: ScanLog | undefined = table.log;
  const n = fns.starts.length;
  // checked before the per-function tables exist: 6 million call targets in stripped code would exhaust the heap
  if (options.maxFunctions !== undefined && n > options.maxFunctions) throw new UkportError('limit-exceeded', `${n} functions exceed the limit of ${options.maxFunctions}`, mod.path);
  const startIndex = new Map<number, number>(fns.starts.map((a, i) => [a, i]));
  const g: ModuleGraph = {
    version: GRAPH_VERSION, arch: scanner.arch, sha256: decoded.info.sha256, names: fns.names, starts: fns.starts,
    calls: EMPTY_LISTS, refs: EMPTY_LISTS, imports: EMPTY_LISTS, importNames: [], importWeak: [],
    sites: Array.from({ length: n }, () => []), siteArgs: Array.from({ length: n }, () => []), argConsts: Array.from({ length: n }, () => []), unknownSites: Array.from({ length: n }, () => []),
    wrapperParam: new Array<number>(n).fill(-1), indirect: new Array<number>(n).fill(0),
    exports: {}, dataRoots: [], initRoots: [], entry: startIndex.get(entryAddr) ?? -1,
    regionStarts: [], regionPointers: [], regionContinues: [], rootRegions: [], dataRefs: EMPTY_LISTS, objectExports: {}, objectImports: [],
  };
  // per-function lists while building; packed into the graph at the end
  const calls: number[][] = Array.from({ length: n }, () => []), refs: number[][] = Array.from({ length: n }, () => []);
  const imports: number[][] = Array.from({ length: n }, () => []), dataRefs: number[][] = Array.from({ length: n }, () => []);
  const importIndex = new Map<string, number>();
  const writable = elf.sections.filter((sec) => (sec.flags & 1n) !== 0n && sec.name !== '.got' && sec.name !== '.got.plt')
    .map((sec) => [Number(sec.addr), Number(sec.addr) + sec.size] as const);
  const writableNonGot = (a: number): boolean => writable.some(([lo, hi]) => a >= lo && a < hi);
  const plt = readPltMap(elf.buf, ranges, scanner);
  const rawSites = new Map<number, number[]>();
  const decodeErrors = new DecodeErrors();
  const branchSites = new BranchSites();

  const importSlot = (name: string, weak: boolean): number => {
    let i = importIndex.get(name);
    if (i === undefined) { i = g.importNames.length; importIndex.set(name, i); g.importNames.push(name); g.importWeak.push(weak); }
    return i;
  };
  const addImport = (fn: number, t: SlotTarget & { kind: 'import' }, addr: number): void => { imports[fn].push(importSlot(t.name, t.weak), addr); };
  // Data objects: position-independent x86-64 code names every object it uses (rip-relative operands), so a
  // pointer stored in data counts only once code that references its region is reachable. Elsewhere every
  // region is a root (non-PIE data holds unrelocated pointers; aarch64 addresses are not all tracked).
  const objectSensitive = scanner.arch === 'x86_64' && elf.type === 3;
  const personalities = readPersonalities(elf);
  const regions = buildDataRegions(elf, relocs, symbols, decoded.dynsym, decoded.versions, (a) => startIndex.get(a) ?? functionOf(fns, a), importSlot,
    personalities.slots, objectSensitive ? codeDataTargets(log) : []);
  g.regionStarts = regions.starts; g.regionPointers = regions.pointers; g.regionContinues = regions.continues; g.objectExports = regions.objectExports; g.objectImports = regions.objectImports;
  const got = elf.sections.filter((sec) => sec.name === '.got' || sec.name === '.got.plt').map((sec) => [Number(sec.addr), Number(sec.addr) + sec.size] as const);
  const inGot = (a: number): boolean => got.some(([lo, hi]) => a >= lo && a < hi);
  /** Code at ADDR in FN reads or writes data at TARGET. */
  const touchData = (fn: number, addr: number, target: number): void => {
    if (!objectSensitive) return;
    const ri = regionOf(regions, target);
    if (ri >= 0) { const l = dataRefs[fn]; if (regions.useful[ri] && l[l.length - 1] !== ri) l.push(ri); return; }
    if (!inGot(target)) return;
    const t = relocs.slots.get(target);
    if (t) { toTarget(fn, t, addr, false); if (t.kind === 'local' && rangeOf(ranges, t.addr) < 0) touchData(fn, addr, t.addr); return; }
    // the GOT addressed as a whole (_GLOBAL_OFFSET_TABLE_ + offset): any slot may be read; other GOT words
    // without a slot relocation (TLS offsets, the loader's words) hold no code addresses
    if (!got.some(([lo]) => lo === target)) return;
    gotSlots ??= [...relocs.slots].filter(([slot]) => inGot(slot));
    if (gotWholeWork + gotSlots.length > GOT_WHOLE_BUDGET) { gotOverflow = true; return; }
    gotWholeWork += gotSlots.length;
    for (const [, st] of gotSlots) { toTarget(fn, st, addr, false); if (st.kind === 'local' && rangeOf(ranges, st.addr) < 0) touchData(fn, addr, st.addr); }
  };
  // GOT words whose address code takes instead of loading them, outside the PLT's lazy-binding stubs
  const gotAddressed = new Set<number>();
  const noteGotAddress = (addr: number, target: number): void => { if (inGot(target) && !ranges[rangeOf(ranges, addr)]?.plt) gotAddressed.add(target); };
  let gotSlots: [number, SlotTarget][] | undefined;
  let gotWholeWork = 0, gotOverflow = false;
  const addEdge = (fn: number, callee: number): void => { if (callee !== fn && !calls[fn].includes(callee)) calls[fn].push(callee); };
  const toTarget = (fn: number, t: SlotTarget | undefined, addr: number, control: boolean, viaPlt = false): void => {
    if (!t) { if (control) g.indirect[fn]++; return; }
    if (t.kind === 'import') { if (t.func) addImport(fn, t, addr); return; }
    codeTarget(fn, t.addr, addr, control, viaPlt);
  };
  const codeTarget = (fn: number, target: number, addr: number, control: boolean, viaPlt = false): void => {
    const ri = rangeOf(ranges, target);
    if (ri < 0) { if (control) g.indirect[fn]++; return; }
    if (ranges[ri].plt) {
      // a slot that still points into the PLT is filled lazily (ld.so) or by IRELATIVE processing: stop here
      const slot = viaPlt ? undefined : plt.get(target);
      if (slot !== undefined) toTarget(fn, resolveSlot(elf, relocs, slot), addr, control, true);
      return; // PLT0 / lazy binding: ld.so's resolver, analysed as its own module
    }
    const callee = functionOf(fns, target);
    if (callee < 0) return;
    if (control) { addEdge(fn, callee); branchSites.add(fn, addr, callee); }
    else if (!refs[fn].includes(callee)) refs[fn].push(callee);
  };

  const sink: ScanSink = {
    syscall: (fn, addr, abi) => {
      if (abi === 32) g.unknownSites[fn].push(addr, U_ABI32);
      else { let l = rawSites.get(fn); if (!l) rawSites.set(fn, (l = [])); l.push(addr); }
    },
    branch: (fn, addr, target, isCall) => {
      if (!isCall && target >= fns.starts[fn] && target < fns.ends[fn]) return;
      codeTarget(fn, target, addr, true);
    },
    slotRef: (fn, addr, slot, control) => {
      const t = resolveSlot(elf, relocs, slot);
      toTarget(fn, t, addr, control);
      if (!inGot(slot)) touchData(fn, addr, slot);
      if (t?.kind === 'local' && rangeOf(ranges, t.addr) < 0) { noteGotAddress(addr, t.addr); touchData(fn, addr, t.addr); }
      // a call through a writable variable (not the GOT) may see any value stored there at run time
      if (control && writableNonGot(slot)) g.indirect[fn]++;
    },
    // code whose address is taken counts whole, also from inside (glibc's sa_restorer __restore_rt sits one byte into its FDE)
    addressRef: (fn, addr, target) => { if (rangeOf(ranges, target) >= 0) codeTarget(fn, target, addr, false); else { noteGotAddress(addr, target); touchData(fn, addr, target); } },
    dataRef: (fn, addr, target) => { noteGotAddress(addr, target); touchData(fn, addr, target); },
    immediate: (fn, addr, value) => { if (startIndex.has(value) || plt.has(value)) codeTarget(fn, value, addr, false); },
    indirect: (fn) => { g.indirect[fn]++; },
    decodeError: (fn, addr) => decodeErrors.add(fn, addr),
    end: (fn, fallsThrough) => {
      const next = fn + 1;
      if (fallsThrough && next < n && fns.starts[next] === fns.ends[fn]) addEdge(fn, next);
    },
  };
  if (options.replay === false) forEachRange(elf.buf, ranges, fns, (bytes, r, list) => scanner.scan(bytes, r.start, list, sink));
  else log.sweep(elf.buf, ranges, fns, scanner, sink);
  decodeErrors.list(g, fns, log, branchSites, table.described, new Set([entryAddr, ...initAddrs, ...(table.codeWords ?? []),
    ...[...relocs.slots.values()].flatMap((t) => (t.kind === 'local' ? [t.addr] : [])), ...functionSymbolStarts(symbols)]), declaredData(symbols));
  log = undefined; // the recorded sweep is the largest transient of a build: let it go before the data flow below

  for (const [hot, cold] of coldParts(fns.names)) addEdge(hot, cold);
  let ro: ReadOnlyData | undefined;
  resolveWrappers(g, fns, ranges, elf.buf, numbersScanner(elf, scanner), rawSites, branchSites, (kind, anchor) => loadedNumbers(elf, (ro ??= readOnlyData(elf, symbols)), kind, anchor));

  for (const e of findExports(decoded.dynsym, decoded.versions)) {
    const i = startIndex.get(e.addr) ?? functionOf(fns, e.addr);
    if (i >= 0) g.exports[e.key] = i;
  }
  // Objects stay tracked unless hostile input exhausted a budget (too much code addressing the whole GOT, exported
  // objects too large to place): then, as in global mode, every region is a root and every stored pointer counts.
  const tracked = objectSensitive && !gotOverflow && !regions.overflow;
  g.rootRegions = tracked ? regions.roots : regions.starts.map((_a, i) => i);
  g.dataRoots = dataRootsOf(elf, relocs, tracked, inGot, startIndex, personalities.routines, loadedGotSlots(scanner.arch, elf, relocs, got, inGot, gotAddressed));
  g.initRoots = [...new Set(initAddrs.map((a) => startIndex.get(a) ?? -1).filter((i) => i >= 0))];
  g.calls = PackedLists.pack(calls); g.refs = PackedLists.pack(refs); g.imports = PackedLists.pack(imports);
  g.dataRefs = PackedLists.pack(dataRefs.map((l) => (l.length > 1 ? [...new Set(l)] : l)));
  return g;
}

/**
 * aarch64 position-independent code loads a GOT slot where it uses the pointer (adrp + ldr: a reference of that
 * function), so such a slot is no data root; unless code takes the GOT's own address (then any slot may be read) or
 * that slot's address, or an ifunc resolver fills it. Undefined: every GOT slot stays a root.
 */
function loadedGotSlots(arch: string, elf: ElfFile, relocs: Relocations, got: (readonly [number, number])[], inGot: (a: number) => boolean,
  gotAddressed: Set<number>): ((slot: number) => boolean) | undefined {
  if (arch !== 'aarch64' || elf.type === ET_EXEC || got.some(([lo]) => gotAddressed.has(lo))) return undefined;
  return (slot) => {
    const t = relocs.slots.get(slot);
    return inGot(slot) && !gotAddressed.has(slot) && t?.kind === 'local' && !t.ifunc;
  };
}

/**
 * Functions reachable through data once any indirect call is: with object tracking, the ifunc resolvers ld.so runs for
 * GOT slots at start-up (other pointers live in regions); without, every pointer stored in data. Personality routines too.
 */
function dataRootsOf(elf: ElfFile, relocs: Relocations, tracked: boolean, inGot: (a: number) => boolean, startIndex: Map<number, number>, personalities: number[],
  loadedGotSlot?: (slot: number) => boolean): number[] {
  const isStart = (a: number): boolean => startIndex.has(a);
  const dataPointers = tracked
    ? [...relocs.slots].filter(([where, t]) => t.kind === 'local' && t.ifunc && inGot(where) && isStart(t.addr)).map(([, t]) => (t as { addr: number }).addr)
    : findDataPointers(elf, relocs, isStart, loadedGotSlot);
  for (const a of personalities) if (isStart(a)) dataPointers.push(a);
  return [...new Set(dataPointers.map((a) => startIndex.get(a)!))];
}

/**
 * A split-off cold part (foo.cold) can be entered through foo's jump tables, which are not followed: when symbols name
 * it, foo reaches it. Returns (hot, cold) function pairs.
 */
function coldParts(names: string[]): [number, number][] {
  const byName = new Map(names.map((nm, i) => [nm, i]));
  const out: [number, number][] = [];
  names.forEach((nm, i) => {
    const m = /^(.+)\.cold(\.\d+)?$/.exec(nm);
    const hot = m ? byName.get(m[1]) : undefined;
    if (hot !== undefined) out.push([hot, i]);
  });
  return out;
}

/** The scanner whose calling conventions find syscall numbers: Go's for code a Go toolchain built (x86-64). */
function numbersScanner(elf: ElfFile, scanner: CodeScanner): CodeScanner {
  return scanner === x86Scanner && elf.sections.some((sec) => sec.name === '.gopclntab' || sec.name === '.go.buildinfo') ? x86GoScanner : scanner;
}

/** Addresses of function symbols (FUNC, IFUNC): code, whatever else takes their address. */
function functionSymbolStarts(symbols: ElfSymbol[]): number[] {
  return symbols.flatMap((s) => (s.shndx !== 0 && (s.type === STT_FUNC || s.type === STT_GNU_IFUNC) && s.value < 2n ** 52n ? [Number(s.value)] : []));
}

/** PLT entry address → GOT slot it jumps through, from the PLT sections' own code. */
function readPltMap(buf: Buffer, ranges: ExecRange[], scanner: CodeScanner): Map<number, number> {
  const map = new Map<number, number>();
  for (const r of ranges) {
    if (!r.plt) continue;
    const chunk = 16;
    const list: ScanFunction[] = [];
    for (let a = r.start, i = 0; a < r.end && i < 1_000_000; a += chunk, i++) list.push({ index: i, start: a, end: Math.min(a + chunk, r.end) });
    const sink: ScanSink = {
      syscall() {}, branch() {}, addressRef() {}, immediate() {}, indirect() {}, decodeError() {}, end() {},
      slotRef: (fn, addr, slot, control) => {
        if (!control) return;
        const entry = list[fn].start;
        if (!map.has(entry)) map.set(entry, slot);
        // aarch64 PLT entries may start with `bti c`; x86 IBT ones with endbr64: map the jump's own address too
        if (!map.has(addr)) map.set(addr, slot);
      },
    };
    scanner.scan(buf.subarray(r.offset, r.offset + (r.end - r.start)), r.start, list, sink);
  }
  return map;
}

function codeDataTargets(log: ScanLog): number[] {
  const out: number[] = [];
  log.forEachDataTarget((t) => out.push(t));
  return out;
}
