import type { Evidence, Fact, Report } from '../../src/model/index.js';

/**
 * A Report for the bundled example app (fixtures/example/kvserver.c), built by hand so the golden files of the
 * report formats do not move whenever an extractor, rule or table changes. Source positions are real (a test
 * checks each line of kvserver.c names the fact); binary addresses are illustrative; coverage statuses and
 * rule ids are examples of what the planner and rules produce, not claims about a Unikraft release.
 */
export const KV_SOURCE = 'fixtures/example/kvserver.c';
const BIN = 'fixtures/build/example/kvserver';

const src = (line: number, column: number, fn: string, extra: Partial<Evidence> = {}): Evidence => ({ artifact: KV_SOURCE, extractor: 'c.call', location: { file: KV_SOURCE, line, column, function: fn }, ...extra });
const bin = (fn: string, address: string, chain?: string[]): Evidence => ({ artifact: BIN, extractor: 'x86_64.syscall-site', function: fn, address, ...(chain ? { chain } : {}) });

const syscall = (name: string, nr: number, cls: 'program' | 'startup', evidence: Evidence[]): Fact => ({ kind: 'syscall', name, nr, arch: 'x86_64', class: cls, evidence });
const call = (name: string, evidence: Evidence[]): Fact => ({ kind: 'symbol', name, role: 'call', type: 'func', evidence });
const header = (name: string, line: number): Fact => ({ kind: 'header', name, system: true, evidence: [{ artifact: KV_SOURCE, extractor: 'c.include', location: { file: KV_SOURCE, line, column: 1 } }] });

const facts: Fact[] = [
  syscall('epoll_create1', 291, 'program', [src(78, 13, 'main')]),
  syscall('epoll_ctl', 233, 'program', [src(81, 3, 'main'), src(87, 39, 'main')]),
  syscall('epoll_wait', 232, 'program', [src(83, 13, 'main')]),
  syscall('socket', 41, 'program', [src(75, 13, 'main')]),
  syscall('accept4', 288, 'program', [src(86, 17, 'main')]),
  syscall('sendfile', 40, 'program', [src(46, 53, 'snapshot_worker'), bin('sendfile', '0x401a20', ['snapshot_worker', 'sendfile'])]),
  syscall('getrandom', 318, 'program', [src(71, 3, 'main')]),
  syscall('clone3', 435, 'program', [bin('__clone3', '0x4022f0', ['main', 'pthread_create', '__clone3'])]),
  syscall('rseq', 334, 'startup', [bin('__libc_start_main', '0x401c44', ['_start', '__libc_start_main'])]),
  syscall('arch_prctl', 158, 'startup', [bin('_dl_start', '0x401b10')]),
  call('dlopen', [src(55, 13, 'load_plugin')]),
  call('dlsym', [src(57, 42, 'load_plugin')]),
  call('fopen', [src(31, 13, 'read_config')]),
  call('pthread_create', [src(73, 3, 'main')]),
  header('dlfcn.h', 7),
  header('sys/epoll.h', 14),
  header('sys/sendfile.h', 16),
  { kind: 'library', soname: 'libc.so.6', version: '6', neededBy: [BIN], evidence: [{ artifact: BIN, extractor: 'elf.dynamic', detail: 'DT_NEEDED' }] },
  { kind: 'string', value: '/etc/kvserver.conf', evidence: [src(22, 21, 'read_config', { extractor: 'c.string' })] },
  { kind: 'unknown', reason: 'dlopen', message: 'dlopen("libkvplugin.so"): plugin code is not analysed', evidence: [src(55, 13, 'load_plugin', { extractor: 'c.dlopen' })] },
];

const byName = (name: string) => facts.find((f) => (f.kind === 'symbol' || f.kind === 'syscall' || f.kind === 'string') && (('name' in f && f.name === name) || ('value' in f && f.value === name)))!;

