import { UkportError } from '../../errors.js';
import { SHT_DYNSYM, SHT_SYMTAB, type ElfFile, type SectionHeader } from './reader.js';

/** One Elf32_Sym / Elf64_Sym. */
export interface ElfSymbol {
  index: number;
  name: string;
  value: bigint;
  size: bigint;
  /** STT_*: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE, 6 TLS, 10 GNU_IFUNC. */
  type: number;
  /** STB_*: 0 LOCAL, 1 GLOBAL, 2 WEAK, 10 GNU_UNIQUE. */
  bind: number;
  shndx: number;
}

export const STT_OBJECT = 1, STT_FUNC = 2, STT_TLS = 6, STT_GNU_IFUNC = 10;
export const SHN_UNDEF = 0;

/** Reads the symbols of `.dynsym` or `.symtab` (by section type), with names from the linked string table. */
export function readSymbols(elf: ElfFile, which: 'dynsym' | 'symtab'): ElfSymbol[] {
  const type = which === 'dynsym' ? SHT_DYNSYM : SHT_SYMTAB;
  const sec = elf.sections.find((s) => s.type === type);
  return sec ? readSymbolTable(elf, sec) : [];
}

function readSymbolTable(elf: ElfFile, sec: SectionHeader): ElfSymbol[] {
  const entsize = elf.class === 64 ? 24 : 16;
  if (sec.entsize !== 0 && sec.entsize !== entsize) {
    throw new UkportError('corrupt-elf', `${sec.name} entry size ${sec.entsize}, expected ${entsize}`, elf.path);
  }
  elf.sectionData(sec);
  const strsec = elf.sections[sec.link];
  if (!strsec) throw new UkportError('corrupt-elf', `${sec.name} links to missing string table ${sec.link}`, elf.path);
  elf.sectionData(strsec);
  const count = Math.floor(sec.size / entsize);
  const out: ElfSymbol[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const o = sec.offset + i * entsize;
    let nameIdx: number, info: number, shndx: number, value: bigint, size: bigint;
    if (elf.class === 64) {
      nameIdx = elf.u32(o); info = elf.u8(o + 4); shndx = elf.u16(o + 6); value = elf.u64(o + 8); size = elf.u64(o + 16);
    } else {
      nameIdx = elf.u32(o); value = BigInt(elf.u32(o + 4)); size = BigInt(elf.u32(o + 8)); info = elf.u8(o + 12); shndx = elf.u16(o + 14);
    }
    const name = nameIdx === 0 ? '' : elf.cstringIn(strsec.offset, strsec.size, nameIdx);
    out[i] = { index: i, name, value, size, type: info & 0xf, bind: info >> 4, shndx };
  }
  return out;
}
