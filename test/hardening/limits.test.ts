import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fact, UnknownFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { forgetModuleGraphs } from '../../src/extract/libc/graph-cache.js';
import { loadCParser, parseBounded } from '../../src/extract/c/c-parser.js';
import { scanCTree } from '../../src/extract/c/scan-c-file.js';
import { envFromFlags } from '../../src/extract/c/conditions.js';
import { buildFixtures, run } from '../helpers/tools.js';

const ELF = buildFixtures('elf');
const STATIC = join(ELF, 'plain-static');
let dir: string;
let emptyRoot: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ukport-limits-')); emptyRoot = join(dir, 'root'); mkdirSync(emptyRoot); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const limitFacts = (facts: Fact[]): UnknownFact[] => facts.filter((f): f is UnknownFact => f.kind === 'unknown' && f.reason === 'limit-exceeded');
const syscalls = (facts: Fact[]) => facts.filter((f) => f.kind === 'syscall');

/** Executable section bytes and FUNC symbol count as readelf sees them (independent of our reader). */
function readelfCode(path: string): { codeBytes: number; funcSymbols: number } {
  let codeBytes = 0;
  const lines = run('readelf', ['-S', '-W', path]).split('\n');
  for (const l of lines) {
    const m = /\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*X\S*)\s/.exec(l);
    if (m && m[2] !== 'NOBITS') codeBytes += parseInt(m[5], 16);
  }
  const funcSymbols = run('readelf', ['-s', '-W', path]).split('\n').filter((l) => /\sFUNC\s/.test(l)).length;
  return { codeBytes, funcSymbols };
}

describe('limits give an unknown with the reason, never a silent truncation', () => {
  test('a file over the size limit inside a walked directory is an unknown (limit-exceeded)', async () => {
    const d = join(dir, 'sized');
    mkdirSync(d);
    copyFileSync(join(ELF, 'plain-pie'), join(d, 'big'));
    copyFileSync(join(ELF, 'plain-stripped'), join(d, 'small'));
    const size = statSync(join(d, 'big')).size;
    const limit = statSync(join(d, 'small')).size;
    expect(size).toBeGreaterThan(limit);
    const report = await runPipeline({ paths: [d], maxFileBytes: limit, sysroot: emptyRoot, noCache: true });
    const u = limitFacts(report.facts).find((f) => f.evidence[0].artifact === join(d, 'big'));
    expect(u?.message).toContain(`${size} bytes, limit ${limit}`);
    expect(report.binaries.map((b) => b.path)).toEqual([join(d, 'small')]);
  });

  test('more code bytes than --max-code-size: the binary is not analysed, and the unknown says how much', async () => {
    forgetModuleGraphs();
    const { codeBytes } = readelfCode(STATIC);
    const report = await runPipeline({ paths: [STATIC], noCache: true, limits: { maxCodeBytes: 4096 } });
    const [u] = limitFacts(report.facts);
    expect(u.evidence[0].detail).toBe('maxCodeBytes');
    // our count covers the same executable sections readelf lists (PLT included)
    expect(u.message).toContain(`${codeBytes} bytes of code exceed the limit of 4096`);
    expect(syscalls(report.facts)).toHaveLength(0);
  });

  test('more functions than --max-functions: an unknown naming the count', async () => {
    forgetModuleGraphs();
    const { funcSymbols } = readelfCode(STATIC);
    expect(funcSymbols).toBeGreaterThan(100);
    const report = await runPipeline({ paths: [STATIC], noCache: true, limits: { maxFunctions: 100 } });
    const [u] = limitFacts(report.facts);
    expect(u.evidence[0].detail).toBe('maxFunctions');
    const n = Number(/^(\d+) functions exceed the limit of 100/.exec(u.message)?.[1]);
    // functions come from symbols (aliases merged) plus .eh_frame starts: the same order as readelf's FUNC count
    expect(n).toBeGreaterThan(funcSymbols / 4);
    expect(syscalls(report.facts)).toHaveLength(0);
  });

  test('--max-chain-depth cuts the walk and says so; fewer syscalls are found than without the limit', async () => {
    forgetModuleGraphs();
    const full = await runPipeline({ paths: [STATIC], noCache: true });
    const cut = await runPipeline({ paths: [STATIC], noCache: true, limits: { maxChainDepth: 2 } });
    expect(limitFacts(full.facts)).toHaveLength(0);
    const [u] = limitFacts(cut.facts);
    expect(u.evidence[0].detail).toBe('maxChainDepth');
    expect(u.message).toMatch(/call chains deeper than 2 not followed \(\d+ functions not explored\)/);
    expect(syscalls(cut.facts).length).toBeLessThan(syscalls(full.facts).length);
  });

  test('an exhausted per-file time budget: an unknown, no syscalls claimed', async () => {
    forgetModuleGraphs();
    const report = await runPipeline({ paths: [STATIC], noCache: true, limits: { timeBudgetMs: -1 } });
    const [u] = limitFacts(report.facts);
    expect(u.evidence[0].detail).toBe('timeBudgetMs');
    expect(syscalls(report.facts)).toHaveLength(0);
  });
});

describe('C sources: a query that would run for minutes is bounded', () => {
  test('deep unclosed braces around huge expressions: the query stops at the budget and reports where', async () => {
    // the shape of fuzz seed 101 input 719 (90 s of query matching before the bound), smaller
    const src = 'int main(void) {\n' + '{'.repeat(300) + `syscall(${'x+'.repeat(20_000)}1);\n`.repeat(2);
    const c = await loadCParser();
    const tree = parseBounded(c, src, 30_000)!;
    try {
      const t0 = Date.now();
      const scan = scanCTree(c, tree, src, envFromFlags(new Map(), new Set()), { keep: () => true, libc: () => true }, 1);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(scan.stoppedAt).toBeGreaterThanOrEqual(0);
    } finally {
      tree.delete();
    }
  }, 60_000);
});
