import { UkportError } from '../../errors.js';
import { findFunctions, rangeOf, type ExecRange, type FunctionTable } from './functions.js';
import type { Relocations } from './plt.js';
import { ScanLog } from './scan-log.js';
import { SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT, type ElfSymbol } from './symbols.js';
import { readFdeRanges } from './eh-frame.js';
import { findCodeWords } from './module-roots.js';
import type { ElfFile } from './reader.js';
import type { CodeScanner } from './scan-types.js';

/** A module's functions, the recorded first sweep, the code FDEs and symbols describe, and (position-dependent files) code words. */
export interface FunctionTableBuild { fns: FunctionTable; log: ScanLog; described: DescribedCode; codeWords?: number[] }

/**
 * The functions of ELF: from symbols, FDEs and ROOTS (entry, init arrays), then the starts the code itself shows
 * (findExtraStarts). The first sweep is recorded: the graph's sweep replays every function whose bounds the new starts
 * did not change.
 */
export function functionTable(elf: ElfFile, ranges: ExecRange[], relocs: Relocations, symbols: ElfSymbol[], roots: number[], scanner: CodeScanner,
  maxFunctions?: number, path = elf.path): FunctionTableBuild {
  const fdes = readFdeRanges(elf), fdeStarts = fdes.map((r) => r.start);
  const first = findFunctions(ranges, symbols, elf, roots, fdeStarts);
  const log = ScanLog.record(elf.buf, ranges, first, scanner);
  const described = describedCode(fdes, symbols);
  const codeWords = elf.type === 2 ? findCodeWords(elf, ranges) : undefined;
  const extra = findExtraStarts(log, ranges, first, relocs, described, codeWords);
  if (maxFunctions !== undefined && first.starts.length + extra.length > maxFunctions) {
    throw new UkportError('limit-exceeded', `${first.starts.length + extra.length} functions exceed the limit of ${maxFunctions}`, path);
  }
  return { fns: extra.length > 0 ? findFunctions(ranges, symbols, elf, [...roots, ...extra], fdeStarts) : first, log, described, codeWords };
}

/** Code whose function bounds are known exactly (FDE ranges, sized function symbols): sorted, merged [start, end) pairs. */
export interface DescribedCode { starts: number[]; ends: number[] }

/** The code FDEs and sized function symbols describe. */
export function describedCode(fdes: { start: number; end: number }[], symbols: ElfSymbol[]): DescribedCode {
  return mergeSpans([...fdes.filter((r) => r.end > r.start).map((r) => [r.start, r.end] as const), ...symbolSpans(symbols, [STT_FUNC, STT_GNU_IFUNC])]);
}

/** What sized object symbols declare data (wherever it lies: perlasm's `.type ecp_nistz256_precomputed,@object` in .text). */
export function declaredData(symbols: ElfSymbol[]): DescribedCode {
  return mergeSpans(symbolSpans(symbols, [STT_OBJECT]));
}

function symbolSpans(symbols: ElfSymbol[], types: number[]): (readonly [number, number])[] {
  const spans: (readonly [number, number])[] = [];
  for (const s of symbols) {
    if (s.shndx === SHN_UNDEF || !types.includes(s.type) || s.size === 0n || s.value >= 2n ** 52n) continue;
    spans.push([Number(s.value), Number(s.value) + Math.min(Number(s.size), 2 ** 40)]);
  }
  return spans;
}

/** Sorted, merged [start, end) pairs of SPANS. */
function mergeSpans(spans: (readonly [number, number])[]): DescribedCode {
  spans.sort((a, b) => a[0] - b[0]);
  const out: DescribedCode = { starts: [], ends: [] };
  for (const [a, b] of spans) {
    const n = out.ends.length;
    if (n > 0 && a <= out.ends[n - 1]) out.ends[n - 1] = Math.max(out.ends[n - 1], b);
    else { out.starts.push(a); out.ends.push(b); }
  }
  return out;
}

/** Whether ADDR lies inside described code (at a described function's start counts as inside). */
export function isDescribed(d: DescribedCode, addr: number): boolean {
  const i = lastAtOrBelow(d.starts, addr);
  return i >= 0 && addr < d.ends[i];
}

