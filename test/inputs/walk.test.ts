import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { walkPaths } from '../../src/inputs/walk.js';
import { buildFixtures } from '../helpers/tools.js';

const elfDir = buildFixtures('elf');

describe('walkPaths', () => {
  test('classifies by magic bytes and name, counts skipped files, survives symlink loops', () => {
    const root = mkdtempSync(join(tmpdir(), 'ukport-walk-'));
    try {
      mkdirSync(join(root, 'src/sub'), { recursive: true });
      copyFileSync(join(elfDir, 'plain-pie'), join(root, 'app.bin'));
      writeFileSync(join(root, 'src/main.c'), 'int main(void) { return 0; }\n');
      writeFileSync(join(root, 'src/sub/util.h'), '#pragma once\n');
      writeFileSync(join(root, 'README.txt'), 'hello\n');
      writeFileSync(join(root, 'empty.c'), '');
      symlinkSync('..', join(root, 'src/sub/up'));
      symlinkSync('/nonexistent/target', join(root, 'dangling'));
      const r = walkPaths([root]);
      expect(r.artifacts.map((a) => [a.path.slice(root.length + 1), a.kind])).toEqual([
        ['app.bin', 'elf'], ['src/main.c', 'c-source'], ['src/sub/util.h', 'c-header'],
      ]);
      expect(r.skipped).toBe(3);
      expect(r.problems.map((p) => p.error.code)).toEqual(['symlink-loop']);
    } finally { rmSync(root, { recursive: true, force: true }); }
  });
  test('explicit paths: missing, empty and unsupported files throw UkportError', () => {
    const root = mkdtempSync(join(tmpdir(), 'ukport-walk-'));
    try {
      writeFileSync(join(root, 'empty'), '');
      writeFileSync(join(root, 'notes.txt'), 'x');
      expect(() => walkPaths([join(root, 'missing')])).toThrow(expect.objectContaining({ code: 'not-found' }));
      expect(() => walkPaths([join(root, 'empty')])).toThrow(expect.objectContaining({ code: 'empty-file' }));
      expect(() => walkPaths([join(root, 'notes.txt')])).toThrow(expect.objectContaining({ code: 'unsupported-input' }));
    } finally { rmSync(root, { recursive: true, force: true }); }
  });
  test('a file over the size limit inside a directory is a problem, not a crash', () => {
    const r = walkPaths([elfDir], { maxFileBytes: 100_000 });
    // The static builds (glibc x86_64 and aarch64) are the only fixtures over 100 kB.
    expect(r.problems.map((p) => [p.path.split('/').pop(), p.error.code]).sort()).toEqual([['plain-aarch64-static', 'too-large'], ['plain-static', 'too-large']]);
  });
});
