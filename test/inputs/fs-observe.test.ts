import { describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noteListing, noteLstat, noteStat, observeDuring, stillHolds, unobserved } from '../../src/inputs/fs-observe.js';
import { readBounded } from '../../src/inputs/read-file.js';
import { hostRootFs } from '../../src/inputs/root-fs.js';
import { resolveInRoot } from '../../src/inputs/rooted-path.js';
import { tempDir } from '../helpers/temp-dirs.js';

describe('fs-observe: what an analysis saw of the filesystem, and whether it still shows the same', () => {
  test('the readers note what they see: files read, paths looked up (absent ones too), links, listings', () => {
    const root = tempDir('ukport-observe-');
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib', 'a.so'), 'one');
    symlinkSync('a.so', join(root, 'lib', 'b.so'));
    const { value, observed } = observeDuring(() => {
      const found = resolveInRoot(root, '/lib/b.so');
      const missing = resolveInRoot(root, '/usr/lib/c.so');
      hostRootFs(root).readdir('/lib');
      return [found, missing, readBounded(join(root, 'lib', 'a.so')).toString()];
    });
    expect(value).toEqual([join(root, 'lib', 'a.so'), undefined, 'one']);
    const seen = Object.fromEntries([...observed].map(([k, v]) => [k.replace(root, '<root>'), v.replace(/:.*/, '')]));
    expect(seen).toEqual({
      'l\0<root>/lib': 'dir', 'l\0<root>/lib/b.so': 'link', 'l\0<root>/lib/a.so': 'file', 'l\0<root>/usr': 'absent',
      'd\0<root>/lib': 'a.so\0b.so', 's\0<root>/lib/a.so': 'file',
    });
    expect(observed.get(`l\0${root}/lib/b.so`)).toBe('link:a.so');
    expect(stillHolds(observed)).toBe(true);
  });

  test('nothing is noted outside an observation or inside unobserved; nested observations add to the outer one', () => {
    const root = tempDir('ukport-observe-');
    writeFileSync(join(root, 'f'), 'x');
    noteStat(join(root, 'f'));
    const { observed } = observeDuring(() => {
      unobserved(() => readBounded(join(root, 'f')));
      observeDuring(() => noteLstat(join(root, 'g')));
    });
    expect([...observed.keys()]).toEqual([`l\0${root}/g`]);
  });

  test.each([
    ['a file appears where the lookup found nothing', (d: string) => writeFileSync(join(d, 'absent'), '')],
    ['a file read is rewritten with the same size and its old modification time put back', (d: string) => {
      const before = statSync(join(d, 'file'));
      writeFileSync(join(d, 'file'), 'ABC');
      utimesSync(join(d, 'file'), 1_000_000_000, 1_000_000_000);
      const after = statSync(join(d, 'file'));
      expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]); // only ctime tells
      expect(readFileSync(join(d, 'file'), 'utf8')).toBe('ABC');
    }],
    ['a link is pointed elsewhere', (d: string) => { unlinkSync(join(d, 'link')); symlinkSync('other', join(d, 'link')); }],
    ['a directory listed gains an entry', (d: string) => writeFileSync(join(d, 'dir', 'new'), '')],
    ['a directory looked through is replaced by a link', (d: string) => { rmSync(join(d, 'dir'), { recursive: true }); symlinkSync('.', join(d, 'dir')); }],
  ])('%s: no longer holds', (_name, change) => {
    const d = tempDir('ukport-observe-');
    writeFileSync(join(d, 'file'), 'abc');
    utimesSync(join(d, 'file'), 1_000_000_000, 1_000_000_000); // a whole second: a change can put it back exactly
    symlinkSync('file', join(d, 'link'));
    mkdirSync(join(d, 'dir'));
    const { observed } = observeDuring(() => {
      noteLstat(join(d, 'absent'));
      noteStat(join(d, 'file'));
      noteLstat(join(d, 'link'));
      noteLstat(join(d, 'dir'));
      noteListing(join(d, 'dir'));
    });
    expect(stillHolds(observed)).toBe(true);
    change(d);
    expect(stillHolds(observed)).toBe(false);
  });
});
