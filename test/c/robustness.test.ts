import { describe, expect, test } from '@jest/globals';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCSources } from '../../src/extract/c/extract-c-sources.js';
import { findCSources } from '../../src/extract/c/find-c-sources.js';
import type { Fact } from '../../src/model/index.js';
import { tempDir } from '../helpers/temp-dirs.js';

const libcFunctions = new Set(['fork', 'open', 'close', 'read']);
const tmp = (): string => tempDir('ukport-crobust-');
const unknowns = (facts: Fact[]) => facts.filter((f): f is Extract<Fact, { kind: 'unknown' }> => f.kind === 'unknown');

describe('hostile and odd inputs never crash', () => {
  test('invalid C: parse-error unknowns with locations; calls around them still found', async () => {
    const dir = tmp();
    const file = join(dir, 'broken.c');
    writeFileSync(file, ['int ok(void) { return fork(); }', '', 'int broken(int x {', '  if (x > ) close(x);', '}', 'int after(void) { return open("/etc/passwd", 0); }', ''].join('\n'));
    const { facts } = await extractCSources([file], { libcFunctions });
    const errs = unknowns(facts).filter((u) => u.reason === 'parse-error');
    // tree-sitter recovers by inserting the missing `)` of line 3 and the missing operand of line 4
    expect(errs.map((e) => [e.message, e.evidence[0].location?.line, e.evidence[0].location?.function])).toEqual([
      ["C missing ')' in line 3: code here may hide calls", 3, 'broken'],
      ['C missing identifier in line 4: code here may hide calls', 4, 'broken'],
    ]);
    for (const e of errs) {
      expect(e.evidence[0].location?.file).toBe(file);
      expect(e.evidence[0].location!.line).toBeGreaterThanOrEqual(3);
      expect(e.evidence[0].location!.line).toBeLessThanOrEqual(5);
    }
    const names = facts.filter((f) => f.kind === 'symbol').map((f) => f.kind === 'symbol' && f.name).sort();
    expect(names).toEqual(expect.arrayContaining(['fork', 'open']));
    expect(facts.find((f) => f.kind === 'string')?.evidence[0].location?.line).toBe(6);
  });

  test('binary content with a .c name is skipped with a reason', async () => {
    const file = join(tmp(), 'blob.c');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    const { facts } = await extractCSources([file], { libcFunctions });
    expect(facts).toEqual([{ kind: 'unknown', reason: 'skipped-file', message: 'skipped: binary content in a .c/.h file', evidence: [{ artifact: file, extractor: 'c.source' }] }]);
  });

  test('files over the size limit are skipped; over the bounded limit, analysed up to it', async () => {
    const dir = tmp();
    const big = join(dir, 'gen.c');
    const line = 'int f%(void) { return fork(); }\n';
    writeFileSync(big, Array.from({ length: 2000 }, (_, i) => line.replace('%', String(i))).join(''));
    const skipped = await extractCSources([big], { libcFunctions, maxFileBytes: 1000 });
    expect(unknowns(skipped.facts).map((u) => u.reason)).toEqual(['skipped-file']);
    const bounded = await extractCSources([big], { libcFunctions, boundedFileBytes: 10 * line.length + 5 });
    expect(unknowns(bounded.facts).map((u) => [u.reason, u.message])).toEqual([['limit-exceeded', `only the first ${10 * line.length} of ${statSync(big).size} bytes were analysed`]]);
    const forks = bounded.facts.find((f) => f.kind === 'symbol' && f.name === 'fork');
    expect(forks?.evidence.map((e) => e.location?.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('empty files, NUL-free random bytes, deep nesting, unreadable paths', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'empty.c'), '');
    let seed = 7;
    const rnd = Buffer.alloc(200_000, 0).map(() => { seed = (seed * 1103515245 + 12345) >>> 0; return 1 + (seed >>> 16) % 255; });
    writeFileSync(join(dir, 'noise.h'), rnd);
    writeFileSync(join(dir, 'deep.c'), `int x = ${'('.repeat(20000)}1${')'.repeat(20000)};\nint y(void) { return fork(); }\n`);
    const files = [...findCSources([dir]).files, { path: join(dir, 'missing.c') }];
    const { facts } = await extractCSources(files, { libcFunctions });
    expect(unknowns(facts).filter((u) => u.reason === 'bad-file').map((u) => u.evidence[0].artifact)).toEqual([join(dir, 'missing.c')]);
    expect(facts.find((f) => f.kind === 'symbol' && f.name === 'fork')?.evidence[0].location).toMatchObject({ file: join(dir, 'deep.c'), line: 2, function: 'y' });
  });

  test('a parse that runs out of time is an unknown, and the next file parses cleanly', async () => {
    const dir = tmp();
    const slow = join(dir, 'slow.c');
    writeFileSync(slow, 'int a(void) { return fork(); }\n'.repeat(200_000));
    const small = join(dir, 'small.c');
    writeFileSync(small, 'int b(void) { return close(0); }\n');
    const { facts } = await extractCSources([slow, small], { libcFunctions, parseTimeoutMs: 1 });
    expect(unknowns(facts).map((u) => [u.reason, u.evidence[0].artifact])).toEqual([['limit-exceeded', slow]]);
    expect(facts.find((f) => f.kind === 'symbol' && f.name === 'close')?.evidence[0].location).toEqual({ file: small, line: 1, column: 22, function: 'b' });
  });
});
