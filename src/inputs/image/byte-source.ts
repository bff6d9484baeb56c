import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Non-blocking: a FIFO in place of an archive or a blob must not block the read. */
const READ_NONBLOCK = constants.O_RDONLY | constants.O_NONBLOCK;
import { UkportError } from '../../errors.js';

/** Random-access bytes: a host file, a slice of one, or a buffer in memory. */
export interface ByteSource {
  readonly label: string;
  readonly size: number;
  /** Exactly LENGTH bytes at OFFSET; throws UkportError past the end. */
  read(offset: number, length: number): Buffer;
}

/** A buffer as a ByteSource (a decompressed layer). */
export function bufferSource(buf: Buffer, label: string): ByteSource {
  return {
    label, size: buf.length,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > buf.length) throw new UkportError('bad-image', `read of ${length} bytes at ${offset} past the end (${buf.length})`, label);
      return buf.subarray(offset, offset + length);
    },
  };
}

/** A host file as a ByteSource; each read opens the file, so nothing is left open between reads. */
export function fileSource(path: string): ByteSource {
  let size: number;
  try {
    const fd = openSync(path, READ_NONBLOCK);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new UkportError('unsupported-input', 'not a regular file', path);
      size = st.size;
    } finally { closeSync(fd); }
  } catch (e) {
    if (e instanceof UkportError) throw e;
    throw new UkportError('unreadable', (e as NodeJS.ErrnoException).code ?? String(e), path);
  }
  return {
    label: path, size,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) throw new UkportError('bad-image', `read of ${length} bytes at ${offset} past the end (${size})`, path);
      const buf = Buffer.alloc(length);
      const fd = openSync(path, READ_NONBLOCK);
      try {
        let got = 0;
        while (got < length) {
          const n = readSync(fd, buf, got, length - got, offset + got);
          if (n === 0) throw new UkportError('bad-image', 'file shrank while reading', path);
          got += n;
        }
      } finally { closeSync(fd); }
      return buf;
    },
  };
}

/** LENGTH bytes of SRC starting at OFFSET, as a ByteSource of their own (a member of a tar archive). */
export function sliceSource(src: ByteSource, offset: number, length: number, label: string): ByteSource {
  if (offset < 0 || length < 0 || offset + length > src.size) throw new UkportError('bad-image', `member of ${length} bytes at ${offset} runs past the archive (${src.size})`, label);
  return {
    label, size: length,
    read(o, n) {
      if (o < 0 || n < 0 || o + n > length) throw new UkportError('bad-image', `read of ${n} bytes at ${o} past the end (${length})`, label);
      return src.read(offset + o, n);
    },
  };
}

/** An open file descriptor of SIZE bytes as a ByteSource (a decompressed layer in an unlinked temporary file). */
export function fdSource(fd: number, size: number, label: string): ByteSource {
  return {
    label, size,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) throw new UkportError('bad-image', `read of ${length} bytes at ${offset} past the end (${size})`, label);
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got);
        if (n === 0) throw new UkportError('bad-image', 'temporary layer file shrank while reading', label);
        got += n;
      }
      return buf;
    },
  };
}

/** SRC in chunks of at most CHUNK bytes, in order (hashing, streaming into a decompressor). */
export function* chunksOf(src: ByteSource, chunk = 1024 * 1024): Generator<Buffer> {
  for (let at = 0; at < src.size; at += chunk) yield src.read(at, Math.min(chunk, src.size - at));
}