/** The kvserver report every golden is rendered from. */
export function kvserverReport(): Report {
  return {
    tool: { name: 'ukport', version: '0.1.0' },
    mode: 'binary-compat',
    inputs: [{ path: BIN, kind: 'elf', size: 17432 }, { path: KV_SOURCE, kind: 'c-source', size: 3120 }],
    binaries: [],
    libraryGraph: [{ from: BIN, soname: 'libc.so.6', resolved: '/lib/x86_64-linux-gnu/libc.so.6', via: 'ld.so.cache' }],
    facts,
    findings: [
      { ruleId: 'dlopen-plugins', severity: 'error', message: 'dlopen loads plugins at run time; a Unikraft image is one static binary', facts: [byName('dlopen')], remedy: { text: 'Link the plugin in statically and call its init function directly.' } },
      { ruleId: 'config-file-at-boot', severity: 'warning', message: 'reads /etc/kvserver.conf at boot: the image needs a root filesystem', facts: [byName('/etc/kvserver.conf')], remedy: { libraries: ['vfscore', 'ramfs'], kconfig: ['CONFIG_LIBVFSCORE_AUTOMOUNT_ROOTFS'] } },
      { ruleId: 'nondeterminism-getrandom', severity: 'note', message: 'getrandom seeds the PRNG: needs an entropy source', facts: [byName('getrandom')], remedy: { libraries: ['ukrandom'] } },
    ],
    plan: {
      release: '0.18.0', arch: 'x86_64', libc: 'musl', libcReasons: ['sys/epoll.h is Linux-only (newlib lacks it)'],
      libraries: [
        { name: 'posix-event', kconfig: 'LIBPOSIX_EVENT', because: ['syscall:epoll_create1', 'syscall:epoll_ctl', 'syscall:epoll_wait'] },
        { name: 'lwip', kconfig: 'LIBLWIP', because: ['syscall:socket', 'syscall:accept4'] },
        { name: 'vfscore', kconfig: 'LIBVFSCORE', because: ['syscall:sendfile'] },
      ],
      kconfig: ['CONFIG_LIBLWIP=y', 'CONFIG_LIBPOSIX_EVENT=y', 'CONFIG_LIBVFSCORE=y'],
      uncovered: [
        { kind: 'syscall', name: 'clone3', status: 'missing-required', severity: 'error', reason: 'no library of 0.18.0 provides it (threads via pthread_create)' },
        { kind: 'syscall', name: 'sendfile', status: 'stubbable', severity: 'warning', reason: 'only used for snapshots; a stub returning -ENOSYS makes the caller fall back' },
        { kind: 'syscall', name: 'rseq', status: 'stubbable', severity: 'note', reason: 'glibc start-up probes it and tolerates ENOSYS' },
      ],
    },
    tables: [{ repo: 'https://github.com/unikraft/unikraft', tag: 'RELEASE-0.18.0', commit: '0123456789abcdef0123456789abcdef01234567', generator: 'ukport tables sync', date: '2026-01-01' }],
    stats: { filesSeen: 2, filesSkipped: 0, bytesRead: 20552, indirectCalls: 1, addressTakenFunctions: 2 },
  };
}

/** Rule help as the rules loader would give it. */
export const KV_RULE_DOCS = new Map([
  ['dlopen-plugins', { id: 'dlopen-plugins', severity: 'error' as const, summary: 'Plugins loaded with dlopen', why: 'A Unikraft image is linked statically; there is no dynamic loader to load plugins at run time.' }],
  ['config-file-at-boot', { id: 'config-file-at-boot', severity: 'warning' as const, summary: 'Configuration file read at boot', why: 'The file must be in the image: an initrd/cpio root filesystem or a 9pfs share.' }],
  ['nondeterminism-getrandom', { id: 'nondeterminism-getrandom', severity: 'note' as const, summary: 'Random numbers from getrandom', why: 'Unikraft serves getrandom from ukrandom; enable it or the call fails.' }],
]);
