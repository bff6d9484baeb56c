import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UkportError } from '../errors.js';
import { noteStat } from './fs-observe.js';

/** Default maximum size of one scanned file (bytes). */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/** Opening without blocking: a FIFO a scanned file names (DT_NEEDED, dlopen) would otherwise wait for a writer forever. */
const READ_NONBLOCK = constants.O_RDONLY | constants.O_NONBLOCK;

/** What tells a file's version apart without reading it: a read of part of it checks these first. */
export interface FileIdentity { size: number; mtimeMs: number; ino: number; dev: number }

/**
 * Reads a whole file, refusing files larger than `maxBytes` and anything but a regular file; IDENTITY receives the
 * file's size, modification time and inode as read. Throws only UkportError.
 */
export function readBounded(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES, identity?: (id: FileIdentity) => void, options: { noFollow?: boolean } = {}): Buffer {
  let fd: number;
  try {
    fd = openSync(path, options.noFollow ? READ_NONBLOCK | constants.O_NOFOLLOW : READ_NONBLOCK);
  } catch (e) {
    noteStat(path, undefined, e);
    if (codeOf(e) === 'ENOENT' || codeOf(e) === 'ENOTDIR') throw new UkportError('not-found', '', path);
    if (codeOf(e) === 'ELOOP') throw new UkportError('symlink-loop', options.noFollow ? 'a symbolic link' : 'too many levels of symbolic links', path);
    throw new UkportError('unreadable', codeOf(e) ?? String(e), path);
  }
  try {
    const st = fstatSync(fd);
    noteStat(path, st);
    if (st.isDirectory()) throw new UkportError('unsupported-input', 'is a directory', path);
    if (!st.isFile()) throw new UkportError('unsupported-input', 'not a regular file', path);
    if (st.size > maxBytes) throw new UkportError('too-large', `${st.size} bytes, limit ${maxBytes}`, path);
    identity?.({ size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev });
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

/**
 * Reads LENGTH bytes at OFFSET of a file read whole before (IDENTITY as it was then): a function's code or a string
 * of a library whose contents were released, without reading and hashing all of it again. Throws only UkportError,
 * `unreadable` when the file is no longer the one read.
 */
export function readRange(path: string, offset: number, length: number, identity: FileIdentity): Buffer {
  let fd: number;
  try {
    fd = openSync(path, READ_NONBLOCK);
  } catch (e) {
    throw new UkportError('unreadable', codeOf(e) ?? String(e), path);
  }
  try {
    const st = fstatSync(fd);
    if (st.size !== identity.size || st.mtimeMs !== identity.mtimeMs || st.ino !== identity.ino || st.dev !== identity.dev) {
      throw new UkportError('unreadable', 'file changed while being scanned', path);
    }
    const len = Math.max(0, Math.min(length, st.size - offset));
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, buf, got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    if (got !== len) throw new UkportError('unreadable', 'file changed while being scanned', path);
    return buf;
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
