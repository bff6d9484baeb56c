import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBootLog, crashLine } from '../../src/verify/boot-log.js';
import { parseBuildLog, unmetKconfig } from '../../src/verify/build-errors.js';
import { planLookup } from '../../src/verify/plan-lookup.js';
import { compareSyscalls } from '../../src/verify/compare.js';
import type { Plan, UnikraftTable } from '../../src/model/index.js';
import { ROOT } from '../helpers/tools.js';

// Logs recorded from ukport verify's own runs (fixtures/verify/README.md says which run made each).
const fixture = (p: string) => readFileSync(join(ROOT, 'fixtures/verify', p), 'latin1');

const plan: Plan = {
  release: 'v0.17.0', arch: 'x86_64', mode: 'native', libc: 'musl', libcReasons: [],
  libraries: [{ name: 'ukrandom', kconfig: 'LIBUKRANDOM', because: ['syscall:getrandom'] }, { name: 'lib-lwip', kconfig: 'LIBLWIP', because: ['syscall:socket'], repo: 'https://github.com/unikraft/lib-lwip' }],
  kconfig: ['CONFIG_LIBUKRANDOM=y', 'CONFIG_LIBLWIP=y', 'CONFIG_LIBUKSWRAND=y'],
  uncovered: [{ kind: 'syscall', name: 'rt_sigreturn', status: 'missing-required', severity: 'error', reason: 'no library' },
    { kind: 'syscall', name: 'writev', status: 'stubbable', severity: 'warning', reason: 'test only' }],
};
const table = { syscalls: { getrandom: { status: 'implemented', library: 'ukrandom', kconfig: 'LIBUKRANDOM', nr: { x86_64: 318 } } }, functions: {} } as unknown as UnikraftTable;

describe('build failures mapped to the plan', () => {
  test('lib-musl 0.16.3 on Unikraft 0.17.0: getrandom undefined → ukrandom provides it, the plan covers it', () => {
    const problems = parseBuildLog(fixture('build-logs/hello-musl-0.16.3-on-v0.17.0.log'), planLookup(plan, table, new Map([['musl (build)', '/OUT/build/libmusl']])));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'undefined-reference', symbol: 'getrandom', planEntry: 'syscall:getrandom', planStatus: 'covered by ukrandom', provider: 'ukrandom (CONFIG_LIBUKRANDOM)' });
  });

  test('a missing header is traced to the library whose file includes it', () => {
    const log = '/SRC/libs/lwip/uknetdev.c:44:10: fatal error: uk/swrand.h: No such file or directory\nmake: *** [x] Error 2\n';
    const problems = parseBuildLog(log, planLookup(plan, table, new Map([['lib-lwip', '/SRC/libs/lwip']])));
    expect(problems).toEqual([{ kind: 'missing-header', message: expect.stringContaining('uk/swrand.h'), symbol: 'uk/swrand.h', planEntry: 'library:lib-lwip' }]);
  });

  test('only a make error line: it is reported, nothing invented', () => {
    expect(parseBuildLog('make: *** [Makefile:1170: sub-make] Error 2\n')).toEqual([{ kind: 'make-error', message: 'make: *** [Makefile:1170: sub-make] Error 2' }]);
    expect(parseBuildLog('  CC libfoo: a.o\n')).toEqual([]);
  });

  test('a defconfig symbol olddefconfig dropped is an unmet Kconfig entry of the plan', () => {
    const problems = unmetKconfig('CONFIG_LIBLWIP=y\nCONFIG_LIBUKSWRAND=y\nCONFIG_LIBUKRANDOM=y\n', 'CONFIG_LIBUKRANDOM=y\n# CONFIG_LIBLWIP is not set\n', plan);
    expect(problems.map((p) => [p.symbol, p.planEntry])).toEqual([['LIBLWIP', 'library:lib-lwip'], ['LIBUKSWRAND', 'kconfig:LIBUKSWRAND']]);
  });
});

describe('boot logs', () => {
  test('native musl hello on v0.17.0 (TCG): the shim debug lines give the syscalls, the app output is kept', () => {
    const log = parseBootLog(fixture('boot-logs/hello-musl-v0.17.0-tcg.log'));
    expect([...log.traced.keys()].sort()).toEqual(['ioctl', 'writev']);
    expect(log.traced.get('writev')).toBe(8); // grep -c writev on the log
    expect(log.notAvailable.size).toBe(0);
    expect(log.crash).toBeUndefined();
    expect(log.output).toEqual(['Hello from ukport verify']); // the banner is Unikraft's, not the app's
    expect(log.output.some((l) => l.includes('dbg:'))).toBe(false);
  });

  test('v0.17.0 on qemu TCG without RDSEED stops at boot: the crash line says why', () => {
    const text = fixture('boot-logs/hello-v0.17.0-tcg-no-rdseed.log');
    expect(crashLine(text)).toMatch(/Could not initialize the HWRNG \(-95\)/);
    expect(parseBootLog(text).output).toEqual([]);
  });

  test('observed against predicted: an unpredicted syscall is listed, gaps are hit or not', () => {
    const log = parseBootLog(fixture('boot-logs/hello-musl-v0.17.0-tcg.log'));
    const r = compareSyscalls(log, new Set(['writev', 'exit_group']), plan, 'shim-debug');
    expect(r.unpredicted).toEqual(['ioctl']);
    expect(r.gaps).toEqual([{ name: 'rt_sigreturn', status: 'missing-required', hit: false }, { name: 'writev', status: 'stubbable', hit: true }]);
  });
});

