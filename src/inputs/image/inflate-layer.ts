import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { UkportError } from '../../errors.js';
import { chunksOf, fdSource, type ByteSource } from './byte-source.js';

/** Decompressed bytes still allowed for one image, shared by all its layers. */
export interface InflateBudget {
  /** Bytes allowed in all (the `--max-image-size` limit). */
  readonly max: number;
  used: number;
}

/** A layer's tar stream as read: its bytes and the sha256 digests of what was stored and of the tar itself. */
export interface InflatedLayer {
  source: ByteSource;
  /** `sha256:<hex>` of the tar stream (the config's diff_id). */
  diffId: string;
  /** `sha256:<hex>` of the stored blob (compressed when it was gzip). */
  blobDigest: string;
}

const sha256 = () => createHash('sha256');
const hex = (h: ReturnType<typeof sha256>) => `sha256:${h.digest('hex')}`;

/** A new file that no other process can have planted or can open by name: created O_EXCL in a private directory, then unlinked. */
function anonymousFile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'ukport-layer-'));
  const path = join(dir, 'layer');
  try {
    const fd = openSync(path, 'wx+', 0o600);
    unlinkSync(path);
    return fd;
  } finally {
    rmdirSync(dir);
  }
}

/** Whether SRC starts with the gzip magic. */
export function isGzip(src: ByteSource): boolean {
  const head = src.read(0, Math.min(2, src.size));
  return head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Reads a layer blob: gzip is inflated as a stream into an unlinked temporary file (memory stays flat whatever the
 * size; nothing is left behind if the process dies), counted against BUDGET; a plain tar is used in place. Both
 * digests are computed on the way. zstd is refused.
 */
export async function inflateLayer(src: ByteSource, budget: InflateBudget): Promise<InflatedLayer> {
  if (src.size >= 4 && src.read(0, 4).readUInt32BE(0) === 0x28b52ffd) throw new UkportError('bad-image', 'zstd-compressed layers are not supported', src.label);
  const blob = sha256();
  if (!isGzip(src)) {
    for (const c of chunksOf(src)) blob.update(c);
    const digest = hex(blob);
    return { source: src, diffId: digest, blobDigest: digest };
  }
  const tar = sha256();
  const fd = anonymousFile();
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (budget.used + chunk.length > budget.max) {
        done(new UkportError('limit-exceeded', `image layers decompress to more than ${budget.max} bytes in all (--max-image-size)`, src.label));
        return;
      }
      budget.used += chunk.length;
      tar.update(chunk);
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off, size + off);
      size += chunk.length;
      done();
    },
  });
  const input = Readable.from((function* () { for (const c of chunksOf(src)) { blob.update(c); yield c; } })());
  try {
    await pipeline(input, createGunzip(), sink);
  } catch (e) {
    closeSync(fd);
    if (e instanceof UkportError) throw e;
    throw new UkportError('bad-image', `gzip layer: ${(e as Error).message}`, src.label);
  }
  return { source: fdSource(fd, size, src.label), diffId: hex(tar), blobDigest: hex(blob) };
}
