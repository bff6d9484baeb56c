import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFilesConfined } from '../../src/cli/write-files.js';
import { UkportError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dirs.js';

const fresh = () => tempDir('ukport-write-');
const files = (o: Record<string, string>) => new Map(Object.entries(o));

function code(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { return e instanceof UkportError ? e.code : 'other'; }
  return undefined;
}

describe('writeFilesConfined', () => {
  test('writes nested files, then reports them unchanged; no temporary files stay behind', () => {
    const out = join(fresh(), 'out');
    expect(writeFilesConfined(out, files({ Kraftfile: 'a\n', 'lib-x/compat.c': 'b\n' }))).toEqual({ written: ['Kraftfile', 'lib-x/compat.c'], unchanged: [] });
    expect(readFileSync(join(out, 'lib-x/compat.c'), 'utf8')).toBe('b\n');
    expect(writeFilesConfined(out, files({ Kraftfile: 'a\n', 'lib-x/compat.c': 'b\n' }))).toEqual({ written: [], unchanged: ['Kraftfile', 'lib-x/compat.c'] });
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a file ukport wrote and nobody edited is replaced; an edited one only with force, and nothing is written before', () => {
    const out = fresh();
    writeFilesConfined(out, files({ A: '1\n', B: '1\n' }));
    expect(writeFilesConfined(out, files({ A: '2\n' }))).toEqual({ written: ['A'], unchanged: [] });
    writeFileSync(join(out, 'B'), 'edited by hand\n');
    let err: unknown;
    try { writeFilesConfined(out, files({ A: '3\n', B: '3\n' })); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UkportError);
    expect((err as UkportError).code).toBe('file-exists');
    expect((err as UkportError).detail).toMatch(/: B; use --force/);
    expect(readFileSync(join(out, 'A'), 'utf8')).toBe('2\n');
    expect(writeFilesConfined(out, files({ A: '3\n', B: '3\n' }), { force: true }).written).toEqual(['A', 'B']);
    expect(readFileSync(join(out, 'B'), 'utf8')).toBe('3\n');
  });

  test('a pre-existing file ukport never wrote counts as the user\'s', () => {
    const out = fresh();
    writeFileSync(join(out, 'Config.uk'), 'mine\n');
    expect(code(() => writeFilesConfined(out, files({ 'Config.uk': 'generated\n' })))).toBe('file-exists');
  });

  test('escapes are refused: .., absolute paths, symlinked directories and files', () => {
    const root = fresh();
    const out = join(root, 'out');
    mkdirSync(out);
    expect(code(() => writeFilesConfined(out, files({ '../evil': 'x' })))).toBe('path-escape');
    expect(code(() => writeFilesConfined(out, files({ 'a/../../evil': 'x' })))).toBe('path-escape');
    expect(code(() => writeFilesConfined(out, files({ '/tmp/evil': 'x' })))).toBe('path-escape');
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(out, 'link'));
    expect(code(() => writeFilesConfined(out, files({ 'link/f': 'x' })))).toBe('path-escape');
    symlinkSync(join(root, 'elsewhere', 'target'), join(out, 'dangling'));
    expect(code(() => writeFilesConfined(out, files({ dangling: 'x' })))).toBe('path-escape');
    expect(existsSync(join(root, 'evil')) || existsSync(join(root, 'elsewhere', 'f')) || existsSync(join(root, 'elsewhere', 'target'))).toBe(false);
    symlinkSync(root, join(root, 'outlink'));
    expect(code(() => writeFilesConfined(join(root, 'outlink'), files({ f: 'x' })))).toBe('path-escape');
  });
});
