import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf, resolveDlopen, resolveLibraries } from '../../src/extract/elf/resolve-libraries.js';
import { extractSyscalls } from '../../src/extract/syscalls.js';
import { FIXTURES, ensureFixtures, missing, observe, predict, tempCache } from './helpers.js';
import { Ajv } from 'ajv';
import { ROOT, ensureBuilt, runCli } from '../helpers/tools.js';

// The glibc models (libc-models.ts) hold back code that runs only after a call the program never makes. Each
// fixture here makes that call; strace shows the syscalls the model holds back elsewhere, and the prediction must
// contain them (the model released). Other programs must not get them, and do without the models.
let cache: string;
beforeAll(() => { ensureFixtures(); ensureBuilt(); cache = tempCache(); });
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const LOADER = '/lib64/ld-linux-x86-64.so.2';

const released: [string, string[][], string[]][] = [
  // pthread_mutexattr_setprotocol(PTHREAD_PRIO_PROTECT): tpp.c reads the thread's scheduling on lock
  ['pp_mutex.dyn', [[]], ['sched_get_priority_max', 'sched_get_priority_min', 'sched_getparam', 'sched_getscheduler']],
  // PTHREAD_EXPLICIT_SCHED with a policy only: collect_default_sched, then create_thread's sched_setscheduler; a CPU set: sched_setaffinity
  ['thread_sched.dyn', [['explicit'], ['affinity']], ['sched_getparam', 'sched_setscheduler', 'sched_setaffinity']],
  ['thread_sched.static', [['explicit'], ['affinity']], ['sched_getparam', 'sched_setscheduler', 'sched_setaffinity']],
  // svc_register talks to the portmapper (absent: refused at once), and its thread-exit cleanup would again
  ['rpc_thread.dyn', [[]], ['socket', 'sendto', 'getsockname']],
  // exit() while another thread holds stdout's lock: stdio's clean-up yields to it
  ['exit_locked_stream.dyn', [[]], ['sched_yield']],
  // main() ends with pthread_exit while a thread runs: the main thread leaves with the exit syscall
  ['main_thread_exit.dyn', [[]], ['exit']],
  ['main_thread_exit.static', [[]], ['exit']],
];

describe('a program that makes the call a model waits for: the held syscalls are predicted', () => {
  test.each(released)('%s', async (name, runs, own) => {
    const bin = join(FIXTURES, name);
    const observed = new Set<string>();
    for (const args of runs) for (const s of await observe(bin, args)) observed.add(s);
    expect(own.filter((s) => !observed.has(s))).toEqual([]);
    const { syscalls } = predict(bin, cache);
    expect(missing(syscalls, observed)).toEqual([]);
  }, 60_000);
});

/** Syscall names predicted for PATH with and without the models, and the models that held code back. */
function both(path: string): { on: Set<string>; off: Set<string>; held: Map<string, string[]> } {
  const main = loadElf(path);
  const closure = resolveLibraries([main], {});
  const run = (libcModels: boolean) => extractSyscalls(main, closure, { mode: 'binary-compat', cacheDir: cache, libcModels, resolveDlopen: (n, f) => resolveDlopen(n, f, main), nssServices: () => [] });
  const names = (r: ReturnType<typeof run>) => new Set(r.facts.flatMap((f) => (f.kind === 'syscall' ? [f.name] : [])));
  const on = run(true);
  return { on: names(on), off: names(run(false)), held: new Map(on.libcModels.map((m) => [m.model, m.syscalls])) };
}

