import { UkportError } from '../../errors.js';
import type { ByteSource } from './byte-source.js';

/** Kind of a tar member, from its typeflag. */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'dir' | 'other';

/** One member of a tar archive; the data is read later from `dataOffset`. */
export interface TarEntry {
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  /** Target of a symlink or hard link. */
  linkname: string;
  dataOffset: number;
}

/** Bounds for reading hostile archives. */
export interface TarLimits {
  maxEntries?: number;
  /** Largest pax / GNU long-name record read into memory. */
  maxMetaBytes?: number;
}

const BLOCK = 512;

function cstr(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return s.toString('utf8', 0, end === -1 ? len : end);
}

/** A numeric header field: octal text, or base-256 when the high bit of the first byte is set (GNU). */
function num(b: Buffer, off: number, len: number, what: string, label: string): number {
  if (b[off]! & 0x80) {
    let v = 0;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!;
    if (b[off]! !== 0x80 || !Number.isSafeInteger(v)) throw new UkportError('bad-image', `tar ${what} field out of range`, label);
    return v;
  }
  const t = cstr(b, off, len).trim();
  if (t === '') return 0;
  if (!/^[0-7]+$/.test(t)) throw new UkportError('bad-image', `tar ${what} field is not octal: ${JSON.stringify(t)}`, label);
  return Number.parseInt(t, 8);
}

function checksumOk(h: Buffer, label: string): boolean {
  const want = num(h, 148, 8, 'checksum', label);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === want;
}

/** Parses pax extended-header records (`LEN key=value\n`). */
function parsePax(buf: Buffer, label: string): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < buf.length) {
    const sp = buf.indexOf(0x20, at);
    if (sp === -1) break;
    const len = Number.parseInt(buf.toString('latin1', at, sp), 10);
    if (!Number.isInteger(len) || len <= sp - at || at + len > buf.length) throw new UkportError('bad-image', 'malformed pax header record', label);
    const rec = buf.toString('utf8', sp + 1, at + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

const TYPES: Record<string, TarEntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '5': 'dir' };

/**
 * Lists the members of a tar archive (ustar, pax and GNU long names), checking every size against the archive.
 * Reads headers only; member data stays in SRC.
 */
export function readTar(src: ByteSource, limits: TarLimits = {}): TarEntry[] {
  const maxEntries = limits.maxEntries ?? 1_000_000;
  const maxMeta = limits.maxMetaBytes ?? 1024 * 1024;
  const label = src.label;
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let globalPax = new Map<string, string>();
  while (at + BLOCK <= src.size) {
    const h = src.read(at, BLOCK);
    if (h.every((c) => c === 0)) break;
    if (!checksumOk(h, label)) throw new UkportError('bad-image', `bad tar header checksum at offset ${at}`, label);
    const flag = String.fromCharCode(h[156]!);
    const size = num(h, 124, 12, 'size', label);
    const dataOffset = at + BLOCK;
    if (dataOffset + size > src.size) throw new UkportError('bad-image', `tar member at offset ${at} claims ${size} bytes, past the end of the archive (${src.size})`, label);
    at = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > maxMeta) throw new UkportError('limit-exceeded', `tar metadata record of ${size} bytes`, label);
      const data = src.read(dataOffset, size);
      if (flag === 'x') pax = parsePax(data, label);
      else if (flag === 'g') globalPax = new Map([...globalPax, ...parsePax(data, label)]);
      else if (flag === 'L') longName = cstr(data, 0, data.length);
      else longLink = cstr(data, 0, data.length);
      continue;
    }
    const magic = h.toString('latin1', 257, 263);
    const prefix = magic.startsWith('ustar') && magic !== 'ustar ' ? cstr(h, 345, 155) : '';
    let name = cstr(h, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    name = pax.get('path') ?? globalPax.get('path') ?? longName ?? name;
    const linkname = pax.get('linkpath') ?? longLink ?? cstr(h, 157, 100);
    const paxSize = pax.get('size');
    let realSize = size;
    if (paxSize !== undefined) {
      realSize = Number(paxSize);
      if (!Number.isSafeInteger(realSize) || realSize < 0 || dataOffset + realSize > src.size) throw new UkportError('bad-image', `pax size ${paxSize} past the end of the archive`, label);
      at = dataOffset + Math.ceil(realSize / BLOCK) * BLOCK;
    }
    if (entries.length >= maxEntries) throw new UkportError('limit-exceeded', `more than ${maxEntries} tar members`, label);
    entries.push({ name, type: TYPES[flag] ?? 'other', size: TYPES[flag] === 'file' ? realSize : 0, mode: num(h, 100, 8, 'mode', label), linkname, dataOffset });
    longName = undefined; longLink = undefined; pax = new Map();
  }
  return entries;
}

/** Normalises a member name to an absolute path; undefined for names that try to leave the root. */
export function memberPath(name: string): string | undefined {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') return undefined;
    parts.push(p);
  }
  return '/' + parts.join('/');
}
