import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { ROOT, hasTool } from '../helpers/tools.js';
import { emitManifest } from '../../src/emit/manifest.js';
import { selectableSymbols } from '../../src/emit/config-uk.js';
import { appNames, compatLibcWrappers, compatSyscalls, hasCompatLib, type KraftfileSpec, type ManifestApp } from '../../src/emit/manifest-app.js';
import { parseKconfig } from '../../src/data/kconfig.js';
import { parseMakefileUk } from '../../src/sync/makefile-uk.js';
import { goldenApp, variantApps } from './golden-app.js';
import { readYaml } from './read-yaml.js';
import { kraftfileValidator } from './kraftfile-schemas.js';
import { tempDir } from '../helpers/temp-dirs.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'manifest', 'epoll-echo');
const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'kraftfile.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? listFiles(join(dir, n)) : [join(dir, n)]));
}

describe('golden manifest of epoll-echo on v0.15.0 (reviewed by hand; never regenerate to make this pass)', () => {
  const files = emitManifest(goldenApp(), { legacy: true });
  test('same file set', () => {
    expect([...files.keys()].sort()).toEqual(listFiles(GOLDEN).map((f) => relative(GOLDEN, f)).sort());
  });
  for (const name of ['Kraftfile', 'kraft.yaml', 'Config.uk', 'Makefile.uk', 'Makefile', 'defconfig', 'lib-epoll-echo-compat/Config.uk', 'lib-epoll-echo-compat/Makefile.uk', 'lib-epoll-echo-compat/compat.c']) {
    test(name, () => expect(files.get(name)).toBe(readFileSync(join(GOLDEN, name), 'utf8')));
  }
});