test('file_copy.dyn: ld.so\'s command mode, priority-ceiling mutexes, stdio\'s wait for other threads, _exit\'s exit and gettext\'s catalog search are held back, and nothing else changes', () => {
  const { on, off, held } = both(join(FIXTURES, 'file_copy.dyn'));
  const removed = [...off].filter((s) => !on.has(s)).sort();
  // sysinfo: only the catalog search's qsort of locale.alias asks for the machine's memory (sysconf(_SC_PHYS_PAGES))
  expect(removed).toEqual(['execve', 'exit', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_getparam', 'sched_getscheduler', 'sched_setscheduler', 'sched_yield', 'sysinfo', 'uname']);
  expect([...on].filter((s) => !off.has(s))).toEqual([]);
  // each model lists what it holds: the syscalls of its held sites and those its release alone would add
  expect(held.get('ld.so-command-mode')).toEqual(['execve', 'uname']);
  expect(held.get('gettext-catalog-search')).toEqual(['sysinfo']);
  expect(removed.filter((s) => ![...held.values()].some((l) => l.includes(s)))).toEqual([]);
  expect(held.has('priority-protect-mutex')).toBe(true);
});

test('threads.dyn: no Sun RPC, no thread attributes; its own pthread_mutex_lock keeps priority-ceiling code (the mutex could come from shared memory)', () => {
  const { on, off, held } = both(join(FIXTURES, 'threads.dyn'));
  for (const s of ['socket', 'connect', 'sendto', 'sched_setaffinity']) { expect(off.has(s)).toBe(true); expect(on.has(s)).toBe(false); }
  expect(on.has('sched_get_priority_max')).toBe(true);
  // a thread ends with the exit syscall (start_thread): _exit's, after exit_group, and the main thread's are held
  expect(on.has('exit')).toBe(true);
  expect([...off].filter((s) => !on.has(s) && ![...held.values()].some((l) => l.includes(s)))).toEqual([]);
  expect(held.get('sunrpc-service-cleanup')).toEqual(expect.arrayContaining(['connect', 'sendto', 'socket']));
  expect([...held.keys()].sort()).toEqual(['exit-after-exit-group', 'gettext-catalog-search', 'ld.so-command-mode', 'main-thread-exit', 'pthread-create-affinity', 'pthread-explicit-scheduling', 'sunrpc-service-cleanup']);
});

test('the witness is the call, not the fixture: thread_sched.dyn (pthread_attr_setinheritsched, setaffinity_np) releases both thread-attribute models', () => {
  const { held } = both(join(FIXTURES, 'thread_sched.dyn'));
  expect(held.has('pthread-explicit-scheduling')).toBe(false);
  expect(held.has('pthread-create-affinity')).toBe(false);
  expect(held.has('sunrpc-service-cleanup')).toBe(true);
});

test('a thread-less program keeps stdio\'s yield at exit once it makes a clone syscall itself (glibc cannot know what runs in the child)', () => {
  expect(both(join(FIXTURES, 'raw_syscalls.dyn')).on.has('sched_yield')).toBe(false);
  const { on, held } = both(join(FIXTURES, 'raw_clone.dyn'));
  expect(on.has('sched_yield')).toBe(true);
  expect(held.has('stdio-exit-other-thread')).toBe(false);
});

/** The files PATH opens (strace, openat and open), run with ARGS and ENV. */
function opened(path: string, args: string[], env: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ukport-opens-'));
  try {
    const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat,open', '-o', join(dir, 'trace'), path, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(0);
    return readFileSync(join(dir, 'trace'), 'utf8').split('\n').flatMap((l) => { const m = /open(?:at)?\((?:AT_FDCWD, )?"([^"]*)"/.exec(l); return m ? [m[1]] : []; });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// gettext searches message catalogs only outside the C locale, whatever LANGUAGE says. Both fixtures ask for a
// translation of one of glibc's messages with LANGUAGE=de; the one that leaves the C locale (setlocale, or newlocale
// and uselocale) looks for locale.alias and the catalogs, the other does not. A program that calls neither (fn_tables)
// has the search held back.
const CATALOG = /locale\.alias$|\/LC_MESSAGES\/libc\.mo$/;
test.each([['gettext_locale.dyn', 'setlocale'], ['gettext_newlocale.dyn', 'newlocale']])('%s: gettext searches catalogs only after %s, and the prediction keeps that search', async (name, how) => {
  const bin = join(FIXTURES, name);
  const env = { LC_ALL: 'C.UTF-8', LANGUAGE: 'de' };
  expect(opened(bin, [how], env).filter((p) => CATALOG.test(p))).not.toEqual([]);
  expect(opened(bin, [], env).filter((p) => CATALOG.test(p))).toEqual([]);
  const observed = new Set([...await observe(bin, [how], undefined, 'strace', { env }), ...await observe(bin, [], undefined, 'strace', { env })]);
  const { syscalls } = predict(bin, cache);
  expect(missing(syscalls, observed)).toEqual([]);
  const { on, off, held } = both(bin);
  expect(held.has('gettext-catalog-search')).toBe(false);
  expect(on.has('sysinfo')).toBe(off.has('sysinfo'));
}, 60_000);

test('fn_tables.dyn (no setlocale, no newlocale): gettext\'s catalog search, behind assert and abort messages, is held back', () => {
  const { on, off, held } = both(join(FIXTURES, 'fn_tables.dyn'));
  // it holds calls (to _nl_find_domain and _nl_find_msg); what they lead to that nothing else reaches is listed
  expect(held.get('gettext-catalog-search')).toEqual(['sysinfo']);
  expect(off.has('sysinfo')).toBe(true);
  expect(on.has('sysinfo')).toBe(false);
});

// ld.so run as a command is the case the interpreter model excludes: scanned as the program itself, it keeps them
test.each([LOADER].filter(existsSync))('%s scanned on its own (run as a command) keeps execve and uname; --list-diagnostics under strace', async (ld) => {
  const observed = await observe(ld, ['--list-diagnostics']);
  expect(observed.has('uname')).toBe(true);
  const { syscalls } = predict(ld, cache);
  expect(missing(syscalls, observed)).toEqual([]);
  expect(syscalls.has('execve')).toBe(true);
}, 60_000);


test('ukport scan: the report names what the models held back (schema-valid); --no-libc-models counts it again', () => {
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));
  const scan = (args: string[]) => {
    const r = runCli(['scan', '--format', 'json', '--quiet', ...args, join(FIXTURES, 'file_copy.dyn')], { XDG_CACHE_HOME: cache });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validate(report)).toBe(true);
    return { names: (report.syscalls as { name: string }[]).map((x) => x.name), held: report.binaries[0].libcModels as { model: string; library: string; syscalls: string[] }[] | undefined };
  };
  const on = scan([]);
  expect(on.names).not.toContain('execve');
  expect(on.held).toContainEqual(expect.objectContaining({ model: 'ld.so-command-mode', syscalls: ['execve', 'uname'] }));
  // the same on worker threads (a whole-system scan)
  expect(scan(['--jobs', '1']).held).toEqual(on.held);
  const off = scan(['--no-libc-models']);
  expect(off.names).toContain('execve');
  expect(off.held).toBeUndefined();
  expect(runCli(['scan', '--help']).stdout).toContain('--no-libc-models');
  expect(runCli(['scan', join(FIXTURES, 'file_copy.dyn')], { XDG_CACHE_HOME: cache }).stdout).toMatch(/held back by glibc models .*ld\.so-command-mode \(execve uname\)/);
}, 60_000);
