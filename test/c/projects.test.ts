import { beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { extractCSources } from '../../src/extract/c/extract-c-sources.js';
import { findCSources } from '../../src/extract/c/find-c-sources.js';
import type { Fact } from '../../src/model/index.js';
import { PROJECTS, columnOf, kernelSyscalls, lineOf, muslFunctions, symbol, where } from './c-helpers.js';

const libcFunctions = muslFunctions();
const syscalls = { x86_64: kernelSyscalls() };
const scan = async (name: string): Promise<Fact[]> =>
  (await extractCSources(findCSources([join(PROJECTS, name)]).files, { libcFunctions, syscalls })).facts;

describe('mqtt-broker', () => {
  const net = join(PROJECTS, 'mqtt-broker/net.c');
  const broker = join(PROJECTS, 'mqtt-broker/broker.c');
  let facts: Fact[];
  beforeAll(async () => { facts = await scan('mqtt-broker'); });

  test('fork in daemonize, with file, line, column and function', () => {
    const [fork] = symbol(facts, 'fork');
    const line = lineOf(net, 'fork()');
    expect(fork.evidence).toEqual([{ artifact: net, extractor: 'c.call', location: { file: net, line, column: columnOf(net, line, 'fork'), function: 'daemonize' } }]);
  });

  test('epoll, socketpair and socket calls with their constant arguments', () => {
    expect(where(symbol(facts, 'epoll_create1'))).toEqual([`broker.c:${lineOf(broker, 'epoll_create1(')}`]);
    expect(symbol(facts, 'epoll_create1')[0].args).toEqual({ 0: 'EPOLL_CLOEXEC' });
    expect(where(symbol(facts, 'epoll_ctl'))).toEqual([`broker.c:${lineOf(broker, 'epoll_ctl(')}`]);
    expect(where(symbol(facts, 'epoll_wait'))).toEqual([`broker.c:${lineOf(broker, 'epoll_wait(')}`]);
    const [sp] = symbol(facts, 'socketpair');
    expect(sp.args).toEqual({ 0: 'AF_UNIX', 1: 'SOCK_STREAM' });
    expect(where([sp])).toEqual([`broker.c:${lineOf(broker, 'socketpair(')}`]);
    const [sock] = symbol(facts, 'socket');
    expect(sock.args).toEqual({ 0: 'AF_INET', 1: 'SOCK_STREAM | SOCK_NONBLOCK' });
    expect(where([sock])).toEqual([`net.c:${lineOf(net, 'socket(')}`]);
  });

  test('calls hidden behind plain macros are found, with the macro chain', () => {
    const closes = symbol(facts, 'close');
    const ev = closes.flatMap((f) => f.evidence).filter((e) => e.chain?.[0] === 'CLOSE_FD');
    expect(ev.map((e) => `${e.location?.file.split('/').pop()}:${e.location?.line}:${e.location?.function}`).sort())
      .toEqual([`broker.c:${lineOf(broker, 'CLOSE_FD(ep)')}:main`, `net.c:${lineOf(net, 'CLOSE_FD(fd)')}:net_listen`]);
    expect(ev.every((e) => e.extractor === 'c.macro-call' && e.chain?.join('>') === 'CLOSE_FD>close')).toBe(true);
  });

  test('a token-pasting macro is an unknown at its use; the call it passes through is still seen', () => {
    const line = lineOf(broker, 'DEFINE_HANDLER(close)');
    const unk = facts.filter((f) => f.kind === 'unknown' && f.reason === 'macro');
    expect(unk).toHaveLength(1);
    expect(unk[0].evidence[0].location).toEqual({ file: broker, line, column: 1 });
    expect(unk[0].kind === 'unknown' && unk[0].message).toMatch(/DEFINE_HANDLER/);
    expect(where(symbol(facts, 'close'))).toContain(`broker.c:${line}`);
  });

  test('a libc function used as a function pointer is address-taken', () => {
    const [abort] = symbol(facts, 'abort', 'address-taken');
    expect(where([abort])).toEqual([`broker.c:${lineOf(broker, 'atexit(')}`]);
    // the program's own callbacks are not libc uses
    expect(facts.some((f) => f.kind === 'symbol' && (f.name === 'compare_topics' || f.name === 'publish'))).toBe(false);
  });

  test('includes: system vs local, local resolved next to the file; include guards are not conditions', () => {
    const h = facts.filter((f): f is Extract<Fact, { kind: 'header' }> => f.kind === 'header');
    const local = h.find((f) => f.name === 'broker.h')!;
    expect(local.system).toBe(false);
    expect(local.resolved).toBe(join(PROJECTS, 'mqtt-broker/broker.h'));
    expect(where([local])).toEqual([`broker.c:${lineOf(broker, '"broker.h"')}`, `net.c:${lineOf(net, '"broker.h"')}`]);
    const epoll = h.find((f) => f.name === 'sys/epoll.h')!;
    expect(epoll.system).toBe(true);
    const stddef = h.find((f) => f.name === 'stddef.h')!;
    expect(stddef.evidence[0].condition).toBeUndefined();
  });
});

describe('keyserver', () => {
  const src = join(PROJECTS, 'keyserver/keyserver.c');
  let facts: Fact[];
  beforeAll(async () => { facts = await scan('keyserver'); });

  test('the config file opened through a macro is a string fact at the definition and at the fopen', () => {
    const conf = facts.find((f) => f.kind === 'string' && f.value === '/etc/keyserver.conf')!;
    expect(where([conf])).toEqual([`keyserver.c:${lineOf(src, '#define CONFIG_PATH')}`, `keyserver.c:${lineOf(src, 'fopen(CONFIG_PATH')}`].sort());
    const proc = facts.find((f) => f.kind === 'string' && f.value === '/proc/self/status')!;
    const pl = lineOf(src, '"/proc/self/status"');
    expect(proc.evidence[0].location).toEqual({ file: src, line: pl, column: columnOf(src, pl, '"/proc'), function: 'memory_limit' });
  });

  test('mmap flags and AF_NETLINK socket domain are kept as constant text', () => {
    const [mmap] = symbol(facts, 'mmap');
    expect(mmap.args).toEqual({ 2: 'PROT_READ | PROT_WRITE', 3: 'MAP_SHARED | MAP_ANONYMOUS' });
    expect(where([mmap])).toEqual([`keyserver.c:${lineOf(src, 'mmap(')}`]);
    const [nl] = symbol(facts, 'socket');
    expect(nl.args).toEqual({ 0: 'AF_NETLINK', 1: 'SOCK_RAW | SOCK_CLOEXEC', 2: 'NETLINK_ROUTE' });
  });

  test('OpenSSL headers and the /dev/urandom fallback carry their #ifdef condition', () => {
    for (const name of ['openssl/evp.h', 'openssl/rand.h']) {
      const h = facts.find((f) => f.kind === 'header' && f.name === name)!;
      expect(h.evidence.map((e) => e.condition)).toEqual(['defined(HAVE_OPENSSL)']);
    }
    const [open] = symbol(facts, 'open');
    expect(open.evidence[0].condition).toBe('!defined(HAVE_OPENSSL)');
    expect(open.evidence[0].location?.line).toBe(lineOf(src, 'open("/dev/urandom"'));
    // RAND_bytes is OpenSSL, not libc
    expect(facts.some((f) => f.kind === 'symbol' && f.name === 'RAND_bytes')).toBe(false);
  });

  test('-DHAVE_OPENSSL drops the fallback branch and decides the header condition', async () => {
    const r = await extractCSources([src], { libcFunctions, defines: { HAVE_OPENSSL: '1' } });
    expect(symbol(r.facts, 'open')).toEqual([]);
    const h = r.facts.find((f) => f.kind === 'header' && f.name === 'openssl/evp.h')!;
    expect(h.evidence[0].condition).toBeUndefined();
  });
});

describe('epoll-server', () => {
  const src = join(PROJECTS, 'epoll-server/server.c');
  let facts: Fact[];
  beforeAll(async () => { facts = await scan('epoll-server'); });

  test('epoll and sendfile are marked linux-only; select() fallback carries the negation', () => {
    for (const name of ['epoll_create1', 'epoll_ctl', 'epoll_wait', 'sendfile']) {
      const ev = symbol(facts, name).flatMap((f) => f.evidence);
      expect(ev).toHaveLength(1);
      expect(ev[0].detail).toBe('linux-only');
      expect(ev[0].condition).toBe('defined(__linux__)');
    }
    const [sel] = symbol(facts, 'select');
    expect(sel.evidence[0].condition).toBe('!defined(__linux__)');
    expect(sel.evidence[0].detail).toBeUndefined();
    expect(where([sel])).toEqual([`server.c:${lineOf(src, 'select(')}`]);
    const accepts = symbol(facts, 'accept').flatMap((f) => f.evidence);
    expect(accepts.map((e) => [e.location?.line, e.condition, e.detail ?? null])).toEqual([
      [lineOf(src, 'serve(accept', 1), 'defined(__linux__)', 'linux-only'],
      [lineOf(src, 'serve(accept', 2), '!defined(__linux__)', null],
    ]);
  });

  test('headers under #if defined(__linux__) are linux-only too', () => {
    const h = facts.find((f) => f.kind === 'header' && f.name === 'sys/sendfile.h')!;
    expect(h.evidence[0]).toMatchObject({ condition: 'defined(__linux__)', detail: 'linux-only', location: { line: lineOf(src, 'sys/sendfile.h') } });
  });

  test('-U__linux__ keeps only the fallback; -D__linux__ only the Linux branch', async () => {
    const off = (await extractCSources([src], { libcFunctions, undefs: ['__linux__'] })).facts;
    expect(symbol(off, 'epoll_wait')).toEqual([]);
    expect(symbol(off, 'select')[0].evidence[0].condition).toBeUndefined();
    const on = (await extractCSources([src], { libcFunctions, defines: { __linux__: '1' } })).facts;
    expect(symbol(on, 'select')).toEqual([]);
    expect(symbol(on, 'epoll_wait')[0].evidence[0]).not.toHaveProperty('condition');
  });
});

describe('raw-syscalls', () => {
  const src = join(PROJECTS, 'raw-syscalls/raw.c');
  let facts: Fact[];
  beforeAll(async () => { facts = await scan('raw-syscalls'); });
  const sys = (name: string) => facts.filter((f): f is Extract<Fact, { kind: 'syscall' }> => f.kind === 'syscall' && f.name === name);

  test('syscall(SYS_gettid) is the gettid syscall with its number from the kernel header', () => {
    const [g] = sys('gettid');
    expect(g).toMatchObject({ nr: kernelSyscalls().byName.get('gettid'), arch: 'x86_64', class: 'program' });
    const line = lineOf(src, 'syscall(SYS_gettid)');
    expect(g.evidence).toEqual([{ artifact: src, extractor: 'c.syscall', location: { file: src, line, column: columnOf(src, line, 'syscall('), function: 'worker' } }]);
  });

  test('__NR_getpid and inline asm with a constant number (through a macro) are getpid', () => {
    const [g] = sys('getpid');
    expect(g.nr).toBe(39);
    expect(g.evidence.map((e) => `${e.extractor}:${e.location?.line}:${e.location?.function}`).sort()).toEqual([
      `c.asm:${lineOf(src, '__asm__ volatile')}:raw_getpid`,
      `c.syscall:${lineOf(src, 'syscall(__NR_getpid)')}:main`,
    ]);
  });

  test('a variable syscall number and asm with a variable number are unknowns', () => {
    const unk = facts.filter((f) => f.kind === 'unknown');
    const at = (reason: string) => unk.filter((f) => f.kind === 'unknown' && f.reason === reason).map((f) => f.evidence[0].location?.line);
    expect(at('indirect-syscall')).toEqual([lineOf(src, 'syscall(nr)')]);
    expect(at('inline-asm')).toEqual([lineOf(src, 'asm volatile ("syscall"')]);
    expect(at('dlopen')).toEqual([lineOf(src, 'dlopen(')]);
  });

  test('pthread_create, inotify_init1, dlopen, execve are libc calls', () => {
    for (const [name, needle] of [['pthread_create', 'pthread_create('], ['inotify_init1', 'inotify_init1('], ['dlopen', 'dlopen('], ['execve', 'execve(']]) {
      expect(where(symbol(facts, name))).toEqual([`raw.c:${lineOf(src, needle)}`]);
    }
    expect(symbol(facts, 'inotify_init1')[0].args).toEqual({ 0: 'IN_NONBLOCK' });
    // worker is the program's own thread function, not a libc function pointer
    expect(facts.filter((f) => f.kind === 'symbol' && f.role === 'address-taken')).toEqual([]);
  });
});