describe('Kraftfile against the real KraftKit schemas (syscall-tables/kraftfile-*.schema.json) and schema/kraftfile.schema.json', () => {
  const forms: [string, ManifestApp & { spec: KraftfileSpec }][] = variantApps().flatMap((a): [string, ManifestApp & { spec: KraftfileSpec }][] => [
    [`${a.name} v0.6`, { ...a, spec: 'v0.6' }],
    [`${a.name} v0.7`, { ...a, spec: 'v0.7' }],
    ...(a.plan.mode === 'binary-compat' ? [[`${a.name} v0.7 template`, { ...a, spec: 'v0.7', template: true }] as [string, ManifestApp & { spec: KraftfileSpec }]] : []),
  ]);
  test.each(forms)('%s validates and carries the plan', (_n, app) => {
    const doc = readYaml(emitManifest(app).get('Kraftfile')!) as Record<string, unknown>;
    const real = kraftfileValidator(app.spec);
    expect(real(doc) ? [] : real.errors).toEqual([]);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.spec).toBe(app.spec);
    expect(doc.name).toBe(appNames(app.name).name);
    if (app.plan.mode === 'binary-compat' && !app.template && app.plan.image) {
      // the catalog's form: the app-elfloader runtime and a Dockerfile rootfs, nothing to build
      expect(doc).toMatchObject({ runtime: 'base:latest', rootfs: './Dockerfile', cmd: [app.plan.image.entry] });
      expect('unikraft' in doc || 'template' in doc || 'libraries' in doc).toBe(false);
      return;
    }
    expect(doc.targets).toEqual(app.plan.targets!.map((t) => t.name));
    const uk = doc.unikraft as { version: string; kconfig: Record<string, string> };
    // KraftKit matches a RELEASE-x tag by the version after RELEASE-: 0.17.0, not v0.17.0
    expect(uk.version).toBe(app.plan.release.replace(/^v/, ''));
    const libs = (doc.libraries ?? {}) as Record<string, { kconfig: Record<string, string>; version?: string }>;
    // every planned Kconfig line lands exactly once: core under unikraft, external libraries' own under libraries
    const all = { ...uk.kconfig, ...Object.assign({}, ...Object.values(libs).map((l) => l.kconfig)) } as Record<string, string>;
    for (const line of app.plan.kconfig) {
      const [k, v] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^"(.*)"$/, '$1')];
      expect(all[k]).toBe(v);
    }
    expect(Object.keys(uk.kconfig).length + Object.values(libs).reduce((n, l) => n + Object.keys(l.kconfig).length, 0))
      .toBe(app.plan.kconfig.length + (hasCompatLib(app.plan) ? 1 : 0));
    if (app.plan.mode === 'binary-compat') expect(doc.template).toEqual({ source: 'https://github.com/unikraft/app-elfloader.git', version: 'stable' });
    else expect('rootfs' in doc).toBe(!!app.plan.rootfs);
    if (hasCompatLib(app.plan)) expect(libs[`${appNames(app.name).name}-compat`]).toBeDefined();
    for (const l of app.plan.libraries.filter((x) => x.role === 'port' || x.role === 'libc')) expect(libs[l.name.replace(/^lib-/, '')]?.version).toBeDefined();
  });

  test('the schema rejects what the v0.6 reference rules out', () => {
    const ok = { spec: 'v0.6', unikraft: { version: 'v0.17.0' }, targets: ['qemu/x86_64'] };
    expect(validate(ok)).toBe(true);
    expect(validate({ ...ok, spec: undefined })).toBe(false);
    expect(validate({ ...ok, specification: 'v0.6' })).toBe(false);
    expect(validate({ spec: 'v0.6', targets: ['qemu/x86_64'] })).toBe(false);
    expect(validate({ ...ok, targets: ['qemu'] })).toBe(false);
    expect(validate({ ...ok, targets: ['qemu/riscv'] })).toBe(false);
    expect(validate({ ...ok, unikraft: { version: 'v0.17.0', kconfig: { LIBVFSCORE: 'y' } } })).toBe(false);
    expect(validate({ ...ok, unikraft: { version: 'v0.17.0', kconfig: ['CONFIG_LIBVFSCORE=y'] } })).toBe(true);
    expect(validate({ ...ok, libraries: { musl: 'stable', lwip: { version: 'v0.17.0', kconfig: { CONFIG_LIBLWIP: 'y' } } } })).toBe(true);
    expect(validate({ ...ok, targets: [{ platform: 'qemu', architecture: 'x86_64' }] })).toBe(true);
    expect(validate({ ...ok, targets: [{ platform: 'qemu', plat: 'qemu', arch: 'x86_64' }] })).toBe(false);
    expect(validate({ ...ok, cmd: ['-c', '/etc/x.conf'] })).toBe(true);
    expect(validate({ ...ok, cmd: 3 })).toBe(false);
    expect(validate({ ...ok, unknown: 1 })).toBe(false);
  });

});

describe('Config.uk and Makefile.uk read back with the project readers', () => {
  test.each(variantApps().map((a) => [a.name, a] as const))('%s', (_n, app) => {
    const n = appNames(app.name);
    const files = emitManifest(app);
    const conf = parseKconfig(files.get('Config.uk')!);
    expect(conf.symbols.map((s) => s.name)).toEqual([n.appSymbol]);
    const sym = conf.symbols[0]!;
    expect(sym.type).toBe('bool');
    expect(sym.defaults).toEqual([{ value: 'y' }]);
    expect(sym.select.map((r) => r.symbol)).toEqual([...selectableSymbols(app.plan.kconfig), ...(hasCompatLib(app.plan) ? [n.compatSymbol] : [])]);
    for (const l of app.plan.libraries.filter((x) => x.kconfig)) expect(sym.select.map((r) => r.symbol)).toContain(l.kconfig);
    const mk = parseMakefileUk(files.get('Makefile.uk')!);
    // binary compatibility: app-elfloader is the application, this directory only selects (catalog-core elfloader-net)
    expect(mk.libs).toEqual(app.plan.mode === 'binary-compat' ? [] : [{ name: n.appLib }]);
    const stubs = compatSyscalls(app.plan);
    if (!hasCompatLib(app.plan)) { expect(files.has(`${n.compatDir}/Config.uk`)).toBe(false); return; }
    const cconf = parseKconfig(files.get(`${n.compatDir}/Config.uk`)!);
    expect(cconf.symbols.map((s) => [s.name, s.select.map((r) => r.symbol)])).toEqual([[n.compatSymbol, ['LIBSYSCALL_SHIM']]]);
    const cmk = parseMakefileUk(files.get(`${n.compatDir}/Makefile.uk`)!);
    expect(cmk.libs).toEqual([{ name: n.compatLib, kconfig: n.compatSymbol }]);
    expect(cmk.provided.map((p) => [p.name, p.kconfig])).toEqual(stubs.map((u) => [u.name, n.compatSymbol]));
    for (const p of cmk.provided) expect(p.nargs).toBe(stubs.find((u) => u.name === p.name)!.nargs ?? 6);
  });
});

