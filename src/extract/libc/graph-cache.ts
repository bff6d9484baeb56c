import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readBounded } from '../../inputs/read-file.js';
import { join } from 'node:path';
import { cacheKey, entryDigest, type CacheKey } from './cache-key.js';
import { GRAPH_VERSION, buildModuleGraph, type ModuleGraph } from '../elf/call-graph.js';
import type { CodeScanner } from '../elf/scan-types.js';
import type { LoadedElf } from '../elf/resolve-libraries.js';
import { codeBytes } from '../elf/functions.js';
import { findDebugFile } from '../elf/debug-symbols.js';
import { decodeGraph, encodeGraph, shareEmptyLists } from './graph-codec.js';
import { PackedLists } from '../elf/packed-lists.js';
import { unobserved } from '../../inputs/fs-observe.js';
import { defaultCacheDir, usableCache } from './cache-dir.js';

export { defaultCacheDir } from './cache-dir.js';

/** Where and whether module graphs are cached. */
export interface CacheOptions {
  noCache?: boolean;
  cacheDir?: string;
  /** Keep the graph in this thread's memory (libraries shared by many programs; not a main scanned once). */
  memo?: boolean;
  /** Use a stripped module's separate debug file when one is installed (default true). */
  debugSymbols?: boolean;
  /** Functions allowed in one module: over it, building stops with a limit-exceeded error before the graph grows. */
  maxFunctions?: number;
}

const FORMAT = 'ukport-module-graph';

/** Mutual exclusion around building large graphs (a system scan's workers share one, to bound peak memory). */
export interface BuildGate { enter(): void; leave(): void }
let gate: BuildGate | undefined;
/** Modules with more code than this are built one at a time when a gate is set. */
export const LARGE_MODULE_CODE_BYTES = 16 * 1024 * 1024;

/** Sets (or clears) the gate this thread passes before building a large module's graph. */
export function setBuildGate(g: BuildGate | undefined): void {
  gate = g;
}

function build(mod: LoadedElf, scanner: CodeScanner, debugFile: string | undefined, maxFunctions?: number): ModuleGraph {
  const large = gate !== undefined && codeBytes(mod.elf) > LARGE_MODULE_CODE_BYTES;
  if (!large) return buildModuleGraph(mod, scanner, { debugFile, maxFunctions });
  gate!.enter();
  try { return buildModuleGraph(mod, scanner, { debugFile, maxFunctions }); } finally { gate!.leave(); }
}
/** In-memory graphs of this thread by arch and content hash, least recently used first; bounded by total function count. */
const memo = new Map<string, ModuleGraph>();
const MEMO_MAX_FUNCTIONS = 300_000;
let memoFunctions = 0;

function remember(key: string, g: ModuleGraph): void {
  if (memo.has(key)) return;
  memo.set(key, g);
  memoFunctions += g.names.length;
  trimMemo(MEMO_MAX_FUNCTIONS, key);
}

/** Drops least recently used graphs until at most MAX functions remain (never KEEP). */
function trimMemo(max: number, keep?: string): void {
  for (const [k, old] of memo) {
    if (memoFunctions <= max || k === keep) break;
    memo.delete(k);
    memoFunctions -= old.names.length;
  }
}

/** Drops the in-memory graphs (tests; the on-disk cache is untouched). */
export function forgetModuleGraphs(): void {
  memo.clear();
  memoFunctions = 0;
}

/**
 * The module graph of MOD, from the on-disk cache (keyed by content hash, scanner arch and graph version) or
 * built and stored. Entries are checked on read (envelope, hash of the body, columns, shape); a bad entry is discarded.
 */
export function loadModuleGraph(mod: LoadedElf, scanner: CodeScanner, opts: CacheOptions = {}): ModuleGraph {
  // a library shared by many scanned programs is summarised once per thread (content-addressed, so always valid);
  // a graph built with a separate debug file's symbols is another entry
  const debugFile = opts.debugSymbols === false ? undefined : findDebugFile(mod);
  const key = `${scanner.arch}-${mod.decoded.info.sha256}${debugFile ? '-dbg' : ''}`;
  const known = memo.get(key);
  if (known) { memo.delete(key); memo.set(key, known); return known; } // most recently used last
  if (opts.noCache) {
    const g = shareEmptyLists(build(mod, scanner, debugFile, opts.maxFunctions));
    if (opts.memo) remember(key, g);
    return g;
  }
  const root = opts.cacheDir ?? defaultCacheDir();
  const dir = join(root, `graphs-v${GRAPH_VERSION}`);
  const secret = usableCache(root, dir) ? cacheKey() : undefined;
  if (!secret) {
    // a cache directory that is a symbolic link (or not a directory) is not followed; without a key, no cache
    const g = shareEmptyLists(build(mod, scanner, debugFile, opts.maxFunctions));
    if (opts.memo) remember(key, g);
    return g;
  }
  const file = join(dir, `${key}.graph`);
  const hit = readEntry(file, mod.decoded.info.sha256, secret);
  if (hit) { if (opts.memo) remember(key, hit); return hit; }
  const g = build(mod, scanner, debugFile, opts.maxFunctions);
  writeEntry(dir, file, g, secret);
  shareEmptyLists(g);
  if (opts.memo) remember(key, g);
  return g;
}

/** Largest cache entry read: a graph of the largest real library is a few MB. */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;
/** An entry's bytes: only a regular file (never through a link, never a FIFO or a device), at most MAX_ENTRY_BYTES. */
function readEntryBytes(file: string): Buffer | undefined {
  // the cache is content-addressed and authenticated: reading it is no input of the analysis (fs-observe)
  try { return unobserved(() => readBounded(file, MAX_ENTRY_BYTES, undefined, { noFollow: true })); } catch { return undefined; }
}

