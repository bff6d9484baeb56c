import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeSync, existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mode, Plan, UnikraftTable } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { loadTables } from '../../src/data/tables.js';
import { ROOT } from '../helpers/tools.js';

// Issue #24: no plan of any fixture or system binary holds two libraries that exclude each other: one whose Config.uk
// says `depends on !OTHER` (ukmmap and posix-mmap), two C libraries (musl and newlib both define the libc; a
// binary-compat image has none: app-elfloader builds with nolibc), or a planned library Kconfig drops on a target.
const tables = loadTables();
const newest = tables.unikraft.filter((t) => /^v\d+(\.\d+)*$/.test(t.release)).at(-1)!;
const LIBCS = new Set(['musl', 'newlib']);

function isElf(path: string): boolean {
  const head = Buffer.alloc(4);
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size < 64) return false;
    const fd = openSync(path, 'r');
    try { readSync(fd, head, 0, 4, 0); } finally { closeSync(fd); }
  } catch { return false; }
  return head.readUInt32BE(0) === 0x7f454c46;
}

/** Every ELF the fixtures' Makefile built (the hostile inputs excepted: they are not programs). */
function fixtureElfs(): string[] {
  const build = join(ROOT, 'fixtures', 'build');
  if (!existsSync(build)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'hostile') walk(p);
      else if (e.isFile() && isElf(p)) out.push(p);
    }
  };
  walk(build);
  return out;
}

/** Every 25th ELF of /usr/bin and /usr/sbin (sorted by name): a fixed sample of the system's programs. */
function systemSample(): string[] {
  const out: string[] = [];
  for (const dir of ['/usr/bin', '/usr/sbin']) {
    if (!existsSync(dir)) continue;
    const elfs = readdirSync(dir).sort().map((n) => join(dir, n)).filter(isElf);
    out.push(...elfs.filter((_, i) => i % 25 === 0));
  }
  return out;
}

function exclusions(plan: Plan, table: UnikraftTable, mode: Mode): string[] {
  const libs = plan.libraries.filter((l) => l.kconfig);
  const conjuncts = (sym: string) => (table.kconfig?.[sym]?.dependsOn ?? []).flatMap((d) => d.split('&&').map((c) => c.trim().replace(/^\((.*)\)$/, '$1')));
  const out: string[] = [];
  for (const a of libs) for (const b of libs) if (a !== b && conjuncts(a.kconfig).includes(`!${b.kconfig}`)) out.push(`${a.name} depends on !${b.kconfig} (${b.name})`);
  const libcs = plan.libraries.filter((l) => LIBCS.has(l.name)).map((l) => l.name);
  if (libcs.length > (mode === 'native' ? 1 : 0)) out.push(`C libraries: ${libcs.join(', ')}`);
  const switches = new Set(libs.map((l) => l.kconfig));
  for (const p of plan.kconfigProblems ?? []) if (p.kind === 'dropped' && switches.has(p.symbol)) out.push(`${p.target}: Kconfig drops ${p.symbol}: ${p.detail}`);
  return out;
}

describe('no plan holds two libraries that exclude each other', () => {
  let cache: string;
  beforeAll(() => { cache = mkdtempSync(join(tmpdir(), 'ukport-exclusive-')); });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const fixtures = fixtureElfs();
  const system = systemSample();

  test('the samples are real: the fixtures\' programs and a spread of the system\'s', () => {
    expect(fixtures.length).toBeGreaterThan(40);
    if (existsSync('/usr/bin/ls')) expect(system.length).toBeGreaterThan(20);
  });

  const check = async (paths: string[]) => {
    const bad: string[] = [];
    for (const path of paths) {
      for (const mode of ['binary-compat', 'native'] as const) {
        let plan: Plan | undefined;
        try {
          plan = (await runPipeline({ paths: [path], mode, cacheDir: cache, plan: { release: newest.release, mode } })).plan;
        } catch (e) {
          bad.push(`${path} ${mode}: ${(e as Error).message}`);
          continue;
        }
        if (!plan) continue;
        for (const x of exclusions(plan, newest, mode)) bad.push(`${path} ${mode}: ${x}`);
      }
    }
    return bad;
  };

  test(`every fixture program, both modes, at ${newest.release}`, async () => {
    expect(await check(fixtures)).toEqual([]);
  }, 1_200_000);

  test(`every 25th program of /usr/bin and /usr/sbin, both modes, at ${newest.release}`, async () => {
    expect(await check(system)).toEqual([]);
  }, 1_200_000);
});
