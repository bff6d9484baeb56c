import { SHF_EXECINSTR, SHT_NOBITS, type ElfFile } from './reader.js';
import { SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT, STT_TLS, type ElfSymbol } from './symbols.js';
import type { VersionInfo } from './versions.js';
import { importKey, type Relocations } from './plt.js';

/** Entry kinds in DataRegions.pointers: value * 4 + kind. */
export const P_FUNCTION = 0, P_IMPORT = 1, P_REGION = 2;

/**
 * The data of one module cut into regions, to tell which stored pointers reachable code can read. Object
 * bounds are known only from section starts and symbols (start and end); those are hard cuts. Addresses that
 * code names or relocated pointers point to cut regions too, but such an address may be a field or element
 * of a larger object, so a region cut there stays chained to the one before it (`continues`): a reference
 * reaches everything from its own address to the next hard cut, never backwards. What is lost is only the
 * part of an object before the address named (code that steps back from a field to the fields before it).
 */
export interface DataRegions {
  starts: number[];
  ends: number[];
  /** Per region: pointers stored in it, as value * 4 + P_* (function index, import index, region index). */
  pointers: number[][];
  /**
   * Regions cut off at an address code names but nothing else marks as an object start: code may reach the
   * bytes after such a cut from before it (a field beyond the one named), so marking region i marks i + 1.
   */
  continues: number[];
  /** 1 where marking the region can make a code pointer reachable (other regions need not be referenced). */
  useful: Uint8Array;
  /** True when the tables were too large to fill completely (hostile sizes): the caller must treat every region as a root. */
  overflow: boolean;
  /** Regions any code may read without a visible reference: TLS images, personality-routine slots. */
  roots: number[];
  /** Exported data objects (`name@version` and plain default name) → the regions they span. */
  objectExports: Record<string, number[]>;
  /** Data objects this module takes from other modules (undefined data symbols and copy relocations). */
  objectImports: string[];
}

const GOT_SECTIONS = new Set(['.got', '.got.plt']);
const MAX_REGIONS = 2_000_000;
/** Regions all exported objects together may span (real libraries: one or a few each). */
const MAX_EXPORT_SPANS = 4_000_000;

/** Region sections: allocated, not code, with bytes in the file; not the GOT (its slots are followed one by one). */
function regionSections(elf: ElfFile): { lo: number; hi: number; name: string }[] {
  return elf.sections
    .filter((s) => (s.flags & 2n) !== 0n && (s.flags & SHF_EXECINSTR) === 0n && s.size > 0 && s.addr > 0n && s.addr < 2n ** 52n
      && s.type !== SHT_NOBITS && !GOT_SECTIONS.has(s.name))
    .map((s) => ({ lo: Number(s.addr), hi: Number(s.addr) + s.size, name: s.name }))
    .sort((a, b) => a.lo - b.lo);
}

/** Index of the range of sorted, disjoint SECS that contains A, or -1. */
export function sectionOf(secs: { lo: number; hi: number }[], a: number): number {
  let lo = 0, hi = secs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a < secs[mid].lo) hi = mid - 1; else if (a >= secs[mid].hi) lo = mid + 1; else return mid;
  }
  return -1;
}

/** Index of the first region that ends after ADDR (regions are sorted and disjoint), or the count. */
function firstEndingAfter(ends: number[], addr: number): number {
  let lo = 0, hi = ends.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (ends[mid] <= addr) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Index of the region containing ADDR, or -1. */
export function regionOf(r: { starts: number[]; ends: number[] }, addr: number): number {
  let lo = 0, hi = r.starts.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r.starts[mid] <= addr) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return best >= 0 && addr < r.ends[best] ? best : -1;
}

/**
 * Cuts the data of ELF into regions and files every relocated pointer under the region holding it.
 * FUNCTIONAT maps a code address to the function starting there (-1 when none); IMPORTINDEX names an
 * imported function stored in data. PERSONALITYSLOTS are data addresses the unwinder reads (from .eh_frame).
 */
