import { describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtures, ROOT } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { runPipeline } from '../../src/pipeline.js';
import { emitManifest } from '../../src/emit/manifest.js';
import { makefileApp, resolveManifestLibs } from '../../src/verify/build.js';
import { readSourceTree } from '../../src/verify/sources.js';

/** A v0.16.3 sources directory laid out as docs/verify.md says (empty checkouts: only the names are read here). */
function sources(): string {
  const dir = tempDir('ukport-verify-layout-');
  for (const d of ['unikraft', 'libs/lwip', 'libs/libelf', 'libs/musl', 'apps/elfloader']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'unikraft/version.mk'), 'UK_VERSION = 0\nUK_SUBVERSION = 16\nUK_EXTRAVERSION = 3\n');
  return dir;
}

describe("verify reads the make layout of ukport's own manifests", () => {
  test('binary-compat (catalog-core form): A= app-elfloader from --sources, the manifest itself and its compat library in L=', async () => {
    const report = await runPipeline({ paths: [join(buildFixtures('verify'), 'tcpd.static-pie')], plan: { release: 'v0.16.3' } });
    const makefile = emitManifest({ name: 'tcpd', plan: report.plan!, generator: 'ukport test' }).get('Makefile')!;
    expect(makefile).toMatch(/A=\$\(UK_APPS\)\/app-elfloader/);
    const tree = readSourceTree(sources());
    expect(makefileApp(makefile)).toBe('app-elfloader');
    expect(tree.find('app', makefileApp(makefile)!)).toBe(join(tree.root, 'apps/elfloader'));
    const r = resolveManifestLibs(makefile, '/m', tree);
    expect(r.missing).toEqual([]);
    expect(r.libs).toEqual(['/m', join(tree.root, 'libs/lwip'), join(tree.root, 'libs/libelf'), '/m/lib-tcpd-compat']);
  }, 120_000);

  test('native: A= is the manifest directory (no app named), the libraries come from --sources', async () => {
    const report = await runPipeline({ paths: [join(ROOT, 'fixtures/verify/apps/hello.c')], plan: { release: 'v0.16.3', mode: 'native', libc: 'musl' } });
    const makefile = emitManifest({ name: 'hello', plan: report.plan!, generator: 'ukport test' }).get('Makefile')!;
    expect(makefileApp(makefile)).toBeUndefined();
    const r = resolveManifestLibs(makefile, '/m', readSourceTree(sources()));
    expect(r.missing).toEqual([]);
    expect(r.libs.some((l) => l.endsWith('libs/musl'))).toBe(true);
  }, 120_000);
});
