import type { ModuleGraph } from '../elf/module-graph.js';
import { PackedLists } from '../elf/packed-lists.js';

/**
 * Binary form of a module graph for the on-disk cache: a JSON block for the small fields, the function names
 * joined by NUL, then per-function numbers and the per-function lists as columns (counts, then values as
 * float64, NaN for an absent argument). Decoding is a few typed-array passes instead of parsing millions of
 * JSON numbers, and empty lists share one frozen array.
 */

type ListField = 'sites' | 'siteArgs' | 'argConsts' | 'unknownSites';
const LISTS: ListField[] = ['sites', 'siteArgs', 'argConsts', 'unknownSites'];
type PackedField = 'calls' | 'refs' | 'imports' | 'dataRefs';
const PACKED: PackedField[] = ['calls', 'refs', 'imports', 'dataRefs'];
const EMPTY: number[] = Object.freeze([]) as unknown as number[];

const pad8 = (n: number): number => (n + 7) & ~7;

/** Most per-function lists are empty: one shared frozen array instead of one per function (a finished graph is read-only). */
export function shareEmptyLists(g: ModuleGraph): ModuleGraph {
  for (const lists of [...LISTS.map((field) => g[field] as unknown[][]), g.regionPointers]) {
    for (let i = 0; i < lists.length; i++) if (lists[i].length === 0) lists[i] = EMPTY;
  }
  return g;
}

/** Encodes G (see decodeGraph). */
export function encodeGraph(g: ModuleGraph): Buffer {
  const n = g.names.length;
  const meta = Buffer.from(JSON.stringify({
    version: g.version, arch: g.arch, sha256: g.sha256, entry: g.entry, n, importNames: g.importNames, importWeak: g.importWeak,
    exports: g.exports, dataRoots: g.dataRoots, initRoots: g.initRoots,
    regions: g.regionStarts.length, regionContinues: g.regionContinues, rootRegions: g.rootRegions, objectExports: g.objectExports, objectImports: g.objectImports,
  }));
  const names = Buffer.from(g.names.join('\0'));
  const parts: Buffer[] = [];
  const header = Buffer.alloc(8);
  header.writeUInt32LE(meta.length, 0);
  header.writeUInt32LE(names.length, 4);
  parts.push(header, meta, names, Buffer.alloc(pad8(8 + meta.length + names.length) - (8 + meta.length + names.length)));
  const column = (values: ArrayLike<number | null>): Buffer => {
    const f = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) { const v = values[i]; f[i] = v === null || v === undefined ? NaN : v; }
    return Buffer.from(f.buffer);
  };
  const lists = (all: (number | null)[][]): void => {
    const counts = new Float64Array(all.length);
    let total = 0;
    for (let i = 0; i < all.length; i++) { counts[i] = all[i].length; total += all[i].length; }
    const values = new Float64Array(total);
    let at = 0;
    for (const l of all) for (const v of l) values[at++] = v === null ? NaN : v;
    parts.push(Buffer.from(counts.buffer), Buffer.from(values.buffer));
  };
  parts.push(column(g.starts), column(g.wrapperParam), column(g.indirect));
  for (const field of PACKED) {
    const p = g[field];
    const counts = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) counts[i] = p.offsets[i + 1] - p.offsets[i];
    parts.push(Buffer.from(counts.buffer), Buffer.from(p.values.buffer, p.values.byteOffset, p.values.byteLength));
  }
  for (const field of LISTS) lists(g[field] as (number | null)[][]);
  parts.push(column(g.regionStarts));
  lists(g.regionPointers);
  return Buffer.concat(parts);
}

/** Decodes a body written by encodeGraph; throws on any inconsistency (the caller discards the entry). */
export function decodeGraph(body: Buffer): ModuleGraph {
  // a private, 8-aligned copy: typed-array views need aligned offsets
  const buf = new Uint8Array(body.length);
  buf.set(body);
  const view = new DataView(buf.buffer);
  if (buf.length < 8) throw new Error('short');
  const metaLen = view.getUint32(0, true), namesLen = view.getUint32(4, true);
  if (8 + metaLen + namesLen > buf.length) throw new Error('short');
  const meta = JSON.parse(Buffer.from(buf.buffer, 8, metaLen).toString('utf8')) as Omit<ModuleGraph, 'names'> & { n: number; regions: number };
  const n = meta.n, regions = meta.regions;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(regions) || regions < 0) throw new Error('count');
  const names = n === 0 ? [] : Buffer.from(buf.buffer, 8 + metaLen, namesLen).toString('utf8').split('\0');
  if (names.length !== n) throw new Error('names');
  let at = pad8(8 + metaLen + namesLen);
  const floats = (count: number): Float64Array => {
    if (!Number.isInteger(count) || count < 0 || at + count * 8 > buf.length) throw new Error('short');
    const f = new Float64Array(buf.buffer, at, count);
    at += count * 8;
    return f;
  };
  const starts = Array.from(floats(n)), wrapperParam = Array.from(floats(n)), indirect = Array.from(floats(n));
  const readLists = (count: number): (number | null)[][] => {
    const counts = floats(count);
    let total = 0;
    for (let i = 0; i < count; i++) total += counts[i];
    const values = floats(total);
    const out: (number | null)[][] = new Array(count);
    let pos = 0;
    for (let i = 0; i < count; i++) {
      const c = counts[i];
      if (c === 0) { out[i] = EMPTY; continue; }
      const l: (number | null)[] = new Array(c);
      for (let k = 0; k < c; k++) { const v = values[pos + k]; l[k] = Number.isNaN(v) ? null : v; }
      out[i] = l;
      pos += c;
    }
    return out;
  };
  const packed = {} as Record<PackedField, PackedLists>;
  for (const field of PACKED) {
    const counts = floats(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += counts[i];
    packed[field] = PackedLists.fromCounts(counts, floats(total).slice());
  }
  const lists = {} as Record<ListField, (number | null)[][]>;
  for (const field of LISTS) lists[field] = readLists(n);
  const regionStarts = Array.from(floats(regions));
  const regionPointers = readLists(regions) as number[][];
  if (at !== buf.length) throw new Error('trailing bytes');
  return {
    version: meta.version, arch: meta.arch, sha256: meta.sha256, names, starts,
    calls: packed.calls, refs: packed.refs, imports: packed.imports,
    importNames: meta.importNames, importWeak: meta.importWeak, sites: lists.sites as number[][], siteArgs: lists.siteArgs,
    argConsts: lists.argConsts as number[][], unknownSites: lists.unknownSites as number[][], wrapperParam, indirect,
    exports: meta.exports, dataRoots: meta.dataRoots, initRoots: meta.initRoots, entry: meta.entry,
    regionStarts, regionPointers, regionContinues: meta.regionContinues, rootRegions: meta.rootRegions, dataRefs: packed.dataRefs,
    objectExports: meta.objectExports, objectImports: meta.objectImports,
  };
}
