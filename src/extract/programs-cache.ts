import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Artifact } from '../model/index.js';
import { TOOL_VERSION } from '../version.js';
import { readBounded } from '../inputs/read-file.js';
import { stillHolds, unobserved, type Observed } from '../inputs/fs-observe.js';
import { cacheKey, entryDigest, type CacheKey } from './libc/cache-key.js';
import { defaultCacheDir, usableCache } from './libc/cache-dir.js';
import type { ProgramSettings, ProgramsResult } from './programs.js';
import { GRAPH_VERSION } from './elf/module-graph.js';

/**
 * The analysed programs of a run, kept so that scanning the same programs again costs a few file lookups: the result
 * of `analysePrograms` (facts, library graph, binaries) with everything its analysis saw of the filesystem
 * (fs-observe: each file read with its size, times, inode and device; each path looked up, present or not; each
 * link's target). An entry is used only when its key matches (the tool's code and data, the programs' paths and
 * every setting that can change the facts) and the filesystem still shows all it saw; any change is a miss.
 * Entries are authenticated like the library graphs (HMAC under the user's cache key, kept outside the cache).
 */
const FORMAT = 'ukport-programs';
const VERSION = 1;
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

/** The package root (this file is dist/extract/ or src/extract/). */
const CODE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const PACKAGE_ROOT = dirname(CODE_DIR);

let codeStamp: string | undefined;

/**
 * What identifies the tool's own code and data: size, modification time and inode of every file of the compiled code
 * (or sources), the shipped tables and rules, and the package manifests. A rebuild or an edit changes it.
 */
export function codeIdentity(): string {
  if (codeStamp !== undefined) return codeStamp;
  const h = createHash('sha256').update(TOOL_VERSION);
  const add = (path: string): void => {
    try {
      const st = statSync(path);
      h.update(`${path}\0${st.size}\0${st.mtimeMs}\0${st.ino}\n`);
    } catch { h.update(`${path}\0absent\n`); }
  };
  for (const dir of [CODE_DIR, join(PACKAGE_ROOT, 'syscall-tables'), join(PACKAGE_ROOT, 'rules')]) {
    let files: string[];
    try {
      files = readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => !e.isDirectory() && !/\.(map|d\.ts|md)$/.test(e.name)).map((e) => join(e.parentPath, e.name)).sort();
    } catch { files = []; }
    h.update(`${dir}\0${files.length}\n`);
    for (const f of files) add(f);
  }
  for (const f of ['package.json', 'package-lock.json']) add(join(PACKAGE_ROOT, f));
  return (codeStamp = h.digest('hex'));
}

/** The key of the programs ELFS analysed with SETTINGS: what the facts depend on besides the filesystem. */
export function programsKey(elfs: Artifact[], settings: ProgramSettings): string {
  const { noCache: _n, cacheDir: _c, ...rest } = settings;
  const relative = elfs.some((a) => !isAbsolute(a.path)) || (settings.sysroot !== undefined && !isAbsolute(settings.sysroot));
  const key = {
    format: FORMAT, version: VERSION, code: codeIdentity(),
    programs: elfs.map((a) => [a.path, a.root === a.path]),
    settings: rest,
    // relative paths are read from the working directory; debug files are also looked up in debuginfod's cache
    cwd: relative ? process.cwd() : undefined,
    env: ['DEBUGINFOD_CACHE_PATH', 'XDG_CACHE_HOME', 'HOME'].map((v) => process.env[v] ?? null),
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

function entryFile(cacheDir: string | undefined): { root: string; dir: string } {
  const root = cacheDir ?? defaultCacheDir();
  return { root, dir: join(root, `programs-v${VERSION}`) };
}

/**
 * Whether the cache can be used (usableCache). The library graphs' directory is checked too: that check also removes
 * the temporary files a killed run left there, which a run that reuses its programs would otherwise never do.
 */
function usable(root: string, dir: string): boolean {
  return usableCache(root, dir) && usableCache(root, join(root, `graphs-v${GRAPH_VERSION}`));
}

interface EntryBody { key: string; observed: [string, string][]; result: ProgramsResult }

/** The cached result under KEY when it is authentic and everything its analysis saw is unchanged. */
export function readPrograms(key: string, cacheDir?: string): ProgramsResult | undefined {
  const { root, dir } = entryFile(cacheDir);
  const secret = usable(root, dir) ? cacheKey() : undefined;
  if (!secret) return undefined;
  const file = join(dir, `${key}.json`);
  let bytes: Buffer;
  try { bytes = unobserved(() => readBounded(file, MAX_ENTRY_BYTES, undefined, { noFollow: true })); } catch { return undefined; }
  try {
    const body = parseEntry(bytes, secret);
    if (body.key !== key || !Array.isArray(body.observed) || !body.result || !Array.isArray(body.result.facts)) throw new Error('shape');
    return stillHolds(body.observed) ? body.result : undefined;
  } catch {
    try { rmSync(file, { force: true }); } catch { /* another run replaced it */ }
    return undefined;
  }
}

function parseEntry(bytes: Buffer, secret: CacheKey): EntryBody {
  const nl = bytes.indexOf(10);
  if (nl < 0 || nl > 4096) throw new Error('envelope');
  const head = JSON.parse(bytes.toString('utf8', 0, nl)) as { format?: unknown; digest?: unknown };
  const body = bytes.subarray(nl + 1);
  if (head.format !== FORMAT || head.digest !== entryDigest(secret, body)) throw new Error('envelope');
  return JSON.parse(body.toString('utf8')) as EntryBody;
}

/** Whether a result may be kept: one cut short by the time budget depends on the machine's speed, not on its inputs. */
function repeatable(result: ProgramsResult): boolean {
  return !result.facts.some((f) => f.kind === 'unknown' && f.reason === 'limit-exceeded' && f.evidence.some((e) => e.detail === 'timeBudgetMs'));
}

/** Keeps RESULT under KEY with what its analysis OBSERVED; a cache that cannot be written only costs speed. */
export function writePrograms(key: string, result: ProgramsResult, observed: Observed, cacheDir?: string): void {
  if (!repeatable(result)) return;
  const { root, dir } = entryFile(cacheDir);
  const secret = usable(root, dir) ? cacheKey() : undefined;
  if (!secret) return;
  const plain: ProgramsResult = { facts: result.facts, binaries: result.binaries, edges: result.edges, bytesRead: result.bytesRead,
    indirectCalls: result.indirectCalls, addressTakenFunctions: result.addressTakenFunctions, scriptMains: result.scriptMains };
  const body = Buffer.from(JSON.stringify({ key, observed: [...observed], result: plain } satisfies EntryBody));
  const head = JSON.stringify({ format: FORMAT, digest: entryDigest(secret, body) });
  const file = join(dir, `${key}.json`);
  const tmp = `${file}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, Buffer.concat([Buffer.from(head + '\n'), body]), { flag: 'wx', mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    try { rmSync(tmp, { force: true }); } catch { /* ignore */ }
  }
}
