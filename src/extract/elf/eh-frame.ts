import type { ElfFile } from './reader.js';

const MAX_RECORDS = 2_000_000;

/**
 * Start addresses of the functions described by .eh_frame FDEs. Stripped code keeps its unwind tables, so
 * these give function boundaries where no symbol does. Malformed records end the walk (never throw).
 */
export function readFdeStarts(elf: ElfFile): number[] {
  return readFdeRanges(elf).map((r) => r.start);
}

/** The code ranges [start, end) .eh_frame FDEs describe (end = start when the length cannot be read). */
export function readFdeRanges(elf: ElfFile): { start: number; end: number }[] {
  const cieEnc = new Map<number, number>();
  const starts: { start: number; end: number }[] = [];
  forEachRecord(elf, (buf, p, body, next, { base, end, secAddr }) => {
    const id = buf.readUInt32LE(body);
    if (id === 0) {
      cieEnc.set(p, readCieEncoding(buf, body + 4, next));
      return;
    }
    const ciePos = body - id;
    const enc = cieEnc.get(ciePos) ?? (ciePos >= base && ciePos < end ? readCieAt(buf, ciePos, end, cieEnc) : undefined);
    if (enc === undefined) return;
    const field = body + 4;
    const v = readEncoded(buf, field, next, enc, secAddr + (field - base));
    if (v === undefined || v <= 0) return;
    // the length has the pointer's format without its application (pc-relative etc.)
    const len = readEncoded(buf, field + encodedSize(enc, buf, field, next), next, enc & 0x0f, 0);
    starts.push({ start: v, end: len !== undefined && len > 0 ? v + len : v });
  });
  return starts;
}

/**
 * Calls EACH with every CIE/FDE record of .eh_frame: its file offset P, the offset of its body (after the
 * length) and of the next record. Malformed lengths end the walk; at most MAX_RECORDS records.
 */
function forEachRecord(elf: ElfFile, each: (buf: Buffer, p: number, body: number, next: number, sec: { base: number; end: number; secAddr: number }) => void): void {
  const sec = elf.section('.eh_frame');
  if (!sec || sec.type === 8 || sec.offset + sec.size > elf.buf.length) return;
  const buf = elf.buf, where = { base: sec.offset, end: sec.offset + sec.size, secAddr: Number(sec.addr) };
  const end = where.end;
  let p = where.base;
  for (let n = 0; n < MAX_RECORDS && p + 8 <= end; n++) {
    let len = buf.readUInt32LE(p), hdr = 4;
    if (len === 0) { p += 4; continue; }
    if (len === 0xffffffff) {
      if (p + 12 > end) break;
      const l64 = buf.readBigUInt64LE(p + 4);
      if (l64 > BigInt(end - p)) break;
      len = Number(l64); hdr = 12;
    }
    const body = p + hdr, next = body + len;
    if (next > end || len < 4) break;
    each(buf, p, body, next, where);
    p = next;
  }
}

function readCieAt(buf: Buffer, p: number, end: number, cache: Map<number, number>): number | undefined {
  if (p + 8 > end) return undefined;
  const len = buf.readUInt32LE(p);
  if (len === 0xffffffff || p + 4 + len > end) return undefined;
  const enc = readCieEncoding(buf, p + 8, p + 4 + len);
  cache.set(p, enc);
  return enc;
}

/** The FDE pointer encoding ('R' augmentation) of a CIE; absptr when absent. */
function readCieEncoding(buf: Buffer, p: number, end: number): number {
  if (p >= end) return 0;
  const version = buf[p++];
  const augStart = p;
  while (p < end && buf[p] !== 0) p++;
  const aug = buf.toString('latin1', augStart, p);
  p++;
  if (aug.includes('eh')) p += 8;
  p = skipLeb(buf, p, end); // code alignment
  p = skipLeb(buf, p, end); // data alignment
  p = version === 1 ? p + 1 : skipLeb(buf, p, end);
  if (!aug.startsWith('z')) return 0;
  p = skipLeb(buf, p, end);
  for (const c of aug.slice(1)) {
    if (p >= end) return 0;
    if (c === 'R') return buf[p];
    if (c === 'L') p++;
    else if (c === 'P') {
      const penc = buf[p++];
      p += encodedSize(penc, buf, p, end);
    } else if (c !== 'S' && c !== 'B' && c !== 'G') return 0;
  }
  return 0;
}