// Minimal stand-in for lib/syscall_shim's uk/syscall.h: the same macro shape (type/name pairs after the return type
// and syscall name), expanding to the raw uk_syscall_r_<name> function.
const STUB_SYSCALL_H = `#ifndef UK_SYSCALL_H
#define UK_SYSCALL_H
#define _UK_NTH(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define _UK_NARGS(...) _UK_NTH(_, ##__VA_ARGS__, 6, x, 5, x, 4, x, 3, x, 2, x, 1, x, 0)
#define _UK_P0() void
#define _UK_P1(t1, a1) t1 a1
#define _UK_P2(t1, a1, t2, a2) t1 a1, t2 a2
#define _UK_P3(t1, a1, t2, a2, t3, a3) t1 a1, t2 a2, t3 a3
#define _UK_P4(t1, a1, t2, a2, t3, a3, t4, a4) t1 a1, t2 a2, t3 a3, t4 a4
#define _UK_P5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) t1 a1, t2 a2, t3 a3, t4 a4, t5 a5
#define _UK_P6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6
#define _UK_CAT(a, b) a##b
#define _UK_XCAT(a, b) _UK_CAT(a, b)
#define UK_LLSYSCALL_R_DEFINE(rtype, name, ...) \\
	long uk_syscall_r_##name(_UK_XCAT(_UK_P, _UK_NARGS(__VA_ARGS__))(__VA_ARGS__)); \\
	long uk_syscall_r_##name(_UK_XCAT(_UK_P, _UK_NARGS(__VA_ARGS__))(__VA_ARGS__))
#endif
`;

describe('compat library C', () => {
  (hasTool('gcc') ? test : test.skip)('compiles with gcc -fsyntax-only -Wall -Wextra -Werror against a minimal uk/syscall.h', () => {
    const dir = tempDir('ukport-compat-');
    mkdirSync(join(dir, 'include', 'uk'), { recursive: true });
    writeFileSync(join(dir, 'include', 'uk', 'syscall.h'), STUB_SYSCALL_H);
    let compiled = 0;
    for (const app of variantApps()) {
      const n = appNames(app.name);
      const c = emitManifest(app).get(`${n.compatDir}/compat.c`);
      if (!c) continue;
      const file = join(dir, `${n.name}.c`);
      writeFileSync(file, c);
      execFileSync('gcc', ['-std=gnu11', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-I', join(dir, 'include'), file], { stdio: 'pipe' });
      compiled++;
      for (const u of compatSyscalls(app.plan)) expect(c).toMatch(new RegExp(`^UK_LLSYSCALL_R_DEFINE\\(long, ${u.name}[,)]`, 'm'));
      // native musl on >= v0.17.0: lib-musl <= 0.16.3 lacks the getrandom() wrapper (found by ukport verify)
      if (compatLibcWrappers(app.plan).includes('getrandom')) expect(c).toMatch(/^__attribute__\(\(weak\)\) ssize_t getrandom\(void \*buf, size_t buflen, unsigned int flags\)$/m);
    }
    expect(compiled).toBeGreaterThanOrEqual(3);
  });

  test('each stub returns what its classification says', () => {
    const c = emitManifest(goldenApp()).get('lib-epoll-echo-compat/compat.c')!;
    const body = (name: string) => new RegExp(`UK_LLSYSCALL_R_DEFINE\\(long, ${name}[^]*?return ([^;]+);`).exec(c)?.[1];
    expect(body('epoll_ctl')).toBe('0');
    expect(body('epoll_create1')).toBe('-ENOSYS');
    expect(body('epoll_pwait')).toBe('-ENOSYS');
  });
});
