import { UkportError } from '../../errors.js';

/** A program header (segment). Offsets and sizes as numbers: files are bounded well below 2^53. */
export interface ProgramHeader { type: number; flags: number; offset: number; vaddr: bigint; filesz: number; memsz: bigint }
/** A section header with its resolved name. */
export interface SectionHeader {
  index: number; name: string; type: number; flags: bigint; addr: bigint; offset: number; size: number;
  link: number; info: number; entsize: number;
}

export const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_TLS = 7;
export const SHT_SYMTAB = 2, SHT_NOBITS = 8, SHT_DYNSYM = 11;
export const SHF_EXECINSTR = 4n;
export const EM_X86_64 = 62, EM_AARCH64 = 183;

/** Bounds-checked little/big-endian ELF reader over a Buffer. Throws only UkportError. */
export class ElfFile {
  readonly class: 32 | 64;
  readonly little: boolean;
  readonly type: number;
  readonly machine: number;
  readonly entry: bigint;
  readonly phdrs: ProgramHeader[] = [];
  readonly sections: SectionHeader[] = [];

  /** File size in bytes (the contents may be released and read again). */
  readonly size: number;
  private data: Buffer | undefined;
  private reload?: () => Buffer;
  private readPart?: (offset: number, length: number) => Buffer;

  constructor(buf: Buffer, readonly path: string) {
    this.data = buf;
    this.size = buf.length;
    if (buf.length === 0) throw new UkportError('empty-file', '', path);
    if (buf.length < 16 || buf.readUInt32BE(0) !== 0x7f454c46) throw new UkportError('not-elf', 'no ELF magic', path);
    const cls = buf[4];
    if (cls !== 1 && cls !== 2) throw new UkportError('corrupt-elf', `invalid class ${cls}`, path);
    this.class = cls === 2 ? 64 : 32;
    if (buf[5] !== 1 && buf[5] !== 2) throw new UkportError('corrupt-elf', `invalid data encoding ${buf[5]}`, path);
    this.little = buf[5] === 1;
    const ehsize = this.class === 64 ? 64 : 52;
    if (buf.length < ehsize) throw new UkportError('truncated-elf', `ELF header needs ${ehsize} bytes, file has ${buf.length}`, path);
    this.type = this.u16(16);
    this.machine = this.u16(18);
    this.entry = this.addr(24);
    const phoff = this.off(this.class === 64 ? 32 : 28);
    const shoff = this.off(this.class === 64 ? 40 : 32);
    const p = this.class === 64 ? 54 : 42;
    const phentsize = this.u16(p), phnum = this.u16(p + 2), shentsize = this.u16(p + 4);
    let shnum = this.u16(p + 6), shstrndx = this.u16(p + 8);
    if (phnum > 0) this.readProgramHeaders(phoff, phentsize, phnum);
    if (shoff !== 0) {
      if (shentsize !== (this.class === 64 ? 64 : 40)) throw new UkportError('corrupt-elf', `section header entry size ${shentsize}`, path);
      this.need(shoff, shentsize, 'section header table');
      // Extended numbering: real counts live in section 0.
      if (shnum === 0) shnum = this.off(shoff + (this.class === 64 ? 32 : 20));
      if (shstrndx === 0xffff) shstrndx = this.u32(shoff + (this.class === 64 ? 40 : 24));
      this.readSectionHeaders(shoff, shentsize, shnum, shstrndx);
    }
  }

  /** The file's contents; read again through the release callback when they were released. */
  get buf(): Buffer {
    if (this.data) return this.data;
    const b = this.reload!();
    if (b.length !== this.size) throw new UkportError('unreadable', 'file changed while being scanned', this.path);
    return (this.data = b);
  }

  /** True while the contents are in memory. */
  get resident(): boolean { return this.data !== undefined; }

  /**
   * LENGTH bytes at file offset OFFSET (clipped to the file): from memory, or, once released, read alone from the
   * file when a partial reader was given (one function's code does not bring a 100 MB library back).
   */
  bytes(offset: number, length: number): Uint8Array {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    if (this.data || !this.readPart) return this.buf.subarray(offset, end);
    return this.readPart(offset, end - offset);
  }

  /**
   * Drops the contents from memory; RELOAD reads them again (and must check they are unchanged) when next needed,
   * READPART (when given) reads a part for bytes() (and must check the file is unchanged).
   */
  release(reload: () => Buffer, readPart?: (offset: number, length: number) => Buffer): void {
    this.reload = reload;
    this.readPart = readPart;
    this.data = undefined;
  }

