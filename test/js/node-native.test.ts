import { beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ModuleFact, PackageFact, Report, UnknownFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { planReport } from '../../src/plan/plan-report.js';
import { loadTables } from '../../src/data/tables.js';
import { emitManifest } from '../../src/emit/manifest.js';
import { buildFixtures, run } from '../helpers/tools.js';

const FIX = buildFixtures('node-native-app');
const ADDON = join(FIX, 'installed', 'node_modules', 'crc-addon', 'build', 'Release', 'crc_addon.node');

const pkgs = (r: Report) => r.facts.filter((f): f is PackageFact => f.kind === 'package');
const pkg = (r: Report, name: string) => pkgs(r).find((p) => p.name === name)!;
const mods = (r: Report) => r.facts.filter((f): f is ModuleFact => f.kind === 'module');
const unresolved = (r: Report) => r.facts.filter((f): f is UnknownFact => f.kind === 'unknown' && f.reason === 'unresolved-package').map((u) => u.message);
// every package the fixture's sources require or import (read from src/index.js and src/extras.mjs by hand)
const THIRD_PARTY = ['express', 'sharp', 'bcrypt', 'crc-addon', 'lodash/fp', '@acme/undeclared-thing'];

describe('a Node service with sharp, bcrypt, express and an addon of its own', () => {
  let declared: Report;
  let installed: Report;
  beforeAll(async () => {
    [declared, installed] = await Promise.all(['declared', 'installed'].map((f) => runPipeline({ paths: [join(FIX, f)] })));
  }, 120_000);

  test('the addon is real: built from C against zlib, loads in node, its crc32 agrees with zlib', () => {
    expect(run('readelf', ['-d', ADDON])).toMatch(/NEEDED.*\[libz\.so\.1\]/);
    const crc = run('node', ['-e', `console.log(require(${JSON.stringify(join(FIX, 'installed', 'node_modules', 'crc-addon'))}).crc32(Buffer.from('abc')))`]).trim();
    expect(crc).toBe(run('python3', ['-c', 'import zlib; print(zlib.crc32(b"abc"))']).trim());
  });

  test('every require/import is a fact: built-ins, the app\'s own, packages; undeclared ones are unknowns', () => {
    for (const r of [declared, installed]) {
      for (const m of THIRD_PARTY) expect(mods(r).find((x) => x.name === m)).toMatchObject({ origin: 'third-party', package: m === 'lodash/fp' ? 'lodash' : m });
      expect(mods(r).filter((m) => m.origin === 'stdlib').map((m) => m.name).sort()).toEqual(['fs/promises', 'path']);
      expect(mods(r).filter((m) => m.origin === 'local').map((m) => m.name)).toEqual(['./sizes']);
      expect(unresolved(r)).toContain('require @acme/undeclared-thing: not installed, declared or known to ukport; its code (and any native addon) is not analysed');
    }
  });

  test('declared: package.json and the lock tell which packages are native (install scripts), the table the rest', () => {
    expect(pkg(declared, 'sharp')).toMatchObject({ version: '0.33.2', native: true, nativeEvidence: ['hasInstallScript in the lock file'], direct: true, specs: ['^0.33.0'] });
    expect(pkg(declared, 'bcrypt')).toMatchObject({ version: '5.1.1', native: true });
    expect(pkg(declared, 'express')).toMatchObject({ version: '4.18.2', native: false });
    expect(pkg(declared, '@img/sharp-libvips-linux-x64')).toMatchObject({ native: true, sources: ['lock'] });
    expect(pkgs(declared).some((p) => p.name === 'jest')).toBe(false);
    expect(unresolved(declared)).toContain("package crc-addon: not installed in the scanned tree and not in ukport's package table; whether it has a native addon is not known");
  });

  test('installed: the addon is scanned as ELF, its NEEDED libz maps to lib-zlib; native evidence from package.json and binding.gyp', () => {
    const addon = pkg(installed, 'crc-addon');
    const needed = [...run('readelf', ['-d', ADDON]).matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
    expect(needed).toContain('libz.so.1');
    expect(addon).toMatchObject({ version: '0.1.0', native: true, extensions: [{ module: 'build/Release/crc_addon.node', path: ADDON, needed }] });
    expect(addon.nativeEvidence).toEqual(expect.arrayContaining(['gypfile', 'install script runs node-gyp', 'binding.gyp', 'addon crc_addon.node']));
    expect(pkg(installed, 'express')).toMatchObject({ native: false, installed: { files: 2 } });
    const view = installed.interpreted!.packages.find((p) => p.name === 'crc-addon')!;
    expect(view.extensions[0]!.libraries.map((l) => `${l.soname}:${l.status}:${l.port ?? ''}`)).toEqual(['libz.so.1:port:lib-zlib', 'libc.so.6:libc:']);
    expect(installed.binaries.map((b) => b.path)).toEqual([ADDON]);
    // NEEDED resolved as ld.so would (its crc32 makes no syscall; the Node-API calls go to the node binary)
    expect(installed.libraryGraph.find((e) => e.from === ADDON && e.soname === 'libz.so.1')?.resolved).toMatch(/libz\.so\.1/);
  });

  test('no Node port: binary-compat recommended, the catalog\'s node runtime and Dockerfile', () => {
    expect(installed.interpreted!.native).toMatchObject({ feasible: false });
    expect(installed.interpreted!.recommended).toBe('binary-compat');
    const plan = planReport(installed, loadTables(), { release: 'v0.17.0' });
    const files = emitManifest({ name: 'thumbs', plan, generator: 'ukport test' });
    expect(parseYaml(files.get('Kraftfile')!)).toEqual({ spec: 'v0.6', name: 'thumbs', runtime: 'node:21', rootfs: './Dockerfile', cmd: ['/usr/bin/node', '/usr/src/src/index.js'] });
    const docker = files.get('Dockerfile')!.split('\n').filter((l) => l && !l.startsWith('#'));
    // unikraft/catalog examples/expressjs4.18-node21/Dockerfile: node:21-alpine build stage, npm install, node_modules and the app copied
    expect(docker.slice(0, 5)).toEqual(['FROM node:21-alpine AS build', 'WORKDIR /usr/src', 'COPY . /usr/src/', 'RUN npm install', 'FROM scratch']);
    expect(docker).toContain('COPY --from=build /usr/src/node_modules /usr/src/node_modules');
    expect(docker).toContain('COPY --from=build /usr/src/src/index.js /usr/src/src/index.js');
  });
});
