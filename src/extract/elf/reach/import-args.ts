import type { LoadedElf } from '../resolve-libraries.js';
import type { CodeScanner } from '../scan-types.js';
import type { ModuleGraph } from '../module-graph.js';
import { findExecRanges, functionSpan, rangeOf } from '../functions.js';
import { CONST, loadShape } from '../reg-state.js';
import { loadedNumbers, readOnlyData, type ReadOnlyData } from '../readonly-values.js';
import { readSymbols } from '../symbols.js';
import type { ProgramModule, Reach } from './types.js';

/**
 * Argument registers before an import call site: constants (NaN when not constant), and when some argument is loaded
 * from memory at a known address, each argument's abstract kind and anchor (reg-state.ts).
 */
export interface ImportArgs { consts: Float64Array; loads?: { kinds: Uint8Array; anchors: Float64Array } }

/**
 * Argument registers before each import call site of one function, from one data-flow pass over the function; kept
 * per thread by content hash, as libraries are shared by many programs.
 */
const importArgMemo = new Map<string, Map<number, ImportArgs>>();
const IMPORT_ARG_MEMO_MAX = 50_000;

/** The argument registers before the import call at ADDR in function F of MOD. */
export function importArgsAt(mod: ProgramModule, scanner: CodeScanner, f: number, addr: number): ImportArgs | undefined {
  const key = `${mod.graph.sha256}:${mod.graph.arch}:${f}`;
  let states = importArgMemo.get(key);
  if (!states) {
    states = flowImportSites(mod, scanner, f);
    if (importArgMemo.size >= IMPORT_ARG_MEMO_MAX) importArgMemo.delete(importArgMemo.keys().next().value!);
    importArgMemo.set(key, states);
  }
  return states.get(addr);
}

function flowImportSites(mod: ProgramModule, scanner: CodeScanner, f: number): Map<number, ImportArgs> {
  const out = new Map<number, ImportArgs>();
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
  for (const [a, st] of states) {
    const args: ImportArgs = { consts: Float64Array.from(scanner.argRegs, (reg) => (st.kind[reg] === CONST ? st.val[reg] : NaN)) };
    if (scanner.argRegs.some((reg) => loadShape(st.kind[reg]))) {
      args.loads = { kinds: Uint8Array.from(scanner.argRegs, (reg) => st.kind[reg]), anchors: Float64Array.from(scanner.argRegs, (reg) => st.val[reg]) };
    }
    out.set(a, args);
  }
  return out;
}

/** The numbers argument PARAM of an import call holds when it is loaded from the caller's read-only data (a table of syscall numbers). */
function loadedArgument(mod: ProgramModule, st: ImportArgs, param: number): number[] | undefined {
  if (!st.loads) return undefined;
  let ro = readOnlyDataOf.get(mod.loaded);
  if (!ro) readOnlyDataOf.set(mod.loaded, (ro = readOnlyData(mod.loaded.elf, [...readSymbols(mod.loaded.elf, 'symtab'), ...mod.loaded.decoded.dynsym])));
  return loadedNumbers(mod.loaded.elf, ro, st.loads.kinds[param], st.loads.anchors[param]);
}
const readOnlyDataOf = new WeakMap<LoadedElf, ReadOnlyData>();

/** A call to another module's syscall wrapper: the number (a constant, or every value of a read-only table) from the caller's argument register. */
export function wrapperCall(r: Reach, mod: ProgramModule, scanner: CodeScanner, id: number, f: number, addr: number, name: string, param: number, program: boolean): void {
  const st = importArgsAt(mod, scanner, f, addr);
  const nr = st?.consts[param];
  const numbers = st && nr !== undefined && !Number.isNaN(nr) && nr < 4096 ? [nr] : st && loadedArgument(mod, st, param);
  if (st && numbers) {
    const args = Array.from(st.consts.subarray(param + 1, param + 7), (v) => (Number.isNaN(v) ? null : v));
    for (const n of numbers) r.hits.push({ nr: n, node: id, addr, via: name, program, args });
  } else r.unknowns.push({ reason: 'indirect-syscall', node: id, addr, program, message: `syscall number passed to ${name} is not a constant` });
}

/**
 * An imported function that makes a feature syscall with one of its parameters as an argument (glibc's
 * `socket(domain, …)` is `mov eax, 41; syscall` with edi untouched): read that parameter at the call site.
 */
export function followArgs(r: Reach, mod: ProgramModule, scanner: CodeScanner, f: number, addr: number, tg: ModuleGraph, tf: number, features: Set<number>): void {
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
    const v = st?.consts[w.param];
    if (v !== undefined && !Number.isNaN(v)) r.argHits.push({ nr: w.nr, index: w.index, value: v });
  }
}