  private fail(detail: string): never { throw new UkportError('truncated-elf', detail, this.path); }
  /** Checks that [off, off+len) lies in the file. */
  need(off: number, len: number, what: string): void {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > this.size) {
      this.fail(`${what} at offset ${off} (+${len}) past end of file (${this.size} bytes)`);
    }
  }
  u8(o: number): number { this.need(o, 1, 'byte'); return this.buf[o]; }
  u16(o: number): number { this.need(o, 2, 'field'); return this.little ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o); }
  u32(o: number): number { this.need(o, 4, 'field'); return this.little ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o); }
  u64(o: number): bigint { this.need(o, 8, 'field'); return this.little ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o); }
  i64(o: number): bigint { this.need(o, 8, 'field'); return this.little ? this.buf.readBigInt64LE(o) : this.buf.readBigInt64BE(o); }
  /** Address-sized field as bigint. */
  addr(o: number): bigint { return this.class === 64 ? this.u64(o) : BigInt(this.u32(o)); }
  /** Offset/size-sized field as a number; values beyond 2^53 become Infinity and fail bounds checks. */
  off(o: number): number { const v = this.addr(o); return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v); }

  private readProgramHeaders(phoff: number, entsize: number, count: number): void {
    if (entsize !== (this.class === 64 ? 56 : 32)) throw new UkportError('corrupt-elf', `program header entry size ${entsize}`, this.path);
    this.need(phoff, entsize * count, 'program header table');
    for (let i = 0; i < count; i++) {
      const o = phoff + i * entsize;
      if (this.class === 64) {
        this.phdrs.push({ type: this.u32(o), flags: this.u32(o + 4), offset: this.off(o + 8), vaddr: this.u64(o + 16), filesz: this.off(o + 32), memsz: this.u64(o + 40) });
      } else {
        this.phdrs.push({ type: this.u32(o), offset: this.u32(o + 4), vaddr: BigInt(this.u32(o + 8)), filesz: this.u32(o + 16), memsz: BigInt(this.u32(o + 20)), flags: this.u32(o + 24) });
      }
    }
  }

  private readSectionHeaders(shoff: number, entsize: number, count: number, shstrndx: number): void {
    this.need(shoff, entsize * count, 'section header table');
    const raw: Omit<SectionHeader, 'name'>[] = [];
    const nameOffsets: number[] = [];
    for (let i = 0; i < count; i++) {
      const o = shoff + i * entsize;
      const w = this.class === 64;
      nameOffsets.push(this.u32(o));
      raw.push({
        index: i, type: this.u32(o + 4), flags: w ? this.u64(o + 8) : BigInt(this.u32(o + 8)), addr: this.addr(w ? o + 16 : o + 12),
        offset: this.off(w ? o + 24 : o + 16), size: this.off(w ? o + 32 : o + 20), link: this.u32(w ? o + 40 : o + 24),
        info: this.u32(w ? o + 44 : o + 28), entsize: this.off(w ? o + 56 : o + 36),
      });
    }
    const strtab = shstrndx < raw.length ? raw[shstrndx] : undefined;
    if (shstrndx !== 0 && !strtab) throw new UkportError('corrupt-elf', `section name table index ${shstrndx} out of range (${count} sections)`, this.path);
    for (let i = 0; i < raw.length; i++) {
      const name = strtab && strtab.type !== SHT_NOBITS ? this.cstringIn(strtab.offset, strtab.size, nameOffsets[i]) : '';
      this.sections.push({ ...raw[i], name });
    }
  }

  /** NUL-terminated string at `index` inside the table [tableOff, tableOff+tableSize). */
  cstringIn(tableOff: number, tableSize: number, index: number): string {
    if (index >= tableSize) throw new UkportError('corrupt-elf', `string index ${index} outside string table of ${tableSize} bytes`, this.path);
    this.need(tableOff, tableSize, 'string table');
    const end = this.buf.indexOf(0, tableOff + index);
    const stop = end === -1 || end > tableOff + tableSize ? tableOff + tableSize : end;
    return this.buf.toString('latin1', tableOff + index, stop);
  }

  section(name: string): SectionHeader | undefined { return this.sections.find((s) => s.name === name); }

  /** File bytes of a section; NOBITS sections are empty. */
  sectionData(s: SectionHeader): Buffer {
    if (s.type === SHT_NOBITS) return this.buf.subarray(0, 0);
    this.need(s.offset, s.size, `section ${s.name || s.index}`);
    return this.buf.subarray(s.offset, s.offset + s.size);
  }

  /** Maps a virtual address to a file offset through PT_LOAD segments. */
  offsetOfAddress(vaddr: bigint): number | undefined {
    for (const p of this.phdrs) {
      // hostile headers: sizes past 2^53 are Infinity (see off()); such a segment maps nothing
      if (p.type !== PT_LOAD || !Number.isFinite(p.filesz) || !Number.isFinite(p.offset)) continue;
      if (vaddr >= p.vaddr && vaddr < p.vaddr + BigInt(p.filesz)) return p.offset + Number(vaddr - p.vaddr);
    }
    return undefined;
  }
}

/** Parses an ELF file's headers, program headers and section headers. */
export function parseElf(buf: Buffer, path: string): ElfFile {
  return new ElfFile(buf, path);
}
