import { UkportError } from '../../errors.js';
import { PT_DYNAMIC, type ElfFile } from './reader.js';

export const DT_NULL = 0n, DT_NEEDED = 1n, DT_STRTAB = 5n, DT_STRSZ = 10n, DT_SONAME = 14n, DT_RPATH = 15n,
  DT_FLAGS = 30n, DT_RUNPATH = 29n, DT_FLAGS_1 = 0x6ffffffbn;
export const DF_1_PIE = 0x08000000n;

/** Decoded .dynamic: the entries ukport uses, strings resolved through DT_STRTAB. */
export interface DynamicInfo {
  present: boolean;
  needed: string[];
  soname?: string;
  rpath: string[];
  runpath: string[];
  flags1: bigint;
  entries: { tag: bigint; value: bigint }[];
}

const MAX_DYNAMIC_ENTRIES = 100_000;

/** Reads PT_DYNAMIC (or the .dynamic section) and resolves DT_NEEDED/SONAME/RPATH/RUNPATH. */
export function readDynamic(elf: ElfFile): DynamicInfo {
  const info: DynamicInfo = { present: false, needed: [], rpath: [], runpath: [], flags1: 0n, entries: [] };
  const seg = elf.phdrs.find((p) => p.type === PT_DYNAMIC);
  const sec = elf.section('.dynamic');
  const off = seg ? seg.offset : sec?.offset;
  const size = seg ? seg.filesz : sec?.size;
  if (off === undefined || size === undefined) return info;
  info.present = true;
  elf.need(off, size, 'dynamic section');
  const entsize = elf.class === 64 ? 16 : 8;
  const count = Math.min(Math.floor(size / entsize), MAX_DYNAMIC_ENTRIES);
  for (let i = 0; i < count; i++) {
    const o = off + i * entsize;
    const tag = elf.class === 64 ? elf.i64(o) : BigInt(elf.u32(o) | 0);
    const value = elf.class === 64 ? elf.u64(o + 8) : BigInt(elf.u32(o + 4));
    if (tag === DT_NULL) break;
    info.entries.push({ tag, value });
  }
  const strtabAddr = info.entries.find((e) => e.tag === DT_STRTAB)?.value;
  const strsz = Number(info.entries.find((e) => e.tag === DT_STRSZ)?.value ?? 0n);
  let strOff = strtabAddr === undefined ? undefined : elf.offsetOfAddress(strtabAddr);
  // Unusual layouts: fall back to the section .dynamic links to.
  if (strOff === undefined && sec && elf.sections[sec.link]) strOff = elf.sections[sec.link].offset;
  const str = (v: bigint): string => {
    if (strOff === undefined) throw new UkportError('corrupt-elf', 'dynamic string table not found', elf.path);
    return elf.cstringIn(strOff, strsz || elf.buf.length - strOff, Number(v));
  };
  for (const e of info.entries) {
    if (e.tag === DT_NEEDED) info.needed.push(str(e.value));
    else if (e.tag === DT_SONAME) info.soname = str(e.value);
    else if (e.tag === DT_RPATH) info.rpath.push(...str(e.value).split(':').filter(Boolean));
    else if (e.tag === DT_RUNPATH) info.runpath.push(...str(e.value).split(':').filter(Boolean));
    else if (e.tag === DT_FLAGS_1) info.flags1 = e.value;
  }
  return info;
}
