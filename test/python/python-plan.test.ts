import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import { emitKraftfile } from '../../src/emit/kraftfile.js';
import { buildFixtures } from '../helpers/tools.js';

const app = join(buildFixtures('python-app'), 'app');

describe('plan and Kraftfile of a Python app', () => {
  test('lib-python3 with the Kconfig of the extensions used, the app\'s own extension uncovered, a rootfs', async () => {
    const report = await runPipeline({ paths: [app], plan: { mode: 'native' } });
    const plan = report.plan!;
    expect(plan.libraries.find((l) => l.name === 'lib-python3')).toEqual({
      name: 'lib-python3', kconfig: 'LIBPYTHON3', role: 'port', repo: 'https://github.com/unikraft/lib-python3',
      because: ['module:python:os', 'module:python:select', 'module:python:signal', 'module:python:sqlite3', 'module:python:ssl', 'module:python:subprocess', 'module:python:zlibext'], version: '3.10.11',
    });
    // sqlite3 and ssl are built in behind these options in the newest lib-python3; select/_signal/_posixsubprocess unconditionally
    expect(plan.kconfig.filter((k) => k.startsWith('CONFIG_LIBPYTHON3')).sort()).toEqual([
      'CONFIG_LIBPYTHON3=y', 'CONFIG_LIBPYTHON3_EXTENSIONS=y', 'CONFIG_LIBPYTHON3_EXTENSION_SQLITE=y', 'CONFIG_LIBPYTHON3_EXTENSION_SSL=y',
    ]);
    // lib-python3's Config.uk offers EXTENSION_SQLITE only `if LIBSQLITE`, EXTENSION_SSL only `if LIBSSL`: their ports come along
    expect(plan.libraries.find((l) => l.name === 'lib-sqlite')).toMatchObject({ kconfig: 'LIBSQLITE', role: 'port', because: ['kconfig:CONFIG_LIBPYTHON3_EXTENSION_SQLITE'] });
    expect(plan.libraries.find((l) => l.name === 'lib-openssl')).toMatchObject({ kconfig: 'LIBSSL', role: 'port', because: ['kconfig:CONFIG_LIBPYTHON3_EXTENSION_SSL'] });
    expect(plan.uncovered.filter((u) => u.name.startsWith('python:'))).toEqual([
      { kind: 'library', name: 'python:zlibext', status: 'missing-required', severity: 'warning', reason: `compiled extension module zlibext (${join(app, 'zlibext.so')}) is not built into lib-python3` },
    ]);
    const kraftfile = emitKraftfile({ name: 'pyapp', plan, generator: 'ukport test' });
    expect(kraftfile).toMatch(/^libraries:\n(?:.*\n)*?  python3:\n(?:    source: .*\n)?    version: /m);
    expect(kraftfile).toMatch(/^  python3:\n(?:    source: .*\n)?    version: "(stable|[\d.]+)"\n    kconfig:\n      CONFIG_LIBPYTHON3: "y"$/m);
    expect(kraftfile).toMatch(/^rootfs: "\.\/rootfs"$/m);
  });

  test('binary compatibility: the Linux interpreter runs on app-elfloader, no port, the rootfs holds the app', async () => {
    const report = await runPipeline({ paths: [app], plan: { mode: 'binary-compat' } });
    expect(report.plan!.libraries.map((l) => l.name)).not.toContain('lib-python3');
    expect(report.plan!.rootfs).toContainEqual(expect.stringMatching(/^the Linux python3 interpreter with the Python standard library and the app's modules \(3 files/));
  });
});
