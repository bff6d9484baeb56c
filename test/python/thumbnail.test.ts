import { beforeAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { ModuleFact, PackageFact, Report, UnknownFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { planReport } from '../../src/plan/plan-report.js';
import { loadTables } from '../../src/data/tables.js';
import { toReportDto } from '../../src/emit/json.js';
import { emitManifest } from '../../src/emit/manifest.js';
import { emitMarkdown } from '../../src/emit/markdown.js';
import { emitText } from '../../src/emit/text.js';
import { ROOT, buildFixtures, run } from '../helpers/tools.js';

const FIX = buildFixtures('thumbnail');
const DIST = '/usr/lib/python3/dist-packages';
const ORACLE = join(ROOT, 'test', 'python', 'oracle.py');
// Debian's interpreter, the one python3-pil and python3-boto3 install for
const SYS_PY = '/usr/bin/python3';

const pkgs = (r: Report) => r.facts.filter((f): f is PackageFact => f.kind === 'package');
const pkg = (r: Report, name: string) => pkgs(r).find((p) => p.name === name);
const mods = (r: Report) => r.facts.filter((f): f is ModuleFact => f.kind === 'module');
const unresolved = (r: Report) => r.facts.filter((f): f is UnknownFact => f.kind === 'unknown' && f.reason === 'unresolved-package').map((u) => u.message);

/** Python's ast and sys.stdlib_module_names as the oracle: the third-party imports of the app's files. */
function thirdPartyImports(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.py')).map((f) => join(dir, f));
  const stdlib = new Set(run('python3', ['-c', 'import sys; print("\\n".join(sys.stdlib_module_names))']).split('\n'));
  const local = new Set(files.map((f) => f.split('/').pop()!.replace(/\.py$/, '')));
  const out = new Set<string>();
  for (const l of run('python3', [ORACLE, ...files]).split('\n').filter(Boolean)) {
    const module = l.split('\t')[1]!;
    const top = module.split('.')[0]!;
    if (!stdlib.has(top) && !local.has(top)) out.add(module);
  }
  return [...out].sort();
}

/** Every third-party import is a module fact with its package, or an unknown naming it. */
function expectNoImportMissing(r: Report, dir: string): void {
  const want = thirdPartyImports(dir);
  expect(want.length).toBeGreaterThan(0);
  for (const m of want) {
    const f = mods(r).find((x) => x.name === m);
    expect({ m, origin: f?.origin }).toEqual({ m, origin: 'third-party' });
    if (!f!.package) expect(unresolved(r).some((u) => u.startsWith(`import ${m.split('.')[0]}:`))).toBe(true);
  }
}

describe('the thumbnail function (Pillow + boto3) in three input forms', () => {
  let source: Report;
  let declared: Report;
  let installed: Report;
  beforeAll(async () => {
    [source, declared, installed] = await Promise.all(['source', 'declared', 'installed'].map((f) => runPipeline({ paths: [join(FIX, f)] })));
  }, 120_000);

  test('source only: imports by origin, the requirements (through -r, not -c) as declared packages', () => {
    expectNoImportMissing(source, join(FIX, 'source'));
    expect(mods(source).filter((m) => m.origin === 'local').map((m) => m.name)).toEqual(['sizes']);
    expect(mods(source).find((m) => m.name === 'PIL')).toMatchObject({ origin: 'third-party', package: 'Pillow', members: ['Image', 'ImageCms'] });
    expect(pkgs(source).map((p) => `${p.name} ${p.sources.join('+')} ${p.specs?.join(' ') ?? ''} native=${p.native}`).sort()).toEqual([
      'Pillow declared+import >=9.4,<11 native=true', 'boto3 declared+import ==1.26.27 native=false', 'botocore import  native=false',
    ]);
    expect(pkg(source, 'Pillow')!.extras).toEqual(['tiff']);
    expect(pkg(source, 'Pillow')!.evidence[0]).toMatchObject({ artifact: join(FIX, 'source', 'requirements-base.txt'), location: { line: 1 } });
    expect(unresolved(source)).toEqual([]);
    // the constraints file pins urllib3, which the app does not declare
    expect(pkg(source, 'urllib3')).toBeUndefined();
  });

  test('declared: pyproject (PEP 621 + Poetry), poetry.lock, Pipfile.lock; undeclared and unknown packages are unknowns', () => {
    expectNoImportMissing(declared, join(FIX, 'declared'));
    expect(pkgs(declared).map((p) => `${p.name}${p.version ? `@${p.version}` : ''} ${p.sources.join('+')}`).sort()).toEqual([
      'Pillow@10.0.0 lock+declared', 'PyYAML declared+import', 'boto3@1.26.27 lock+declared', 'flask declared+import', 'jmespath@1.0.1 lock',
      'mystery-native-lib declared+import', 'numpy declared+import', 'requests declared+import', 's3transfer@0.6.0 lock',
    ]);
    expect(unresolved(declared)).toEqual([
      'import totally_unknown_pkg: no installed, declared or known package provides it; its code (and any native extension) is not analysed',
      "package mystery-native-lib: not installed in the scanned tree and not in ukport's package table; whether it has native extensions is not known",
    ]);
    expect(declared.interpreted!.native.blockers).toContain("mystery-native-lib: whether it has compiled code is not known (not installed in the scanned tree, not in ukport's package table)");
  });

  test('installed: Debian\'s Pillow and boto3 with versions and sizes from their metadata', () => {
    expectNoImportMissing(installed, join(FIX, 'installed'));
    const version = (d: string) => run(SYS_PY, ['-c', `import importlib.metadata as m; print(m.version(${JSON.stringify(d)}))`]).trim();
    const size = (paths: string[]) => Number(run(SYS_PY, ['-c', `import os,sys\nt=0\nfor p in sys.argv[1:]:\n  for d,_,fs in os.walk(p):\n    t+=sum(os.path.getsize(os.path.join(d,f)) for f in fs)\nprint(t)`, ...paths]).trim());
    const pil = pkg(installed, 'Pillow')!;
    expect(pil.version).toBe(version('Pillow'));
    expect(pkg(installed, 'boto3')!.version).toBe(version('boto3'));
    const info = readdirSync(DIST).find((d) => /^Pillow-.*\.egg-info$/.test(d))!;
    expect(pil.installed!.bytes).toBe(size([join(DIST, 'PIL'), join(DIST, info)]));
    expect(pil.provides).toEqual(['PIL']);
    expect(pkg(installed, 'boto3')!.native).toBe(false);
    expect(pkgs(installed).map((p) => p.name).sort()).toEqual(['Pillow', 'boto3', 'botocore', 'jmespath', 'python-dateutil', 's3transfer', 'six', 'urllib3']);
  });

  test('installed: Pillow\'s extension modules, each one\'s NEEDED as readelf shows it, mapped to Unikraft ports or unported', () => {
    const sos = readdirSync(join(DIST, 'PIL')).filter((f) => f.endsWith('.so')).sort();
    const pil = pkg(installed, 'Pillow')!;
    expect(pil.native).toBe(true);
    expect(pil.extensions!.map((e) => e.module).sort()).toEqual(sos.map((f) => `PIL.${f.split('.')[0]}`).sort());
    for (const e of pil.extensions!) {
      const needed = [...run('readelf', ['-d', e.path]).matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
      expect(e.needed).toEqual(needed);
    }
    const view = installed.interpreted!.packages.find((p) => p.name === 'Pillow')!;
    const status = new Map(view.extensions.flatMap((e) => e.libraries.map((l) => [l.soname, l.status === 'port' ? l.port! : l.status] as const)));
    // checked by hand against syscall-tables/external-libs.json (lib-libtiff 4.5.1 soname 6, lib-littlecms 2.15, ...) and lib-libjpeg holding no port
    expect(Object.fromEntries(['libjpeg.so.62', 'libtiff.so.6', 'liblcms2.so.2', 'libfreetype.so.6', 'libz.so.1', 'libopenjp2.so.7', 'libwebp.so.7', 'libimagequant.so.0', 'libxcb.so.1', 'libc.so.6']
      .map((s) => [s, status.get(s)]))).toEqual({
      'libjpeg.so.62': 'unported', 'libtiff.so.6': 'lib-libtiff', 'liblcms2.so.2': 'lib-littlecms', 'libfreetype.so.6': 'lib-freetype', 'libz.so.1': 'lib-zlib',
      'libopenjp2.so.7': 'lib-openjpeg', 'libwebp.so.7': 'lib-libwebp', 'libimagequant.so.0': 'unported', 'libxcb.so.1': 'unported', 'libc.so.6': 'libc',
    });
    const imaging = view.extensions.find((e) => e.module === 'PIL._imaging')!;
    expect(imaging.libPython3).toEqual({ builtin: true, kconfig: ['CONFIG_LIBPYTHON3_EXTENSION_PILLOW'] });
    expect(view.extensions.find((e) => e.module === 'PIL._imagingcms')!.libPython3!.kconfig).toEqual(['CONFIG_LIBPYTHON3_EXTENSION_PILLOW', 'CONFIG_LIBLITTLECMS']);
    // analysed as a shared object from every export: evidence chains start at _imaging's exports (readelf's list) and
    // reach through its libraries, e.g. the X11 screen grab connecting through libxcb
    const exports = new Set([...run('readelf', ['--dyn-syms', '-W', imaging.path]).matchAll(/ FUNC +GLOBAL +DEFAULT +\d+ (\S+)/g)].map((m) => m[1]!));
    const chains = installed.facts.flatMap((f) => (f.kind === 'syscall' ? f.evidence.map((e) => ({ name: f.name, chain: e.chain ?? [] })) : []));
    const fromImaging = chains.filter((c) => exports.has(c.chain[0]?.replace(/^\(export\) /, '') ?? ''));
    expect(fromImaging.length).toBeGreaterThan(0);
    expect(fromImaging.some((c) => c.chain.includes('xcb_connect'))).toBe(true);
    expect(installed.interpreted!.recommended).toBe('binary-compat');
    expect(installed.interpreted!.native.blockers).toContain('libjpeg.so.62: no Unikraft port (needed by PIL._imaging)');
  });

  test('installed: the native plan selects lib-python3\'s Pillow option, lib-python-pillow and the library ports; libjpeg stays uncovered', () => {
    const plan = planReport(installed, loadTables(), { mode: 'native', release: 'v0.17.0' });
    const ports = plan.libraries.filter((l) => l.role === 'port').map((l) => l.name);
    expect(ports).toEqual(expect.arrayContaining(['lib-python3', 'lib-python-pillow', 'lib-libtiff', 'lib-littlecms', 'lib-freetype', 'lib-zlib', 'lib-openjpeg', 'lib-libwebp']));
    expect(plan.kconfig).toEqual(expect.arrayContaining(['CONFIG_LIBPYTHON3=y', 'CONFIG_LIBPYTHON3_EXTENSIONS=y', 'CONFIG_LIBPYTHON3_EXTENSION_PILLOW=y', 'CONFIG_LIBPYTHON_PILLOW=y', 'CONFIG_LIBLITTLECMS=y', 'CONFIG_LIBFREETYPE=y']));
    expect(plan.uncovered.find((u) => u.name === 'libjpeg.so.62')).toMatchObject({ status: 'missing-required', severity: 'error' });
    expect(plan.rootfs).toContainEqual(expect.stringMatching(/^pure-Python packages: .*boto3 1\.26\.27 \(1\.\d MB\)/));
  });

  test('source: the recommended binary-compat form as the catalog runs it, Kraftfile runtime and Dockerfile', () => {
    const plan = planReport(source, loadTables(), { release: 'v0.17.0' });
    expect(plan.mode).toBe('binary-compat');
    const files = emitManifest({ name: 'thumbnail', plan, generator: 'ukport test' });
    expect([...files.keys()]).toEqual(['Kraftfile', 'Dockerfile']);
    // unikraft/catalog examples/flask3.0-python3.12/Kraftfile: spec, name, runtime python:3.12, rootfs ./Dockerfile, cmd
    expect(parseYaml(files.get('Kraftfile')!)).toEqual({ spec: 'v0.6', name: 'thumbnail', runtime: 'python:3.12', rootfs: './Dockerfile', cmd: ['/usr/bin/python3', '/app/handler.py'] });
    const docker = files.get('Dockerfile')!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(docker).toEqual([
      'FROM python:3.12-bookworm AS base', 'WORKDIR /app',
      'COPY constraints.txt /app/constraints.txt', 'COPY requirements-base.txt /app/requirements-base.txt', 'COPY requirements.txt /app/requirements.txt',
      'RUN pip3 install -r requirements.txt --no-cache-dir', 'FROM scratch',
      'COPY --from=base /usr/local/lib/python3.12 /usr/local/lib/python3.12', 'COPY handler.py /app/handler.py', 'COPY sizes.py /app/sizes.py',
    ]);
  });

  test('text and markdown name Pillow\'s modules, their libraries\' ports and the recommendation', () => {
    const text = emitText(installed, { color: false });
    expect(text).toMatch(/^ {2}python Pillow [\d.]+: native, installed [\d.]+ MB, Unikraft port lib-python-pillow 10\.0\.0/m);
    expect(text).toMatch(/^ {4}PIL\._imaging \[lib-python3: CONFIG_LIBPYTHON3_EXTENSION_PILLOW\]: libjpeg\.so\.62 unported, .*libtiff\.so\.6 → lib-libtiff 4\.5\.1/m);
    expect(text).toMatch(/^Interpreted app \(python\): recommended binary-compat$/m);
    const markdown = emitMarkdown(installed, { color: false });
    expect(markdown).toMatch(/^\| python Pillow \| [\d.]+ \| native \| PIL\._imaging, .* \| libjpeg\.so\.62, .* \| lib-python-pillow 10\.0\.0 \|$/m);
    expect(markdown).toContain('**Recommended form: binary-compat.**');
  });

  test('the JSON reports validate against the published schema', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));
    for (const r of [source, declared, installed]) {
      const ok = validate(JSON.parse(JSON.stringify(toReportDto(r))));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });
});
