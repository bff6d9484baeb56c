import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRAPH_VERSION, scannerFor, type ModuleGraph } from '../../src/extract/elf/call-graph.js';
import { forgetModuleGraphs, loadModuleGraph } from '../../src/extract/libc/graph-cache.js';
import { loadElf, type LoadedElf } from '../../src/extract/elf/resolve-libraries.js';
import { buildFixtures, ensureBuilt, ROOT } from '../helpers/tools.js';

const ELF = buildFixtures('elf');
const STATIC = join(ELF, 'plain-static');
let dir: string;
let mod: LoadedElf;
let fresh: string;
const scanner = () => scannerFor(mod.elf.machine, mod.elf.class)!;
const entryDir = (cache: string) => join(cache, 'ukport', `graphs-v${GRAPH_VERSION}`);
const entryFile = (cache: string) => join(entryDir(cache), `x86_64-${mod.decoded.info.sha256}.json`);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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
    const env = JSON.parse(readFileSync(join(entryDir(cache), f), 'utf8'));
    expect(env.digest).toBe(sha256(env.payload));
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
    const text = readFileSync(entryFile(cache), 'utf8');
    writeFileSync(entryFile(cache), text.slice(0, text.length >> 1));
    expect(JSON.stringify(viaCache(cache))).toBe(fresh);
    checkEntries(cache);
    // and what the recovering run stored is used as is
    expect(JSON.stringify(viaCache(cache))).toBe(fresh);
  }, 360_000); // three in-process graph builds of a static glibc binary: slow under ts-jest on a 2-core CI machine

  test('a tampered entry is discarded and rebuilt, not trusted', () => {
    const cache = join(dir, 'tampered');
    viaCache(cache);
    const file = entryFile(cache);
    const good = readFileSync(file, 'utf8');
    const env = JSON.parse(good) as { format: string; digest: string; payload: string };
    const g = JSON.parse(env.payload) as ModuleGraph;
    const withSite = g.sites.findIndex((s) => s.length >= 3);
    expect(withSite).toBeGreaterThanOrEqual(0);

    const forged: [string, (x: ModuleGraph) => void, boolean][] = [
      // a syscall number changed without updating the digest
      ['payload edited, digest kept', (x) => { x.sites[withSite][0] = 999; }, false],
      // digest recomputed, but a call edge points outside the function table
      ['call edge out of range', (x) => { x.calls[0].push(x.names.length + 5); }, true],
      // digest recomputed, but the entry claims another file's content hash
      ['content hash swapped', (x) => { x.sha256 = '0'.repeat(64); }, true],
      ['per-function arrays of different lengths', (x) => { x.sites.pop(); }, true],
    ];
    for (const [what, edit, redigest] of forged) {
      const x = JSON.parse(env.payload) as ModuleGraph;
      edit(x);
      const payload = JSON.stringify(x);
      writeFileSync(file, JSON.stringify({ format: env.format, digest: redigest ? sha256(payload) : env.digest, payload }));
      expect([what, JSON.stringify(viaCache(cache))]).toEqual([what, fresh]);
      // the bad entry was replaced by a good one
      expect([what, JSON.parse(readFileSync(file, 'utf8')).digest]).toEqual([what, env.digest]);
    }
    writeFileSync(file, 'not json at all');
    expect(JSON.stringify(viaCache(cache))).toBe(fresh);
  }, 360_000); // three in-process graph builds of a static glibc binary: slow under ts-jest on a 2-core CI machine
});
