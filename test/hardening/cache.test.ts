import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRAPH_VERSION, scannerFor, type ModuleGraph } from '../../src/extract/elf/call-graph.js';
import { encodeEntry, forgetModuleGraphs, loadModuleGraph, parseEntry } from '../../src/extract/libc/graph-cache.js';
import { PackedLists } from '../../src/extract/elf/packed-lists.js';
import { cacheKey, entryDigest } from '../../src/extract/libc/cache-key.js';
import { loadElf, type LoadedElf } from '../../src/extract/elf/resolve-libraries.js';
import { buildFixtures, ensureBuilt, ROOT } from '../helpers/tools.js';

const ELF = buildFixtures('elf');
const STATIC = join(ELF, 'plain-static');
let dir: string;
let mod: LoadedElf;
let fresh: string;
const scanner = () => scannerFor(mod.elf.machine, mod.elf.class)!;
const entryDir = (cache: string) => join(cache, 'ukport', `graphs-v${GRAPH_VERSION}`);
const entryFile = (cache: string) => join(entryDir(cache), `x86_64-${mod.decoded.info.sha256}.graph`);
/** The envelope line of an entry: format and the digest it claims for its body. */
const envelope = (bytes: Buffer) => JSON.parse(bytes.toString('utf8', 0, bytes.indexOf(10))) as { format: string; digest: string };
const bodyDigest = (bytes: Buffer) => entryDigest(cacheKey()!, bytes.subarray(bytes.indexOf(10) + 1));

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ukport-cache-'));
  mod = loadElf(STATIC);
  forgetModuleGraphs();
  fresh = JSON.stringify(loadModuleGraph(mod, scanner(), { noCache: true }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads through the on-disk cache at CACHE (nothing from this process's memory). */
function viaCache(cache: string): ModuleGraph {
  forgetModuleGraphs();
  return loadModuleGraph(mod, scanner(), { cacheDir: join(cache, 'ukport') });
}

/** Every cache file is a complete, valid entry or a leftover temp file; never a torn entry. */
function checkEntries(cache: string): void {
  if (!existsSync(entryDir(cache))) return;
  for (const f of readdirSync(entryDir(cache))) {
    if (f.endsWith('.tmp')) continue;
    const bytes = readFileSync(join(entryDir(cache), f));
    expect(envelope(bytes).digest).toBe(bodyDigest(bytes));
    expect(() => parseEntry(bytes)).not.toThrow();
  }
}

describe('module graph cache', () => {
  test('a run killed at any point while writing leaves no torn entry; the next run recovers', async () => {
    const cache = join(dir, 'killed');
    // the CLI builds and stores the graphs of the static binary; SIGKILL it at several moments of the run
    for (const delay of [150, 400, 800, 1500, 3000]) {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'scan', '--format', 'json', '--quiet', STATIC], {
        env: { ...process.env, XDG_CACHE_HOME: cache }, stdio: 'ignore',
      });
      // listen before killing: a run that already finished would never emit 'exit' again
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      checkEntries(cache);
    }
    // a writer that was not atomic and died half-way: the entry file itself is torn
    if (!existsSync(entryFile(cache))) viaCache(cache);
    const whole = readFileSync(entryFile(cache));
    writeFileSync(entryFile(cache), whole.subarray(0, whole.length >> 1));
    expect(JSON.stringify(viaCache(cache))).toBe(fresh);
    checkEntries(cache);
    // and what the recovering run stored is used as is
    expect(JSON.stringify(viaCache(cache))).toBe(fresh);
  }, 360_000); // three in-process graph builds of a static glibc binary: slow under ts-jest on a 2-core CI machine

  test('a tampered entry is discarded and rebuilt, not trusted', () => {
    const cache = join(dir, 'tampered');
    viaCache(cache);
    const file = entryFile(cache);
    const good = readFileSync(file);
    const env = envelope(good);
    const g = parseEntry(good);
    const withSite = g.sites.findIndex((s) => s.length >= 3);
    expect(withSite).toBeGreaterThanOrEqual(0);

    const forged: [string, (x: ModuleGraph) => void, boolean][] = [
      // a syscall number changed without updating the digest
      ['payload edited, digest kept', (x) => { x.sites[withSite][0] = 999; }, false],
      // digest recomputed, but a call edge points outside the function table
      ['call edge out of range', (x) => { const l = x.calls.toArrays(); l[0].push(x.names.length + 5); x.calls = PackedLists.pack(l); }, true],
      // digest recomputed, but the entry claims another file's content hash
      ['content hash swapped', (x) => { x.sha256 = '0'.repeat(64); }, true],
      ['import index out of range', (x) => { const l = x.imports.toArrays(); const f = l.findIndex((i) => i.length > 0); l[f < 0 ? 0 : f] = [x.importNames.length + 3, 0]; x.imports = PackedLists.pack(l); }, true],
    ];
    for (const [what, edit, redigest] of forged) {
      const x = parseEntry(good);
      edit(x);
      writeFileSync(file, encodeEntry(x, undefined, redigest ? undefined : env.digest));
      expect([what, JSON.stringify(viaCache(cache))]).toEqual([what, fresh]);
      // the bad entry was replaced by a good one
      expect([what, envelope(readFileSync(file)).digest]).toEqual([what, env.digest]);
    }
    // a body cut short under a recomputed digest: the columns do not add up
    const body = good.subarray(good.indexOf(10) + 1, good.length - 8);
    const head = JSON.stringify({ format: env.format, digest: entryDigest(cacheKey()!, body) });
    writeFileSync(file, Buffer.concat([Buffer.from(head + '\n'), body]));
    expect(JSON.stringify(viaCache(cache))).toBe(fresh);
    writeFileSync(file, 'not json at all');
    expect(JSON.stringify(viaCache(cache))).toBe(fresh);
  }, 360_000); // three in-process graph builds of a static glibc binary: slow under ts-jest on a 2-core CI machine
});
