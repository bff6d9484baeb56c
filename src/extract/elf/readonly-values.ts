import { SHF_EXECINSTR, SHT_NOBITS, type ElfFile } from './reader.js';
import { SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, STT_TLS, type ElfSymbol } from './symbols.js';
import { loadShape } from './reg-state.js';
import { sectionOf } from './data-regions.js';

const SHF_WRITE = 1n, SHF_ALLOC = 2n;
/** Elements read from one table at most (a syscall table has a few hundred). */
const MAX_ELEMENTS = 1024;
/** Syscall numbers are below this (the x32 bit aside, which the caller reports). */
const MAX_NR = 4096;
/** Objects looked at below an address for one that contains it (nested or overlapping symbols). */
const MAX_CANDIDATES = 16;

/** The read-only data of one module: sections that are allocated, neither writable nor code, with bytes in the file; objects symbols bound there. */
export interface ReadOnlyData {
  sections: { lo: number; hi: number; offset: number }[];
  /** Objects (start, end) sorted by start. */
  objects: { starts: number[]; ends: number[] };
}

/** Read-only sections of ELF and the objects SYMBOLS (symtab or debug symbols, and dynsym) place in them. */
export function readOnlyData(elf: ElfFile, symbols: ElfSymbol[]): ReadOnlyData {
  const sections = elf.sections
    .filter((s) => (s.flags & SHF_ALLOC) !== 0n && (s.flags & (SHF_WRITE | SHF_EXECINSTR)) === 0n && s.type !== SHT_NOBITS && s.size > 0 && s.addr > 0n && s.addr < 2n ** 52n)
    .map((s) => ({ lo: Number(s.addr), hi: Number(s.addr) + Math.min(s.size, elf.size - s.offset), offset: s.offset }))
    .filter((s) => s.hi > s.lo)
    .sort((a, b) => a.lo - b.lo);
  const objects = symbols
    .filter((s) => s.shndx !== SHN_UNDEF && s.size > 0n && s.type !== STT_FUNC && s.type !== STT_GNU_IFUNC && s.type < STT_TLS && s.value < 2n ** 52n)
    .map((s) => [Number(s.value), Number(s.value) + Math.min(Number(s.size), 2 ** 40)] as const)
    .filter(([a]) => sectionOf(sections, a) >= 0)
    .sort((a, b) => a[0] - b[0]);
  return { sections, objects: { starts: objects.map((o) => o[0]), ends: objects.map((o) => o[1]) } };
}

/**
 * The syscall numbers a register can hold when its abstract value (KIND, anchor ANCHOR; reg-state.ts) is a load from
 * read-only data: one element at the anchor, or every element of the table the anchor lies in. A table is bounded by
 * the object a symbol places there (the whole object, at the element alignment of the anchor); without one (stripped),
 * it runs from the anchor over the elements that are syscall numbers (or -1, an unused slot) and ends at the first
 * that is neither, or at the end of the section. Undefined when the value is not such a load or holds no number.
 */
export function loadedNumbers(elf: ElfFile, ro: ReadOnlyData, kind: number, anchor: number): number[] | undefined {
  const shape = loadShape(kind);
  if (!shape || !Number.isSafeInteger(anchor)) return undefined;
  const si = sectionOf(ro.sections, anchor);
  if (si < 0) return undefined;
  const sec = ro.sections[si], { width } = shape;
  const read = elementReader(elf, sec, width, shape.signed);
  const out = new Set<number>();
  const keep = (v: number | undefined): void => { if (v !== undefined && v >= 0 && v < MAX_NR) out.add(v); };
  if (shape.single) keep(read(anchor));
  else {
    const obj = objectAt(ro, anchor);
    if (obj) {
      const first = obj.start + ((((anchor - obj.start) % width) + width) % width);
      for (let a = first, n = 0; a + width <= Math.min(obj.end, sec.hi) && n < MAX_ELEMENTS; a += width, n++) keep(read(a));
    } else {
      for (let a = anchor, n = 0; a + width <= sec.hi && n < MAX_ELEMENTS; a += width, n++) {
        const v = read(a);
        if (v !== -1 && !(v !== undefined && v >= 0 && v < MAX_NR)) break;
        keep(v);
      }
    }
  }
  return out.size > 0 ? [...out].sort((a, b) => a - b) : undefined;
}

/** Reads the element of WIDTH bytes at an address inside SEC (undefined past the file); 8-byte values as signed 64-bit. */
function elementReader(elf: ElfFile, sec: { lo: number; hi: number; offset: number }, width: number, signed: boolean): (addr: number) => number | undefined {
  return (addr) => {
    const b = elf.bytes(sec.offset + (addr - sec.lo), width);
    if (b.length < width) return undefined;
    const dv = new DataView(b.buffer, b.byteOffset, width);
    if (width === 8) { const v = dv.getBigInt64(0, true); return v >= BigInt(-MAX_NR) && v < BigInt(MAX_NR) ? Number(v) : Number.NaN; }
    const unsigned = width === 4 ? dv.getUint32(0, true) : width === 2 ? dv.getUint16(0, true) : dv.getUint8(0);
    const top = 2 ** (8 * width);
    // an unsigned all-ones element is the usual -1 (unused) marker as well
    return signed || unsigned === top - 1 ? (unsigned >= top / 2 ? unsigned - top : unsigned) : unsigned;
  };
}

/** The largest object that contains A, or undefined. */
function objectAt(ro: ReadOnlyData, a: number): { start: number; end: number } | undefined {
  const { starts, ends } = ro.objects;
  let lo = 0, hi = starts.length - 1, last = -1;
  while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid] <= a) { last = mid; lo = mid + 1; } else hi = mid - 1; }
  let best: { start: number; end: number } | undefined;
  for (let i = last; i >= 0 && i > last - MAX_CANDIDATES; i--) {
    if (ends[i] > a && (!best || ends[i] - starts[i] > best.end - best.start)) best = { start: starts[i], end: ends[i] };
  }
  return best;
}
