import { beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import { loadTables } from '../../src/data/tables.js';
import { loadRules } from '../../src/data/rules.js';
import { compileRules } from '../../src/match/compile.js';
import { matchFindings } from '../../src/match/match-findings.js';
import type { Finding, Libc, Tables } from '../../src/model/index.js';
import { buildFixtures, ROOT, run } from '../helpers/tools.js';

// The traps of the seed porting reports, end to end: real fixture sources and binaries, the shipped
// rules and the shipped Unikraft/libc tables.
const APPS = join(ROOT, 'fixtures', 'rule-apps');
const rules = compileRules(loadRules());
let build = '';
let tables: Tables;

beforeAll(() => {
  build = buildFixtures('rule-apps');
  const shipped = loadTables();
  // unikraft/lib-openssl (Makefile.uk at 9e7a972b): LIBOPENSSL_MAJOR=1.1.1, MINOR=c, options LIBSSL/LIBCRYPTO;
  // used only while syscall-tables/ has no external-libs.json entry for it
  const openssl = shipped.externalLibs.some((p) => p.port.includes('openssl')) ? [] : [
    { sonamePattern: 'libssl.so.*', port: 'lib-openssl', kconfig: 'LIBSSL', upstreamVersion: '1.1.1c', compatibleVersions: ['1.1'] },
    { sonamePattern: 'libcrypto.so.*', port: 'lib-openssl', kconfig: 'LIBCRYPTO', upstreamVersion: '1.1.1c', compatibleVersions: ['1.1'] },
  ];
  tables = { ...shipped, externalLibs: [...shipped.externalLibs, ...openssl] };
});

async function findings(paths: string[], libc: Libc, release?: string): Promise<Finding[]> {
  const report = await runPipeline({ paths, mode: 'native', libc, noCache: true });
  return matchFindings(report.facts, { tables, libc, release, arch: 'x86_64', mode: 'native', rules });
}

const ids = (fs: Finding[]): string[] => [...new Set(fs.map((f) => f.ruleId))].sort();
const about = (fs: Finding[], rule: string): string[] => fs.filter((f) => f.ruleId === rule).map((f) => f.message);

describe('key server with a config file and OpenSSL', () => {
  const bin = () => join(build, 'keyserver-tls');
  (existsSync('/usr/include/openssl/ssl.h') ? test : test.skip)('config at boot, OpenSSL 3 vs the 1.1.1 port, shared libssl, /proc, fork+exec', async () => {
    // oracle: readelf names the OpenSSL sonames the binary needs
    const needed = run('readelf', ['-d', bin()]).match(/\[(lib(ssl|crypto)\.so[^\]]*)\]/g) ?? [];
    expect(needed.sort()).toEqual(['[libcrypto.so.3]', '[libssl.so.3]']);
    const fs = await findings([join(APPS, 'keyserver-tls'), bin()], 'musl', 'v0.17.0');
    expect(ids(fs)).toEqual(expect.arrayContaining([
      'config-file-at-boot', 'exec-replaces-image', 'fork-single-address-space', 'memory-locking-fakeable',
      'openssl-loaded-shared', 'openssl-version-mismatch', 'proc-sys-paths', 'shared-writable-mapping', 'signal-handler-semantics',
    ]));
    expect(about(fs, 'openssl-version-mismatch').sort()).toEqual([
      'libcrypto.so.3 (OpenSSL 3) is needed but the Unikraft port lib-openssl is OpenSSL 1.1.1c',
      'libssl.so.3 (OpenSSL 3) is needed but the Unikraft port lib-openssl is OpenSSL 1.1.1c',
    ]);
    expect(about(fs, 'config-file-at-boot')).toEqual([
      `/etc/keyserver/keyserver.conf (at ${join(APPS, 'keyserver-tls', 'keyserver.c')}:34) must be provided in the image's rootfs`,
    ]);
    // seen at the fopen() through the macro and at the #define
    expect(fs.find((f) => f.ruleId === 'config-file-at-boot')!.facts[0]!.evidence.map((e) => e.location?.line).sort()).toEqual([13, 34]);
    const cfg = fs.find((f) => f.ruleId === 'config-file-at-boot')!;
    expect(cfg.remedy).toMatchObject({ libraries: ['vfscore', 'ukcpio', 'ramfs'], patch: 'config-path-override' });
    expect(about(fs, 'proc-sys-paths')[0]).toMatch(/^\/proc\/self\/status \(at .*keyserver\.c:\d+\) does not exist on Unikraft/);
  });
});

describe('Linux-specific program built against newlib', () => {
  test('Linux-only headers, and inotify functions nothing provides', async () => {
    const fs = await findings([join(APPS, 'sysmon-linux')], 'newlib', 'v0.17.0');
    const file = join(APPS, 'sysmon-linux', 'sysmon.c');
    expect(about(fs, 'linux-only-header-newlib')).toEqual([
      `<linux/limits.h> at ${file}:2 is Linux-only and missing from newlib`,
      `<sys/inotify.h> at ${file}:5 is Linux-only and missing from newlib`,
      `<sys/prctl.h> at ${file}:6 is Linux-only and missing from newlib`,
      `<sys/sysinfo.h> at ${file}:7 is Linux-only and missing from newlib`,
    ]);
    // prctl, sysinfo, getcwd, close: newlib lacks them but v0.17.0's syscall shim defines the wrappers
    expect(about(fs, 'libc-function-missing').map((m) => m.split(' ')[0]).sort()).toEqual(['inotify_add_watch', 'inotify_init1']);
    // the same program with musl: none of this
    const musl = await findings([join(APPS, 'sysmon-linux')], 'musl', 'v0.17.0');
    expect(ids(musl)).not.toContain('linux-only-header-newlib');
    expect(ids(musl)).not.toContain('libc-function-missing');
    expect(ids(musl)).toContain('inotify-watches');
  });
});

describe('MQTT-style broker', () => {
  test('socketpair missing before v0.10 (the Python socketpair trap), posix-unixsocket after; fork, exec, signals, config', async () => {
    const src = join(APPS, 'broker');
    const old = await findings([src], 'musl', 'v0.9.0');
    expect(about(old, 'socketpair-not-available')).toEqual([
      `socketpair at ${join(src, 'broker.c')}:81 creates a socket pair, which Unikraft v0.9.0 does not provide`,
    ]);
    // both calls have the same constant arguments: one fact, two sites
    expect(old.find((f) => f.ruleId === 'socketpair-not-available')!.facts[0]!.evidence.map((e) => e.location?.line)).toEqual([81, 83]);
    const now = await findings([src], 'musl', 'v0.17.0');
    expect(ids(now)).not.toContain('socketpair-not-available');
    expect(ids(now)).toEqual(expect.arrayContaining(['config-file-at-boot', 'fork-single-address-space', 'signal-handler-semantics', 'unix-sockets-need-posix-unixsocket']));
    expect(now.find((f) => f.ruleId === 'unix-sockets-need-posix-unixsocket')!.remedy).toMatchObject({ libraries: ['posix-unixsocket'], kconfig: ['CONFIG_LIBPOSIX_UNIXSOCKET'] });
  });
});