function skipLeb(buf: Buffer, p: number, end: number): number {
  while (p < end && (buf[p] & 0x80) !== 0) p++;
  return p + 1;
}

function encodedSize(enc: number, buf: Buffer, p: number, end: number): number {
  switch (enc & 0x0f) {
    case 0x00: case 0x04: case 0x0c: return 8;
    case 0x02: case 0x0a: return 2;
    case 0x03: case 0x0b: return 4;
    case 0x01: case 0x09: return skipLeb(buf, p, end) - p;
    default: return 0;
  }
}

function readEncoded(buf: Buffer, p: number, end: number, enc: number, fieldAddr: number): number | undefined {
  if (enc === 0xff) return undefined;
  let v: number;
  const size = encodedSize(enc, buf, p, end);
  if (size === 0 || p + size > end) return undefined;
  switch (enc & 0x0f) {
    case 0x00: case 0x04: case 0x0c: {
      const b = (enc & 0x0f) === 0x0c ? buf.readBigInt64LE(p) : buf.readBigUInt64LE(p);
      if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
      v = Number(b); break;
    }
    case 0x02: v = buf.readUInt16LE(p); break;
    case 0x0a: v = buf.readInt16LE(p); break;
    case 0x03: v = buf.readUInt32LE(p); break;
    case 0x0b: v = buf.readInt32LE(p); break;
    default: return undefined;
  }
  const app = enc & 0x70;
  if (app === 0x10) v += fieldAddr;
  else if (app !== 0) return undefined;
  return v;
}

/**
 * Personality routines named by .eh_frame CIEs ('P' augmentation): the unwinder calls them with no visible
 * reference in code. An indirect encoding gives the data slot holding the pointer (DW.ref.__gxx_personality_v0),
 * a direct one the routine's own address.
 */
export function readPersonalities(elf: ElfFile): { slots: number[]; routines: number[] } {
  const slots = new Set<number>(), routines = new Set<number>();
  forEachRecord(elf, (buf, _p, body, next, { base, secAddr }) => {
    if (buf.readUInt32LE(body) !== 0) return;
    const pers = readCiePersonality(buf, body + 4, next, (q) => secAddr + (q - base));
    if (pers) (pers.indirect ? slots : routines).add(pers.addr);
  });
  return { slots: [...slots], routines: [...routines] };
}

function readCiePersonality(buf: Buffer, p: number, end: number, addrOf: (offset: number) => number): { addr: number; indirect: boolean } | undefined {
  if (p >= end) return undefined;
  const version = buf[p++];
  const augStart = p;
  while (p < end && buf[p] !== 0) p++;
  const aug = buf.toString('latin1', augStart, p);
  p++;
  if (!aug.startsWith('z') || !aug.includes('P')) return undefined;
  if (aug.includes('eh')) p += 8;
  p = skipLeb(buf, p, end);
  p = skipLeb(buf, p, end);
  p = version === 1 ? p + 1 : skipLeb(buf, p, end);
  p = skipLeb(buf, p, end);
  for (const c of aug.slice(1)) {
    if (p >= end) return undefined;
    if (c === 'P') {
      const penc = buf[p++];
      const v = readEncoded(buf, p, end, penc & 0x7f, addrOf(p));
      return v !== undefined && v > 0 ? { addr: v, indirect: (penc & 0x80) !== 0 } : undefined;
    }
    if (c === 'R' || c === 'L') p++;
    else if (c !== 'S' && c !== 'B' && c !== 'G') return undefined;
  }
  return undefined;
}
