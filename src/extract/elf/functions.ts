import { PT_LOAD, SHF_EXECINSTR, SHT_NOBITS, type ElfFile } from './reader.js';
import { readFdeStarts } from './eh-frame.js';
import { SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, type ElfSymbol } from './symbols.js';

/** An executable address range and where its bytes are in the file. */
export interface ExecRange { name: string; start: number; end: number; offset: number; plt: boolean }

/** Functions as a partition of the executable ranges: [starts[i], ends[i]) with a display name. */
export interface FunctionTable {
  starts: number[];
  ends: number[];
  names: string[];
  /** Index of the range each function lies in. */
  range: number[];
}

const MAX_ADDR = 2 ** 52;
const PLT_SECTIONS = new Set(['.plt', '.plt.sec', '.plt.got', '.iplt', '.plt.bnd']);

/** Executable sections (or, with no section headers, executable PT_LOAD segments), clipped to the file. */
export function findExecRanges(elf: ElfFile): ExecRange[] {
  const out: ExecRange[] = [];
  for (const s of elf.sections) {
    if ((s.flags & SHF_EXECINSTR) === 0n || s.type === SHT_NOBITS || s.size === 0) continue;
    const start = Number(s.addr);
    if (start <= 0 || start >= MAX_ADDR || s.offset >= elf.size) continue;
    const size = Math.min(s.size, elf.size - s.offset);
    out.push({ name: s.name, start, end: start + size, offset: s.offset, plt: PLT_SECTIONS.has(s.name) });
  }
  if (out.length === 0) {
    for (const p of elf.phdrs) {
      if (p.type !== PT_LOAD || (p.flags & 1) === 0 || p.vaddr >= BigInt(MAX_ADDR) || p.offset >= elf.size) continue;
      const size = Math.min(p.filesz, elf.size - p.offset);
      out.push({ name: 'PT_LOAD', start: Number(p.vaddr), end: Number(p.vaddr) + size, offset: p.offset, plt: false });
    }
  }
  out.sort((a, b) => a.start - b.start);
  // Overlapping ranges (hostile headers): keep the first, clip the rest so every byte is decoded once. Clip against
  // the furthest end so far (a range can overlap one before its predecessor), and move the file offset with the start.
  let maxEnd = -Infinity;
  for (const r of out) {
    if (r.start < maxEnd) {
      const start = Math.min(maxEnd, r.end);
      r.offset += start - r.start;
      r.start = start;
    }
    maxEnd = Math.max(maxEnd, r.end);
  }
  return out.filter((r) => r.end > r.start);
}

/** Bytes of executable code in an ELF (the sum of its executable ranges). */
export function codeBytes(elf: ElfFile): number {
  return findExecRanges(elf).reduce((n, r) => n + (r.end - r.start), 0);
}

/** Index of the range containing ADDR, or -1. */
export function rangeOf(ranges: ExecRange[], addr: number): number {
  let lo = 0, hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (addr < ranges[mid].start) hi = mid - 1;
    else if (addr >= ranges[mid].end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Function starts from .symtab/.dynsym (FUNC, IFUNC and untyped symbols in code), .eh_frame FDEs and EXTRA
 * (entry point, init arrays). Each function runs to the next start, so absurd symbol sizes and overlapping
 * symbols cannot make any byte be decoded twice: total work is linear in the code size.
 */
export function findFunctions(ranges: ExecRange[], symbols: ElfSymbol[], elf: ElfFile, extra: number[], fdeStarts: number[] = readFdeStarts(elf)): FunctionTable {
  const named = new Map<number, { name: string; rank: number }>();
  const starts = new Set<number>();
  const add = (addr: number): boolean => {
    if (rangeOf(ranges, addr) < 0 || ranges[rangeOf(ranges, addr)].plt) return false;
    starts.add(addr);
    return true;
  };
  for (const s of symbols) {
    if (s.shndx === SHN_UNDEF || (s.type !== STT_FUNC && s.type !== STT_GNU_IFUNC && s.type !== 0) || !s.name) continue;
    if (s.value >= BigInt(MAX_ADDR)) continue;
    const addr = Number(s.value);
    if (!add(addr)) continue;
    // Prefer global names, then function-typed ones, then the shortest (aliases such as __GI_ are noise).
    const rank = (s.bind === 0 ? 2 : 0) + (s.type === STT_FUNC || s.type === STT_GNU_IFUNC ? 0 : 1) + s.name.length / 1000;
    const cur = named.get(addr);
    if (!cur || rank < cur.rank) named.set(addr, { name: s.name, rank });
  }
  for (const a of fdeStarts) add(a);
  for (const a of extra) add(a);
  for (const r of ranges) if (!r.plt) starts.add(r.start);
  const sorted = [...starts].sort((a, b) => a - b);
  const t: FunctionTable = { starts: [], ends: [], names: [], range: [] };
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i], ri = rangeOf(ranges, a);
    const next = i + 1 < sorted.length ? sorted[i + 1] : Infinity;
    t.starts.push(a);
    t.ends.push(Math.min(next, ranges[ri].end));
    t.names.push(named.get(a)?.name ?? `sub_${a.toString(16)}`);
    t.range.push(ri);
  }
  return t;
}

/** Index of the function containing ADDR, or -1. */
export function functionOf(t: FunctionTable, addr: number): number {
  let lo = 0, hi = t.starts.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t.starts[mid] <= addr) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return best >= 0 && addr < t.ends[best] ? best : -1;
}

/** The file offset and length of [start, end) inside range R (clipped to the range). */
export function functionSpan(r: ExecRange, start: number, end: number): [offset: number, length: number] {
  const lo = Math.max(start, r.start), hi = Math.max(lo, Math.min(end, r.end));
  return [r.offset + (lo - r.start), hi - lo];
}

/** The bytes of [start, end) inside range R (clipped to the range), for decoding one function on its own. */
export function functionBytes(buf: Uint8Array, r: ExecRange, start: number, end: number): Uint8Array {
  const [offset, length] = functionSpan(r, start, end);
  return buf.subarray(offset, offset + length);
}
