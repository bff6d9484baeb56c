import { UkportError } from '../../errors.js';
import type { ElfFile, SectionHeader } from './reader.js';

const SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERNEED = 0x6ffffffe, SHT_GNU_VERSYM = 0x6fffffff;
const MAX_VERSION_ENTRIES = 65_536;

/** Symbol versioning: per-dynsym version index, and what each index names. */
export interface VersionInfo {
  /** .gnu.version: one entry per .dynsym symbol (bit 15 = hidden). */
  versym: number[];
  /** Version index → {version name, file that must provide it} from .gnu.version_r. */
  needed: Map<number, { name: string; file: string }>;
  /** Version index → version name from .gnu.version_d. */
  defined: Map<number, string>;
}

/** Reads .gnu.version, .gnu.version_r and .gnu.version_d (bounded; loops in vn_next/vd_next are cut). */
export function readVersions(elf: ElfFile): VersionInfo {
  const out: VersionInfo = { versym: [], needed: new Map(), defined: new Map() };
  const versym = elf.sections.find((s) => s.type === SHT_GNU_VERSYM);
  if (versym) {
    elf.sectionData(versym);
    const n = Math.floor(versym.size / 2);
    for (let i = 0; i < n; i++) out.versym.push(elf.u16(versym.offset + i * 2));
  }
  const verneed = elf.sections.find((s) => s.type === SHT_GNU_VERNEED);
  if (verneed) readVerneed(elf, verneed, out.needed);
  const verdef = elf.sections.find((s) => s.type === SHT_GNU_VERDEF);
  if (verdef) readVerdef(elf, verdef, out.defined);
  return out;
}

function strings(elf: ElfFile, sec: SectionHeader): (i: number) => string {
  const s = elf.sections[sec.link];
  if (!s) throw new UkportError('corrupt-elf', `${sec.name} links to missing string table ${sec.link}`, elf.path);
  return (i) => elf.cstringIn(s.offset, s.size, i);
}

function readVerneed(elf: ElfFile, sec: SectionHeader, into: VersionInfo['needed']): void {
  elf.sectionData(sec);
  const str = strings(elf, sec);
  const end = sec.offset + sec.size;
  let o = sec.offset;
  for (let n = 0; n < MAX_VERSION_ENTRIES && o + 16 <= end; n++) {
    const cnt = elf.u16(o + 2), file = str(elf.u32(o + 4)), aux = elf.u32(o + 8), next = elf.u32(o + 12);
    let a = o + aux;
    for (let k = 0; k < cnt && a + 16 <= end; k++) {
      const other = elf.u16(a + 6), name = str(elf.u32(a + 8)), anext = elf.u32(a + 12);
      into.set(other & 0x7fff, { name, file });
      if (anext === 0) break;
      a += anext;
    }
    if (next === 0) break;
    o += next;
  }
}

function readVerdef(elf: ElfFile, sec: SectionHeader, into: VersionInfo['defined']): void {
  elf.sectionData(sec);
  const str = strings(elf, sec);
  const end = sec.offset + sec.size;
  let o = sec.offset;
  for (let n = 0; n < MAX_VERSION_ENTRIES && o + 20 <= end; n++) {
    const ndx = elf.u16(o + 4), cnt = elf.u16(o + 6), aux = elf.u32(o + 12), next = elf.u32(o + 16);
    if (cnt > 0 && o + aux + 8 <= end) into.set(ndx & 0x7fff, str(elf.u32(o + aux)));
    if (next === 0) break;
    o += next;
  }
}