describe('binary-compat boot log (glibc tcpd, dynamic, on app-elfloader v0.16.3, TCG)', () => {
  const text = fixture('boot-logs/tcpd-glibc-dyn-elfloader-v0.16.3-tcg.log');
  const log = parseBootLog(text, { mode: 'binary-compat' });

  test('the strace-like lines give the app syscalls, -ENOSYS ones as not available', () => {
    for (const s of ['openat', 'mmap', 'arch_prctl', 'socket', 'bind', 'listen', 'accept', 'read', 'write', 'getrandom']) expect(log.traced.has(s)).toBe(true);
    expect([...log.notAvailable.keys()].sort()).toEqual(['rseq', 'set_robust_list', 'set_tid_address']);
  });

  test("Unikraft's own shim calls (initrd extraction) are not the app's", () => {
    expect(text).toMatch(/uk_syscall_r_mkdir\(/);
    for (const s of ['mkdir', 'chmod', 'symlink', 'utime', 'mount']) expect(log.traced.has(s)).toBe(false);
    // read as a native log, they would count
    expect(parseBootLog(text).traced.has('mkdir')).toBe(true);
  });

  test("the app's output and lwip's interface lines are kept, strace lines are not output", () => {
    expect(log.output).toContain('tcpd: listening on 8080');
    expect(log.output.some((l) => /^(openat|mmap)\(/.test(l))).toBe(false);
    expect(log.crash).toBeUndefined();
  });
});

describe('a stub that clashes with a library function', () => {
  test('redis-server on app-elfloader v0.16.3: the compat stub of sendfile and lib-lwip\'s sendfile() → the plan entry and the other library', () => {
    const p = { ...plan, uncovered: [{ kind: 'syscall' as const, name: 'sendfile', status: 'stubbable' as const, severity: 'warning' as const, reason: 'v0.16.3 has none' }] };
    const problems = parseBuildLog(fixture('build-logs/redis-elfloader-v0.16.3-sendfile.log'), planLookup(p, table, new Map([['lwip', '/SRC/libs/lwip'], ['lwip (build)', '/OUT/build/liblwip']])));
    expect(problems).toEqual([expect.objectContaining({ kind: 'link-error', symbol: 'sendfile', planEntry: 'syscall:sendfile', planStatus: 'stubbable', provider: 'also defined by lwip' })]);
  });
});

describe('Debian redis-server 7.0.15 on app-elfloader v0.16.3 (TCG), probed with PING', () => {
  const log = parseBootLog(fixture('boot-logs/redis-elfloader-v0.16.3-tcg.log'), { mode: 'binary-compat' });
  test('the syscalls Unikraft does not provide are the ones the issue\'s trial saw', () => {
    expect([...log.notAvailable.keys()].sort()).toEqual(['clone3', 'rseq', 'set_robust_list']);
  });
  test('the request is in the trace and redis\'s own lines are the output', () => {
    for (const s of ['epoll_wait', 'accept4', 'read', 'write', 'prctl', 'setitimer', 'clone']) expect(log.traced.has(s)).toBe(true);
    expect(log.output.some((l) => /Redis is starting/.test(l))).toBe(true);
    expect(log.crash).toBeUndefined();
  });
});

describe('Debian nginx 1.22.1 on app-elfloader v0.16.3 (TCG), probed with GET /', () => {
  const log = parseBootLog(fixture('boot-logs/nginx-elfloader-v0.16.3-tcg.log'), { mode: 'binary-compat' });
  test('-ENOSYS answers in the trace are the syscalls not available; the request path is traced', () => {
    expect([...log.notAvailable.keys()].sort()).toEqual(['rseq', 'set_robust_list']);
    for (const s of ['epoll_wait', 'accept4', 'recvfrom', 'openat', 'writev', 'eventfd2', 'chown']) expect(log.traced.has(s)).toBe(true);
    expect(log.output.some((l) => /nginx\/1\.22\.1/.test(l))).toBe(true);
  });
});