function readEntry(file: string, sha: string, secret: CacheKey): ModuleGraph | undefined {
  const bytes = readEntryBytes(file);
  if (!bytes) { try { if (!lstatSync(file).isFile()) rmSync(file, { force: true }); } catch { /* absent */ } return undefined; }
  try {
    const g = parseEntry(bytes, secret);
    if (!isGraph(g) || g.sha256 !== sha || g.version !== GRAPH_VERSION) throw new Error('shape');
    return g;
  } catch {
    try { rmSync(file, { force: true }); } catch { /* another process may have replaced it */ }
    return undefined;
  }
}

/**
 * A cache entry: one JSON line `{"format", "digest"}` (HMAC-SHA256 of the body under the cache key, which is kept
 * outside the cache directory), then the binary body (graph-codec). DIGEST replaces the real one (tests forge entries).
 */
export function encodeEntry(g: ModuleGraph, secret: CacheKey = cacheKey()!, digestOverride?: string): Buffer {
  const body = encodeGraph(g);
  const head = JSON.stringify({ format: FORMAT, digest: digestOverride ?? entryDigest(secret, body) });
  return Buffer.concat([Buffer.from(head + '\n'), body]);
}

/** The graph of an entry, after checking its envelope and its body's HMAC; throws when either is wrong. */
export function parseEntry(bytes: Buffer, secret: CacheKey = cacheKey()!): ModuleGraph {
  const nl = bytes.indexOf(10);
  if (nl < 0 || nl > 4096) throw new Error('envelope');
  const head = JSON.parse(bytes.toString('utf8', 0, nl)) as { format?: unknown; digest?: unknown };
  const body = bytes.subarray(nl + 1);
  if (head.format !== FORMAT || head.digest !== entryDigest(secret, body)) throw new Error('envelope');
  return decodeGraph(body);
}

function isGraph(g: ModuleGraph): boolean {
  if (!g || typeof g !== 'object' || !Array.isArray(g.names) || !Array.isArray(g.starts)) return false;
  const n = g.names.length;
  const perFn = [g.starts, g.sites, g.unknownSites, g.wrapperParam, g.indirect];
  if (!perFn.every((a) => Array.isArray(a) && a.length === n)) return false;
  const packed = [g.calls, g.refs, g.imports, g.dataRefs];
  if (!packed.every((p) => p instanceof PackedLists && p.length === n)) return false;
  const inRange = (i: unknown): boolean => Number.isInteger(i) && (i as number) >= 0 && (i as number) < n;
  const all = (v: Float64Array, ok: (x: number, i: number) => boolean): boolean => { for (let i = 0; i < v.length; i++) if (!ok(v[i], i)) return false; return true; };
  if (!all(g.calls.values, inRange) || !all(g.refs.values, inRange)) return false;
  if (!Array.isArray(g.importNames) || !Array.isArray(g.importWeak) || g.importNames.length !== g.importWeak.length) return false;
  // import lists are [importIndex, site] pairs: every list has an even length, and the pairs start at even positions
  for (let f = 0; f < n; f++) if ((g.imports.offsets[f + 1] - g.imports.offsets[f]) % 2 !== 0) return false;
  if (!all(g.imports.values, (v, i) => i % 2 === 1 ? Number.isFinite(v) : Number.isInteger(v) && v >= 0 && v < g.importNames.length)) return false;
  if (!g.sites.every((l) => Array.isArray(l) && l.length % 3 === 0 && l.every(Number.isFinite))) return false;
  if (!g.unknownSites.every((l) => Array.isArray(l) && l.length % 2 === 0)) return false;
  if (!Object.values(g.exports ?? {}).every(inRange)) return false;
  const regions = g.regionStarts?.length;
  if (!Array.isArray(g.regionPointers) || g.regionPointers.length !== regions) return false;
  const inRegions = (i: unknown): boolean => Number.isInteger(i) && (i as number) >= 0 && (i as number) < regions;
  const pointerOk = (e: number): boolean => Number.isInteger(e) && e >= 0
    && ((e & 3) === 0 ? inRange(e >>> 2) : (e & 3) === 1 ? e >>> 2 < g.importNames.length : (e & 3) === 2 && inRegions(e >>> 2));
  if (!g.regionPointers.every((l) => Array.isArray(l) && l.every(pointerOk)) || !all(g.dataRefs.values, inRegions)) return false;
  if (!Array.isArray(g.regionContinues) || !g.regionContinues.every((i) => inRegions(i) && i + 1 < regions)) return false;
  if (!Array.isArray(g.rootRegions) || !g.rootRegions.every(inRegions) || !Array.isArray(g.objectImports) || !g.objectImports.every((x) => typeof x === 'string')) return false;
  if (!g.objectExports || typeof g.objectExports !== 'object' || !Object.values(g.objectExports).every((l) => Array.isArray(l) && l.every(inRegions))) return false;
  return [g.dataRoots, g.initRoots].every((l) => Array.isArray(l) && l.every(inRange)) && (g.entry === -1 || inRange(g.entry));
}

function writeEntry(dir: string, file: string, g: ModuleGraph, secret: CacheKey): void {
  // pid in the name: a later run removes the file if this one is killed mid-write
  const tmp = `${file}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, encodeEntry(g, secret), { flag: 'wx', mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a read-only or full cache directory only costs speed
    try { rmSync(tmp, { force: true }); } catch { /* ignore */ }
  }
}
