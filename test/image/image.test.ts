import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { scanImage } from '../../src/extract/image/scan-image.js';
import { openImage } from '../../src/inputs/image/open-image.js';
import { resolveInRoot } from '../../src/inputs/rooted-path.js';
import { readTar } from '../../src/inputs/image/tar.js';
import { bufferSource } from '../../src/inputs/image/byte-source.js';
import { UkportError } from '../../src/errors.js';
import { buildFixtures, run } from '../helpers/tools.js';
import { makeTar, type TarMember } from './tar-writer.js';

const elf = buildFixtures('elf');
const hostLibc = realpathSync('/lib/x86_64-linux-gnu/libc.so.6');
const hostLd = realpathSync('/lib64/ld-linux-x86-64.so.2');
const sha = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

let tmp: string;
let decoy: string;
let layer1: Buffer;
let layer2: Buffer;

const LONG_DIR = '/opt/' + 'very-long-directory-name/'.repeat(5);

function layers(): [TarMember[], TarMember[]] {
  const l1: TarMember[] = [
    { name: 'bin/', type: 'dir' },
    { name: 'bin/dash', data: readFileSync(join(elf, 'plain-pie')), mode: 0o755 },
    { name: 'bin/sh', type: 'symlink', linkname: 'dash' },
    { name: 'lib/x86_64-linux-gnu/libc.so.6', data: readFileSync(hostLibc), mode: 0o755 },
    { name: 'lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', data: readFileSync(hostLd), mode: 0o755 },
    { name: 'lib64/ld-linux-x86-64.so.2', type: 'symlink', linkname: '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
    // found first by the default search order unless layer 2 whites it out
    { name: 'lib/x86_64-linux-gnu/libgreet.so.2', data: readFileSync(join(elf, 'plain-static')) },
    { name: './app/bin/hello', data: readFileSync(join(elf, 'hello')), mode: 0o755 },
    { name: 'opt/old/tool', data: 'old' },
    { name: 'opt/old/keep', data: 'old' },
    { name: LONG_DIR.slice(1) + 'pax-file', data: 'pax', longName: 'pax' },
  ];
  const l2: TarMember[] = [
    { name: 'lib/x86_64-linux-gnu/.wh.libgreet.so.2' },
    { name: 'usr/lib/x86_64-linux-gnu/libgreet.so.2', data: readFileSync(join(elf, 'libgreet.so.2')) },
    // $ORIGIN/libgreet.so.2 points out of the image at a real host file: it must stay inside the image
    { name: 'app/bin/libgreet.so.2', type: 'symlink', linkname: '../../../../../../../..' + decoy },
    { name: 'app/start.sh', data: '#!/bin/sh -e\nexec /app/bin/hello "$@"\n', mode: 0o755 },
    { name: 'opt/old/.wh..wh..opq' },
    { name: 'opt/old/new', data: 'new' },
    { name: LONG_DIR.slice(1) + 'gnu-file', data: 'gnu', longName: 'gnu' },
    { name: 'app/hello-link', type: 'hardlink', linkname: 'app/start.sh' },
  ];
  return [l1, l2];
}

function config(entrypoint: string[], cmd: string[], env: string[], diffIds: string[]): Buffer {
  return Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Entrypoint: entrypoint, Cmd: cmd, Env: env, WorkingDir: '/app' }, rootfs: { type: 'layers', diff_ids: diffIds } }));
}

/** OCI layout: layer 1 gzip, layer 2 plain tar. */
function writeOci(dir: string): { l1: string; l2: string } {
  const gz1 = gzipSync(layer1);
  const cfg = config(['/app/start.sh'], [], ['PATH=/usr/bin:/bin'], [sha(layer1), sha(layer2)]);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(cfg), size: cfg.length },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz1), size: gz1.length },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer2), size: layer2.length },
    ],
  }));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [gz1, layer2, cfg, manifest]) writeFileSync(join(dir, 'blobs', 'sha256', sha(b).slice(7)), b);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'ukport/oci:1' } }] }));
  return { l1: sha(gz1), l2: sha(layer2) };
}