export function buildDataRegions(elf: ElfFile, relocs: Relocations, symbols: ElfSymbol[], dynsym: ElfSymbol[], versions: VersionInfo,
  functionAt: (addr: number) => number, importIndex: (name: string, weak: boolean) => number, personalitySlots: number[], codeTargets: number[] = []): DataRegions {
  // only sections that hold relocated pointers matter (a region without pointers leads nowhere)
  const all = regionSections(elf);
  const holds = new Uint8Array(all.length);
  for (const where of relocs.slots.keys()) { const si = sectionOf(all, where); if (si >= 0) holds[si] = 1; }
  const secs = all.filter((_s, i) => holds[i]);
  const inSection = (a: number): number => sectionOf(secs, a);
  const anchors = new Set<number>();
  for (const s of secs) anchors.add(s.lo);
  for (const s of symbols) {
    if (s.shndx === SHN_UNDEF || s.type === STT_FUNC || s.type === STT_GNU_IFUNC || s.type > STT_TLS || s.value >= 2n ** 52n) continue;
    const a = Number(s.value);
    if (s.type === STT_TLS || inSection(a) < 0) continue; // TLS symbol values are offsets, not addresses
    anchors.add(a);
    const end = a + Math.min(Number(s.size), 2 ** 40);
    if (s.size > 0n && inSection(end - 1) === inSection(a) && end < secs[inSection(a)].hi) anchors.add(end);
  }
  // cuts that may fall inside an object: where code or a relocated pointer points
  const weak = new Set<number>();
  for (const t of relocs.slots.values()) if (t.kind === 'local' && !anchors.has(t.addr) && inSection(t.addr) >= 0) weak.add(t.addr);
  for (const a of codeTargets) if (!anchors.has(a) && inSection(a) >= 0) weak.add(a);
  // too many objects to track one by one: whole sections (coarser, never less sound)
  const sorted = anchors.size + weak.size <= MAX_REGIONS ? [...anchors, ...weak].sort((a, b) => a - b) : secs.map((s) => s.lo);
  const out: DataRegions = { starts: [], ends: [], pointers: [], continues: [], useful: new Uint8Array(0), overflow: false, roots: [], objectExports: {}, objectImports: [] };
  for (let i = 0; i < sorted.length; i++) {
    const si = inSection(sorted[i]);
    if (si < 0) continue;
    out.starts.push(sorted[i]);
    out.ends.push(i + 1 < sorted.length ? Math.min(sorted[i + 1], secs[si].hi) : secs[si].hi);
    out.pointers.push([]);
    const k = out.starts.length - 1;
    if (k > 0 && weak.has(sorted[i]) && out.ends[k - 1] === sorted[i]) out.continues.push(k - 1);
  }
  const add = (where: number, entry: number): void => {
    const ri = regionOf(out, where);
    if (ri >= 0) out.pointers[ri].push(entry);
  };
  for (const [where, t] of relocs.slots) {
    if (t.kind === 'import') {
      if (t.func) add(where, importIndex(t.name, t.weak) * 4 + P_IMPORT);
      continue;
    }
    const f = functionAt(t.addr);
    if (f >= 0) { add(where, f * 4 + P_FUNCTION); continue; }
    const target = regionOf(out, t.addr);
    if (target >= 0) add(where, target * 4 + P_REGION);
  }
  // a region leads somewhere when it holds a code pointer or chains or links to one that does
  const chained = new Uint8Array(out.starts.length);
  for (const i of out.continues) chained[i] = 1;
  const useful = new Uint8Array(out.starts.length);
  let changed = true;
  for (let rounds = 0; changed && rounds < 64; rounds++) {
    changed = false;
    for (let ri = out.starts.length - 1; ri >= 0; ri--) {
      if (useful[ri]) continue;
      if ((chained[ri] && useful[ri + 1]) || out.pointers[ri].some((e) => (e & 3) !== P_REGION || useful[e >>> 2])) { useful[ri] = 1; changed = true; }
    }
  }
  // links still unsettled after the rounds: every region counts as leading somewhere (never less sound)
  if (changed) useful.fill(1);
  out.useful = useful;
  for (let ri = 0; ri < out.pointers.length; ri++) {
    const l = out.pointers[ri].filter((e) => (e & 3) !== P_REGION || useful[e >>> 2]);
    out.pointers[ri] = l.length > 1 ? [...new Set(l)].sort((a, b) => a - b) : l;
  }
  // .tbss holds no bytes and its addresses overlap the sections after it: only .tdata has initial pointers
  const tls = secs.filter((s) => s.name === '.tdata');
  const roots = new Set<number>();
  out.starts.forEach((a, ri) => { if (tls.some((s) => a >= s.lo && a < s.hi)) roots.add(ri); });
  for (const slot of personalitySlots) { const ri = regionOf(out, slot); if (ri >= 0) roots.add(ri); }
  out.roots = [...roots];
  let spanBudget = MAX_EXPORT_SPANS;
  for (const s of dynsym) {
    if (!s.name || s.type === STT_FUNC || s.type === STT_GNU_IFUNC || s.type > STT_TLS) continue;
    const versioned = (): string => importKey(s, versions);
    if (s.shndx === SHN_UNDEF) {
      if (s.type === STT_OBJECT || s.type === STT_TLS || s.type === 0) out.objectImports.push(versioned());
      continue;
    }
    // a copy relocation's symbol: defined here (in .bss) with a version another module defines
    const vs = versions.versym[s.index];
    const sec = elf.sections[s.shndx];
    if ((vs !== undefined && versions.needed.has(vs & 0x7fff)) || (elf.type === 2 && sec?.type === SHT_NOBITS && s.type === STT_OBJECT)) {
      out.objectImports.push(versioned());
      continue;
    }
    if (s.bind === 0 || s.value >= 2n ** 52n || s.type === STT_TLS) continue;
    const a = Number(s.value), end = a + Math.max(1, Math.min(Number(s.size), 2 ** 40));
    const spans: number[] = [];
    for (let ri = firstEndingAfter(out.ends, a); ri < out.starts.length && out.starts[ri] < end && !out.overflow; ri++) {
      if (--spanBudget < 0) out.overflow = true;
      else if (out.ends[ri] > a) spans.push(ri);
    }
    if (spans.length === 0) continue;
    const ver = vs !== undefined && (vs & 0x7fff) >= 2 ? versions.defined.get(vs & 0x7fff) : undefined;
    if (ver) out.objectExports[`${s.name}@${ver}`] = spans;
    if (!ver || (vs! & 0x8000) === 0) out.objectExports[s.name] = spans;
  }
  return out;
}
