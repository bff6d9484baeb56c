import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UkportError } from '../errors.js';

/** Default maximum size of one scanned file (bytes). */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/** Opening without blocking: a FIFO a scanned file names (DT_NEEDED, dlopen) would otherwise wait for a writer forever. */
const READ_NONBLOCK = constants.O_RDONLY | constants.O_NONBLOCK;

/** Reads a whole file, refusing files larger than `maxBytes` and anything but a regular file. Throws only UkportError. */
export function readBounded(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, READ_NONBLOCK);
  } catch (e) {
    if (codeOf(e) === 'ENOENT' || codeOf(e) === 'ENOTDIR') throw new UkportError('not-found', '', path);
    if (codeOf(e) === 'ELOOP') throw new UkportError('symlink-loop', 'too many levels of symbolic links', path);
    throw new UkportError('unreadable', codeOf(e) ?? String(e), path);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UkportError('unsupported-input', 'is a directory', path);
    if (!st.isFile()) throw new UkportError('unsupported-input', 'not a regular file', path);
    if (st.size > maxBytes) throw new UkportError('too-large', `${st.size} bytes, limit ${maxBytes}`, path);
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === st.size ? buf : buf.subarray(0, got);
  } catch (e) {
    if (e instanceof UkportError) throw e;
    throw new UkportError('unreadable', codeOf(e) ?? String(e), path);
  } finally {
    closeSync(fd);
  }
}

/** Reads at most `n` leading bytes (for magic-byte classification). */
export function readHead(path: string, n = 64): Buffer {
  const fd = openSync(path, READ_NONBLOCK);
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
