import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { classifyFile } from '../../src/inputs/classify.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { openImage } from '../../src/inputs/image/open-image.js';
import { resolveInRoot } from '../../src/inputs/rooted-path.js';
import { UkportError } from '../../src/errors.js';
import { makeTar, type TarMember } from './tar-writer.js';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'ukport-hostile-image-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The diff_id of a layer blob: sha256 of its tar stream (gzip inflated; a corrupt gzip keeps its own bytes). */
function diffId(layer: Buffer): string {
  let tar = layer;
  if (layer[0] === 0x1f && layer[1] === 0x8b) { try { tar = gunzipSync(layer); } catch { /* corrupt: any id */ } }
  return 'sha256:' + createHash('sha256').update(tar).digest('hex');
}

/** A docker save archive with the given layer blobs (already tar or gzip) and a config whose diff_ids match them. */
function docker(name: string, layers: Buffer[], config: object = { config: { Cmd: ['/bin/app'] } }): string {
  const path = join(tmp, name);
  writeFileSync(path, makeTar([
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: layers.map((_l, i) => `l${i}.tar`) }]) },
    { name: 'c.json', data: JSON.stringify({ rootfs: { type: 'layers', diff_ids: layers.map(diffId) }, ...config }) },
    ...layers.map((data, i): TarMember => ({ name: `l${i}.tar`, data })),
  ]));
  return path;
}

const code = async (f: () => unknown): Promise<string | undefined> => {
  try { await f(); return undefined; } catch (e) { return e instanceof UkportError ? e.code : `not a UkportError: ${String(e)}`; }
};

describe('hostile images', () => {
  test('member names with .. are rejected, absolute names stay inside, links to host paths resolve inside', async () => {
    const img = await openImage(docker('dotdot.tar', [makeTar([
      { name: '../../../../tmp/evil', data: 'x' },
      { name: '/etc/passwd', data: 'root:x:0:0::/root:/bin/sh\n' },
      { name: 'bin/app', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'bin/loop', type: 'symlink', linkname: 'loop' },
      { name: 'bin/up', type: 'symlink', linkname: '../../../../../../../../usr/bin/env' },
    ])]));
    expect(img.root.rejected).toEqual(['../../../../tmp/evil']);
    expect(resolveInRoot(img.root, '/bin/app')).toBe('/etc/passwd');
    expect(img.root.readFile('/etc/passwd').toString()).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(resolveInRoot(img.root, '/bin/up')).toBeUndefined();
    expect(await code(() => resolveInRoot(img.root, '/bin/loop'))).toBe('symlink-loop');
    expect(readdirSync(tmp).sort()).toEqual(['dotdot.tar']);
  });

  test('a gzip-compressed docker save archive (image.tar.gz) opens like the plain one', async () => {
    const plain = docker('plain.tar', [makeTar([{ name: 'bin/app', data: 'x' }])]);
    const gz = join(tmp, 'image.tar.gz');
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    expect((await openImage(gz)).root.paths()).toEqual((await openImage(plain)).root.paths());
    expect(classifyFile(gz, readFileSync(gz).subarray(0, 264))).toBe('container-image');
  });

  test('a gzip layer that inflates past the limit is refused', async () => {
    const bomb = gzipSync(makeTar([{ name: 'zeros', data: Buffer.alloc(4 * 1024 * 1024) }]));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await code(() => openImage(docker('bomb.tar', [bomb]), { maxImageBytes: 1024 * 1024 }))).toBe('limit-exceeded');
    expect(await code(() => openImage(docker('bomb.tar', [bomb])))).toBeUndefined();
  });

  test('truncated, corrupt and inconsistent archives are bad-image errors, never crashes', async () => {
    const good = makeTar([{ name: 'bin/app', data: 'x'.repeat(3000) }]);
    const truncated = good.subarray(0, 1536);
    const badSum = Buffer.from(good); badSum[10] = 0x41;
    const badSize = Buffer.from(good); badSize.write('99999999999', 124, 'latin1');
    expect(await code(() => openImage(docker('trunc.tar', [truncated])))).toBe('bad-image');
    expect(await code(() => openImage(docker('sum.tar', [badSum])))).toBe('bad-image');
    expect(await code(() => openImage(docker('size.tar', [badSize])))).toBe('bad-image');
    expect(await code(() => openImage(docker('gz.tar', [Buffer.concat([gzipSync(good).subarray(0, 40)])])))).toBe('bad-image');
    const noLayer = join(tmp, 'nolayer.tar');
    writeFileSync(noLayer, makeTar([{ name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['missing.tar'] }]) }, { name: 'c.json', data: '{"rootfs":{"diff_ids":["sha256:00"]}}' }]));
    expect(await code(() => openImage(noLayer))).toBe('bad-image');
    const badJson = join(tmp, 'badjson.tar');
    writeFileSync(badJson, makeTar([{ name: 'manifest.json', data: '[{' }]));
    expect(await code(() => openImage(badJson))).toBe('bad-image');
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    expect(await code(() => openImage(docker('zstd.tar', [zstd])))).toBe('bad-image');
  });

  test('random bytes as a layer: an error or an empty layer, nothing else', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    for (let i = 0; i < 20; i++) {
      const junk = Buffer.from(Array.from({ length: 512 * (1 + (i % 5)) }, rnd));
      const c = await code(() => openImage(docker(`junk${i}.tar`, [junk])));
      expect([undefined, 'bad-image', 'limit-exceeded']).toContain(c);
    }
  });
});