/** Rounds of splitting: each round's new starts may turn jumps inside a function into jumps that leave it. */
const MAX_ROUNDS = 8;

/**
 * Code addresses that start a function although no symbol or FDE says so, from the recorded sweep over FNS and the
 * relocations: direct call and tail-call targets, code whose address is taken outside it, code a pointer in data names.
 * CODEWORDS (position-dependent files only, which carry no relocations for their own pointers): data words and
 * code immediates whose value lies in code are code pointers (a table of entry functions, `mov $main, %rdi`), where
 * no FDE or sized symbol describes the code (there bounds are exact already) and where the sweep saw a function
 * could start (an instruction after padding or the end of a flow; a value that only looks like an address is not).
 * A new start splits the function it lies in; a jump from one piece into another is then a tail call, whose target
 * starts a function too (musl's stripped `__syscall_cp: jmp __syscall_cp_c`, both inside one function at first).
 */
export function findExtraStarts(log: ScanLog, ranges: ExecRange[], fns: FunctionTable, relocs: Relocations, described: DescribedCode, codeWords?: number[]): number[] {
  const known = new Set(fns.starts);
  const out = new Set<number>();
  let added: number[] = [];
  const add = (target: number, site?: number): void => {
    // inside code an FDE or symbol describes, a target the sweep did not decode as an instruction, named from bytes
    // nothing describes, comes from data read as code (a table): it would cut a real instruction in two (described
    // code may name one: glibc's __restore_rt sits one byte into its FDE, after padding the sweep read across)
    if (known.has(target) || (site !== undefined && !isDescribed(described, site) && isDescribed(described, target) && !log.isInstruction(target))) return;
    const ri = rangeOf(ranges, target);
    if (ri >= 0 && !ranges[ri].plt) { known.add(target); out.add(target); added.push(target); }
  };
  const addPointer = (target: number): void => { if (!known.has(target) && !isDescribed(described, target) && log.mayStartFunction(target)) add(target); };
  for (let fn = 0; fn < fns.starts.length; fn++) {
    const lo = fns.starts[fn], hi = fns.ends[fn];
    // calls, and jumps that leave the function (tail calls into static functions without symbols)
    log.forEachBranch(fn, (addr, target, isCall) => { if (isCall || target < lo || target >= hi) add(target, addr); });
    // code whose address is taken outside it (glibc's sa_restorer __restore_rt has no symbol or FDE of its own)
    log.forEachAddress(fn, (target, addr) => { if (target < lo || target >= hi) add(target, addr); });
    if (codeWords) log.forEachImmediate(fn, addPointer);
  }
  // a static function stored in a table
  for (const t of relocs.slots.values()) if (t.kind === 'local') add(t.addr);
  if (codeWords) for (const w of codeWords) addPointer(w);
  for (let round = 0; round < MAX_ROUNDS && added.length > 0; round++) {
    const split = splitFunctions(fns, added);
    added = [];
    const all = [...known].sort((a, b) => a - b);
    for (const fn of split) {
      const leaves = (addr: number, target: number): boolean => {
        const i = lastAtOrBelow(all, addr);
        return target < all[i] || (i + 1 < all.length && target >= all[i + 1]) || target >= fns.ends[fn];
      };
      log.forEachBranch(fn, (addr, target) => { if (!isDescribed(described, addr) && leaves(addr, target)) add(target, addr); });
      log.forEachAddress(fn, (target, addr) => { if (!isDescribed(described, addr) && leaves(addr, target)) add(target, addr); });
    }
  }
  return [...out];
}

/** Recorded functions of FNS that one of STARTS falls strictly inside. */
function splitFunctions(fns: FunctionTable, starts: number[]): number[] {
  const out = new Set<number>();
  for (const s of starts) {
    const i = lastAtOrBelow(fns.starts, s);
    if (i >= 0 && fns.starts[i] < s && s < fns.ends[i]) out.add(i);
  }
  return [...out];
}

/** Index of the last element of sorted LIST at or below V, or -1. */
function lastAtOrBelow(list: number[], v: number): number {
  let lo = 0, hi = list.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] <= v) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return best;
}
