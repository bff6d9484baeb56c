import { PT_LOAD, SHF_EXECINSTR, SHT_NOBITS, type ElfFile } from './reader.js';
import { SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, type ElfSymbol } from './symbols.js';
import type { VersionInfo } from './versions.js';
import { resolveSlot, type Relocations } from './plt.js';

const INIT_SECTIONS = ['.init_array', '.fini_array', '.preinit_array', '.ctors', '.dtors'];
const MAX_DATA_SCAN = 64 * 1024 * 1024;

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
export function findDataPointers(elf: ElfFile, relocs: Relocations, isStart: (a: number) => boolean): number[] {
  const out = relocs.dataTargets.filter(isStart);
  if (elf.type !== 2) return out; // ET_EXEC only: PIC data pointers always carry relocations
  let budget = MAX_DATA_SCAN;
  const scan = (off: number, size: number): void => {
    const n = Math.min(Math.floor(size / 8), budget / 8);
    budget -= n * 8;
    for (let i = 0; i < n; i++) {
      const o = off + i * 8;
      if (o + 8 > elf.buf.length) break;
      const v = elf.buf.readUInt32LE(o + 4) === 0 ? elf.buf.readUInt32LE(o) : -1;
      if (v > 0 && isStart(v)) out.push(v);
    }
  };
  const alloc = elf.sections.filter((s) => (s.flags & 2n) !== 0n && (s.flags & SHF_EXECINSTR) === 0n && s.type !== SHT_NOBITS);
  if (alloc.length > 0) for (const s of alloc) scan(s.offset, Math.min(s.size, elf.buf.length - s.offset));
  else for (const p of elf.phdrs) if (p.type === PT_LOAD && (p.flags & 1) === 0) scan(p.offset, Math.min(p.filesz, elf.buf.length - p.offset));
  return out;
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