/** docker save archive: Entrypoint found through PATH, WorkingDir /app. */
function dockerTar(): Buffer {
  const cfg = config(['hello'], ['--flag'], ['PATH=/app/bin:/usr/bin:/bin'], [sha(layer1), sha(layer2)]);
  return makeTar([
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['ukport/docker:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]) },
    { name: 'cfg.json', data: cfg },
    { name: 'aaa/layer.tar', data: layer1 },
    { name: 'bbb/layer.tar', data: layer2 },
  ]);
}

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((p) => `${p}:${statSync(join(dir, p)).mtimeMs}`).sort();
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ukport-image-'));
  decoy = join(tmp, 'decoy', 'libgreet.so.2');
  mkdirSync(join(tmp, 'decoy'));
  writeFileSync(decoy, readFileSync(join(elf, 'libgreet.so.2')));
  const [l1, l2] = layers();
  layer1 = makeTar(l1);
  layer2 = makeTar(l2);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tar reader', () => {
  test('agrees with GNU tar on names, types and sizes (ustar, pax and GNU long names)', () => {
    writeFileSync(join(tmp, 'l1.tar'), layer1);
    writeFileSync(join(tmp, 'l2.tar'), layer2);
    for (const [file, buf] of [['l1.tar', layer1], ['l2.tar', layer2]] as const) {
      const ours = readTar(bufferSource(buf, file)).map((e) => `${e.name.replace(/^\.\//, '')} ${e.type === 'file' ? e.size : e.type}`);
      const gnu = run('tar', ['--numeric-owner', '-tvf', join(tmp, file)]).trim().split('\n').map((l) => {
        const f = l.split(/\s+/);
        const name = f.slice(5).join(' ').replace(/ (->|link to) .*$/, '').replace(/^\.\//, '');
        const t = l[0] === 'd' ? 'dir' : l[0] === 'l' ? 'symlink' : l[0] === 'h' ? 'hardlink' : f[2];
        return `${name} ${t}`;
      });
      expect(ours).toEqual(gnu);
    }
  });
  test('a member that claims more bytes than the archive holds is refused', () => {
    const bad = Buffer.from(layer2.subarray(0, 2048));
    expect(() => readTar(bufferSource(bad, 'cut.tar'))).toThrow(UkportError);
  });
});

