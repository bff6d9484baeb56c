import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { loadPythonPort } from '../../src/data/python-port.js';
import { parseInittab, parsePortVersion, syncPythonPort } from '../../src/sync/python-port.js';

const MIRROR = '/work/.mirror/unikraft+lib-python3/repo';

describe('lib-python3 port table', () => {
  test('inittab parsing: comments disable, #if CONFIG_ guards become kconfig', () => {
    const src = [
      'struct _inittab _PyImport_Inittab[] = {',
      '    {"posix", PyInit_posix},',
      '//    {"_lzma", PyInit__lzma},',
      '/*    {"_multiprocessing", PyInit__multiprocessing},*/',
      '/* audio {"ossaudiodev", PyInit_ossaudiodev}, */',
      '#if CONFIG_LIBPYTHON3_EXTENSION_SQLITE',
      '    {"_sqlite3", PyInit__sqlite3},',
      '#endif',
      '/*',
      '    {"inblock", PyInit_inblock},',
      '*/',
      '    {"builtins", NULL},',
      '    {0, 0}',
      '};',
    ].join('\n');
    expect(parseInittab(src).map((e) => `${e.name} ${e.enabled} ${e.kconfig.join(',')}`)).toEqual([
      'posix true ', '_lzma false ', '_multiprocessing false ', 'ossaudiodev false ', '_sqlite3 true CONFIG_LIBPYTHON3_EXTENSION_SQLITE',
      'inblock false ', 'builtins true ',
    ]);
    expect(parsePortVersion('LIBPYTHON3_VERSION=3.10\nLIBPYTHON3_REVISION=11\n')).toBe('3.10.11');
  });

  test('the shipped table: _sqlite3 arrives with Python 3.10 in RELEASE-0.14.0, _multiprocessing never', () => {
    const t = loadPythonPort();
    const at = (ref: string) => t.releases.find((r) => r.ref === ref)!;
    expect(at('RELEASE-0.13.1').python).toBe('3.7.4');
    expect(at('RELEASE-0.13.1').builtin['_sqlite3']).toBeUndefined();
    expect(at('RELEASE-0.14.0').python).toBe('3.10.11');
    expect(at('RELEASE-0.14.0').builtin['_sqlite3']).toEqual({ kconfig: ['CONFIG_LIBPYTHON3_EXTENSION_SQLITE'] });
    for (const r of t.releases) expect(r.builtin['_multiprocessing']).toBeUndefined();
    expect(at('stable').patches).toContain('0000-Undefine-HAVE_FORK-and-HAVE_EXECVE.patch');
    expect(t.provenance.repo).toBe('https://github.com/unikraft/lib-python3');
  });

  test('regenerating from the upstream repository gives the shipped table', () => {
    if (!existsSync(MIRROR)) return;
    const fresh = syncPythonPort(MIRROR);
    const shipped = loadPythonPort();
    expect(fresh.releases).toEqual(shipped.releases);
    expect({ ...fresh.provenance, date: '', generator: '' }).toEqual({ ...shipped.provenance, date: '', generator: '' });
  });
});
