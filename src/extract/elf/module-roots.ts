import { PT_LOAD, SHF_EXECINSTR, SHT_NOBITS, type ElfFile } from './reader.js';
import { SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, type ElfSymbol } from './symbols.js';
import type { VersionInfo } from './versions.js';
import { resolveSlot, type Relocations } from './plt.js';

const INIT_SECTIONS = ['.init_array', '.fini_array', '.preinit_array', '.ctors', '.dtors'];
const MAX_DATA_SCAN = 64 * 1024 * 1024;
export const ET_EXEC = 2;

/** Addresses the loader or libc start-up calls: .init/.fini and the init/fini arrays. */
export function findInitAddresses(elf: ElfFile, relocs: Relocations): number[] {
  const out: number[] = [];
  for (const s of elf.sections) {
    if ((s.name === '.init' || s.name === '.fini') && (s.flags & SHF_EXECINSTR) !== 0n) out.push(Number(s.addr));
    if (!INIT_SECTIONS.includes(s.name) || s.type === SHT_NOBITS) continue;
    const n = Math.min(Math.floor(s.size / 8), 1_000_000);
    for (let i = 0; i < n; i++) {
      const t = resolveSlot(elf, relocs, Number(s.addr) + i * 8);
      if (t?.kind === 'local') out.push(t.addr);
    }
  }
  return out;
}

/**
 * Code addresses stored in data: relocated pointers, and for position-dependent files (no relocations
 * for their own pointers) every aligned 8-byte value in allocated non-code sections that is a function start.
 */
export function findDataPointers(elf: ElfFile, relocs: Relocations, isStart: (a: number) => boolean, skipSlot?: (slot: number) => boolean): number[] {
  const out = relocs.dataTargets.filter((a, i) => isStart(a) && !skipSlot?.(relocs.dataTargetSlots[i]!));
  if (elf.type !== ET_EXEC) return out; // PIC data pointers always carry relocations
  forEachDataWord(elf, (v) => { if (isStart(v)) out.push(v); });
  return out;
}

/**
 * Every aligned 8-byte word of a position-dependent file's allocated non-code sections whose value lies inside
 * one of RANGES: such a file has no relocations for its own pointers, so for a sound analysis each of these
 * words is a code pointer (a table of entry functions in .rodata or .data.rel.ro, with no symbol or FDE for them).
 */
export function findCodeWords(elf: ElfFile, ranges: { start: number; end: number; plt: boolean }[]): number[] {
  if (elf.type !== ET_EXEC || ranges.length === 0) return [];
  const lo = ranges[0].start, hi = ranges[ranges.length - 1].end;
  const out: number[] = [];
  forEachDataWord(elf, (v) => {
    if (v < lo || v >= hi) return;
    const r = ranges.find((x) => v >= x.start && v < x.end);
    if (r && !r.plt) out.push(v);
  });
  return out;
}

/** Calls EACH with every aligned 8-byte word below 2^32 of ELF's allocated non-code sections (or read-only segments), up to a budget. */
function forEachDataWord(elf: ElfFile, each: (v: number) => void): void {
  let budget = MAX_DATA_SCAN;
  const buf = elf.buf;
  const scan = (off: number, size: number): void => {
    const n = Math.min(Math.floor(size / 8), budget / 8);
    budget -= n * 8;
    for (let i = 0; i < n; i++) {
      const o = off + i * 8;
      if (o + 8 > buf.length) break;
      const v = buf.readUInt32LE(o + 4) === 0 ? buf.readUInt32LE(o) : -1;
      if (v > 0) each(v);
    }
  };
  const alloc = elf.sections.filter((s) => (s.flags & 2n) !== 0n && (s.flags & SHF_EXECINSTR) === 0n && s.type !== SHT_NOBITS);
  if (alloc.length > 0) for (const s of alloc) scan(s.offset, Math.min(s.size, buf.length - s.offset));
  else for (const p of elf.phdrs) if (p.type === PT_LOAD && (p.flags & 1) === 0) scan(p.offset, Math.min(p.filesz, buf.length - p.offset));
}

/** Exported function symbols: `name@version` for every version and plain `name` for the default one. */
export function findExports(dynsym: ElfSymbol[], versions: VersionInfo): { key: string; addr: number }[] {
  const out: { key: string; addr: number }[] = [];
  for (const s of dynsym) {
    if (s.shndx === SHN_UNDEF || !s.name || s.bind === 0) continue;
    if (s.type !== STT_FUNC && s.type !== STT_GNU_IFUNC && s.type !== 0) continue;
    if (s.value > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    const addr = Number(s.value);
    const vs = versions.versym[s.index];
    const ver = vs !== undefined && (vs & 0x7fff) >= 2 ? versions.defined.get(vs & 0x7fff) : undefined;
    if (ver) out.push({ key: `${s.name}@${ver}`, addr });
    if (!ver || (vs! & 0x8000) === 0) out.push({ key: s.name, addr });
  }
  return out;
}
