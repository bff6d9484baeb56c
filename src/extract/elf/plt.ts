import { EM_AARCH64, type ElfFile, type SectionHeader } from './reader.js';
import { SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, type ElfSymbol } from './symbols.js';
import type { VersionInfo } from './versions.js';

const SHT_RELA = 4, SHT_REL = 9, SHT_RELR = 19;
const MAX_RELOCATIONS = 4_000_000;

/** What a GOT slot (or any relocated pointer) holds once ld.so is done. */
export type SlotTarget =
  | { kind: 'import'; name: string; weak: boolean; func: boolean }
  | { kind: 'local'; addr: number; ifunc: boolean };

/** Relocations of one module reduced to what the call graph needs. */
export interface Relocations {
  /** Pointer location → what it holds. */
  slots: Map<number, SlotTarget>;
  /** Every code-ish address stored in relocated data (RELATIVE, IRELATIVE, absolute against defined symbols). */
  dataTargets: number[];
  /** Where each of dataTargets is stored (same order). */
  dataTargetSlots: number[];
}

interface RelocKinds { jumpSlot: number; globDat: number; relative: number; irelative: number; abs64: number }
const X86_64: RelocKinds = { jumpSlot: 7, globDat: 6, relative: 8, irelative: 37, abs64: 1 };
const AARCH64: RelocKinds = { jumpSlot: 1026, globDat: 1025, relative: 1027, irelative: 1032, abs64: 257 };

/** Import key as the call graph stores it: `name@version` when versioned. */
export function importKey(sym: ElfSymbol, versions: VersionInfo): string {
  const vs = versions.versym[sym.index];
  const need = vs !== undefined && (vs & 0x7fff) >= 2 ? versions.needed.get(vs & 0x7fff) : undefined;
  return need ? `${sym.name}@${need.name}` : sym.name;
}

/** Reads RELA/REL/RELR sections and maps pointer slots to imported symbols or local addresses. */
export function readRelocations(elf: ElfFile, dynsym: ElfSymbol[], versions: VersionInfo): Relocations {
  const kinds = elf.machine === EM_AARCH64 ? AARCH64 : X86_64;
  const out: Relocations = { slots: new Map(), dataTargets: [], dataTargetSlots: [] };
  if (elf.class !== 64) return out;
  let budget = MAX_RELOCATIONS;
  for (const sec of elf.sections) {
    if (sec.type === SHT_RELR) { budget -= readRelr(elf, sec, out, budget); continue; }
    if (sec.type !== SHT_RELA && sec.type !== SHT_REL) continue;
    // Relocations against .symtab (object files) are not ours; dynamic ones link to .dynsym.
    const linked = elf.sections[sec.link];
    if (linked && linked.type === 2) continue;
    const ent = sec.type === SHT_RELA ? 24 : 16;
    const n = Math.min(Math.floor(sec.size / ent), budget);
    budget -= n;
    if (n > 0) elf.need(sec.offset, n * ent, `relocations ${sec.name}`);
    for (let i = 0; i < n; i++) {
      const o = sec.offset + i * ent;
      const where = safe(elf.u64(o));
      const info = elf.u64(o + 8);
      const type = Number(info & 0xffffffffn), symIdx = Number(info >> 32n);
      const addend = sec.type === SHT_RELA ? safe(elf.u64(o + 16)) : readSlotValue(elf, where) ?? 0;
      if (where === undefined) continue;
      addRelocation(out, kinds, where, type, symIdx, addend ?? 0, dynsym, versions);
    }
  }
  return out;
}

function addRelocation(out: Relocations, k: RelocKinds, where: number, type: number, symIdx: number, addend: number,
  dynsym: ElfSymbol[], versions: VersionInfo): void {
  if (type === k.relative || type === k.irelative) {
    out.slots.set(where, { kind: 'local', addr: addend, ifunc: type === k.irelative });
    out.dataTargets.push(addend); out.dataTargetSlots.push(where);
    return;
  }
  if (type !== k.jumpSlot && type !== k.globDat && type !== k.abs64) return;
  const sym = dynsym[symIdx];
  if (!sym || !sym.name) return;
  if (sym.shndx === SHN_UNDEF) {
    const func = sym.type === STT_FUNC || sym.type === STT_GNU_IFUNC || sym.type === 0;
    out.slots.set(where, { kind: 'import', name: importKey(sym, versions), weak: sym.bind === 2, func });
    return;
  }
  const addr = safe(sym.value);
  if (addr === undefined) return;
  out.slots.set(where, { kind: 'local', addr: addr + (type === k.abs64 ? addend : 0), ifunc: sym.type === STT_GNU_IFUNC });
  out.dataTargets.push(addr); out.dataTargetSlots.push(where);
}

/** SHT_RELR: packed RELATIVE relocations (address words and bitmaps). */
function readRelr(elf: ElfFile, sec: SectionHeader, out: Relocations, budget: number): number {
  const n = Math.min(Math.floor(sec.size / 8), budget);
  if (n > 0) elf.need(sec.offset, n * 8, `relocations ${sec.name}`);
  let base = 0;
  for (let i = 0; i < n; i++) {
    const w = elf.u64(sec.offset + i * 8);
    if ((w & 1n) === 0n) {
      const where = safe(w);
      if (where === undefined) continue;
      addRelr(elf, out, where);
      base = where + 8;
    } else {
      for (let b = 1n; b < 64n; b++) if ((w >> b) & 1n) addRelr(elf, out, base + Number(b - 1n) * 8);
      base += 63 * 8;
    }
  }
  return n;
}

function addRelr(elf: ElfFile, out: Relocations, where: number): void {
  const v = readSlotValue(elf, where);
  if (v === undefined) return;
  out.slots.set(where, { kind: 'local', addr: v, ifunc: false });
  out.dataTargets.push(v); out.dataTargetSlots.push(where);
}

/** The 8-byte value stored at a virtual address in the file, if mapped. */
export function readSlotValue(elf: ElfFile, vaddr: number | undefined): number | undefined {
  if (vaddr === undefined) return undefined;
  const off = elf.offsetOfAddress(BigInt(vaddr));
  if (off === undefined || off + 8 > elf.buf.length) return undefined;
  return safe(elf.little ? elf.buf.readBigUInt64LE(off) : elf.buf.readBigUInt64BE(off));
}

function safe(v: bigint): number | undefined {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/** Resolves a slot: relocation first, else the value the file stores there (static, non-PIE binaries). */
export function resolveSlot(elf: ElfFile, relocs: Relocations, slot: number): SlotTarget | undefined {
  const r = relocs.slots.get(slot);
  if (r) return r;
  const v = readSlotValue(elf, slot);
  return v ? { kind: 'local', addr: v, ifunc: false } : undefined;
}