describe('container images', () => {
  test('OCI layout directory: shebang followed to the interpreter, layers attributed, whiteouts honoured', async () => {
    const dir = join(tmp, 'oci');
    const { l1, l2 } = writeOci(dir);
    const before = listTree(tmp);
    const scan = await scanImage(dir);
    expect(listTree(tmp)).toEqual(before);
    expect(scan.image).toMatchObject({ name: 'ukport/oci:1', format: 'oci-layout', layers: [l1, l2] });
    expect(scan.entrypoint.chain).toEqual([
      { path: '/app/start.sh', named: '/app/start.sh', kind: 'script', layer: l2, shebang: '#!/bin/sh -e' },
      { path: '/bin/dash', named: '/bin/sh', kind: 'elf', layer: l1 },
    ]);
    expect(scan.entrypoint.main).toBe('/bin/dash');
    const libs = scan.artifacts.filter((a) => a.role === 'library').map((a) => [a.path, a.layer]);
    expect(libs).toEqual([
      ['/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', l1],
      ['/lib/x86_64-linux-gnu/libc.so.6', l1],
    ]);
    const fs = scan.image.root;
    expect(fs.readdir('/opt/old')).toEqual(['new']);
    expect(fs.lstat('/opt/old/new')?.layer).toBe(l2);
    expect(fs.readFile(LONG_DIR + 'pax-file').toString()).toBe('pax');
    expect(fs.readFile(LONG_DIR + 'gnu-file').toString()).toBe('gnu');
    expect(fs.readFile('/app/hello-link').toString()).toContain('#!/bin/sh');
  });

  test('docker save archive: Entrypoint through PATH, libraries resolved inside the image only', async () => {
    const path = join(tmp, 'docker.tar');
    writeFileSync(path, dockerTar());
    const before = listTree(tmp);
    const scan = await scanImage(path);
    expect(listTree(tmp)).toEqual(before);
    const [d1, d2] = [sha(layer1), sha(layer2)];
    expect(scan.image).toMatchObject({ name: 'ukport/docker:1', format: 'docker-archive', layers: [d1, d2] });
    expect(scan.entrypoint).toMatchObject({ argv: ['hello', '--flag'], main: '/app/bin/hello' });
    expect(scan.artifacts.find((a) => a.role === 'entrypoint')).toMatchObject({ path: '/app/bin/hello', kind: 'elf', layer: d1, image: 'ukport/docker:1', root: path });
    const edges = scan.closure.edges.map((e) => [e.from, e.soname, e.resolved, e.via]);
    expect(edges).toContainEqual(['/app/bin/hello', '/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'interp']);
    // $ORIGIN/libgreet.so.2 escapes to the host decoy: inside the image it does not exist; the layer-1 copy in
    // /lib/x86_64-linux-gnu is whited out, so the layer-2 one is found by the default search.
    expect(edges).toContainEqual(['/app/bin/hello', 'libgreet.so.2', '/usr/lib/x86_64-linux-gnu/libgreet.so.2', 'default']);
    expect(edges).toContainEqual(['/app/bin/hello', 'libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6', 'default']);
    // Every edge is one PT_INTERP or DT_NEEDED entry as readelf shows it for the same files on the host.
    const host: Record<string, string> = { '/app/bin/hello': join(elf, 'hello'), '/usr/lib/x86_64-linux-gnu/libgreet.so.2': join(elf, 'libgreet.so.2'),
      '/lib/x86_64-linux-gnu/libc.so.6': hostLibc, '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2': hostLd };
    const oracle = Object.entries(host).flatMap(([inImage, file]) => {
      const out = run('readelf', ['-d', '-l', file]);
      const interp = [...out.matchAll(/program interpreter: ([^\]]+)\]/g)].map((m) => m[1]!);
      return [...interp, ...[...out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!)].map((s) => `${inImage} ${s}`);
    });
    expect(edges.map((e) => `${e[0]} ${e[1]}`).sort()).toEqual(oracle.sort());
    expect(scan.artifacts.find((a) => a.path === '/usr/lib/x86_64-linux-gnu/libgreet.so.2')?.layer).toBe(d2);
    const lib = scan.facts.find((f) => f.kind === 'library' && f.soname === 'libgreet.so.2');
    expect(lib?.evidence[0]).toMatchObject({ artifact: '/app/bin/hello', layer: d1 });
    expect(resolveInRoot(scan.image.root, '/app/bin/libgreet.so.2')).toBeUndefined();
    expect(scan.closure.unresolved).toEqual([]);
  });

  test('the OCI layout as a tar opens the same way', async () => {
    const dir = join(tmp, 'oci');
    const members: TarMember[] = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
      .map((p) => (statSync(join(dir, p)).isDirectory() ? { name: p + '/', type: 'dir' as const } : { name: p, data: readFileSync(join(dir, p)) }));
    const path = join(tmp, 'oci.tar');
    writeFileSync(path, makeTar(members));
    const a = await openImage(dir);
    const b = await openImage(path);
    expect(b.layers).toEqual(a.layers);
    expect(b.root.paths()).toEqual(a.root.paths());
    expect(b.config).toEqual(a.config);
  });

  test('an OCI index with several platforms: linux/amd64 is picked through a nested index', async () => {
    const dir = join(tmp, 'oci-multi');
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    const blob = (b: Buffer | string): string => { const buf = Buffer.from(b); writeFileSync(join(dir, 'blobs', 'sha256', sha(buf).slice(7)), buf); return sha(buf); };
    const image = (arch: string, file: string) => {
      const layer = makeTar([{ name: file, data: arch }]);
      const cfg = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', config: { Cmd: ['/' + file] }, rootfs: { type: 'layers', diff_ids: [sha(layer)] } }));
      const m = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: blob(cfg), size: cfg.length }, layers: [{ digest: blob(layer), size: layer.length }] }));
      return { digest: blob(m), size: m.length, platform: { os: 'linux', architecture: arch } };
    };
    const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [image('arm64', 'arm-only'), image('amd64', 'amd-only')] }));
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: blob(nested), size: nested.length }] }));
    const img = await openImage(dir);
    expect(img.config.architecture).toBe('amd64');
    expect(img.root.paths()).toEqual(['/', '/amd-only']);
  });

  test('a tar that is not an image is a bad-image error', async () => {
    const path = join(tmp, 'plain.tar');
    writeFileSync(path, layer2);
    await expect(openImage(path)).rejects.toThrow(expect.objectContaining({ code: 'bad-image' }) as unknown as Error);
  });
});
