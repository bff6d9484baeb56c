import { createHash } from 'node:crypto';
import type { Artifact, ShardInfo } from '../model/index.js';
import { UkportError } from '../errors.js';

/** One part of a split scan: `index` of `count`, both counted from 1 (`--shard 2/4`). */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `I/N` (1 <= I <= N). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UkportError('usage', `--shard: expected I/N with 1 <= I <= N (e.g. 2/4), got '${text}'`);
  return { index, count };
}

/**
 * The shard a path belongs to: the first four bytes of the SHA-256 of the path as given (UTF-8), as an unsigned
 * big-endian number, modulo N, plus 1. Stable: a binary stays in its shard when others are added or removed, and
 * every machine computes the same split from the same arguments.
 */
export function shardOfPath(path: string, count: number): number {
  return (createHash('sha256').update(path).digest().readUInt32BE(0) % count) + 1;
}

/** Binaries and images are split by path; every other input (sources, scripts, manifests) is analysed by shard 1. */
export function inShard(a: Artifact, shard: Shard): boolean {
  return a.kind === 'elf' || a.kind === 'container-image' ? shardOfPath(a.path, shard.count) === shard.index : shard.index === 1;
}

/** What a shard's report records so that `ukport merge` can check it has every part. */
export function shardInfo(shard: Shard, inputs: number): ShardInfo {
  return { index: shard.index, count: shard.count, inputs };
}
