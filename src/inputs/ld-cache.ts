import { readBounded } from './read-file.js';

const NEW_MAGIC = 'glibc-ld.so.cache1.1';
const HEADER_BYTES = 48;
const ENTRY_BYTES = 24;

/** Parses /etc/ld.so.cache (glibc "new" format): soname → candidate paths in cache order. */
export function parseLdCache(buf: Buffer): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, NEW_MAGIC.length) !== NEW_MAGIC) return out;
  const nlibs = buf.readUInt32LE(20);
  const count = Math.min(nlibs, Math.floor((buf.length - HEADER_BYTES) / ENTRY_BYTES));
  const str = (off: number): string | undefined => {
    if (off >= buf.length) return undefined;
    const end = buf.indexOf(0, off);
    return buf.toString('latin1', off, end === -1 ? buf.length : end);
  };
  for (let i = 0; i < count; i++) {
    const o = HEADER_BYTES + i * ENTRY_BYTES;
    const key = str(buf.readUInt32LE(o + 4));
    const value = str(buf.readUInt32LE(o + 8));
    if (!key || !value) continue;
    const list = out.get(key) ?? [];
    list.push(value);
    out.set(key, list);
  }
  return out;
}

/** Reads and parses an ld.so.cache file; a missing or unreadable cache is an empty map, as for ld.so. */
export function readLdCache(hostPath: string): Map<string, string[]> {
  try {
    return parseLdCache(readBounded(hostPath, 64 * 1024 * 1024));
  } catch {
    return new Map();
  }
}
