import { describe, expect, test } from '@jest/globals';
import type { Report } from '../../src/model/index.js';
import { evaluateGate, formatViolation, makeBaseline } from '../../src/match/gate.js';
import { kvserverReport } from '../emit/kvserver-report.js';

const ids = (ps: { id: string }[]) => ps.map((p) => p.id);

function withNewSyscall(r: Report, name: string): Report {
  r.facts.push({ kind: 'syscall', name, nr: 0, arch: 'x86_64', class: 'program', evidence: [{ artifact: 'fixtures/example/kvserver.c', extractor: 'c.call', location: { file: 'fixtures/example/kvserver.c', line: 44, column: 14, function: 'snapshot_worker' } }] });
  r.plan!.uncovered.push({ kind: 'syscall', name, status: 'missing-required', severity: 'error', reason: 'no library of 0.18.0 provides it' });
  return r;
}

describe('gate', () => {
  test('errors fail by default, in a fixed order, one line each', () => {
    const g = evaluateGate(kvserverReport(), {}, { failOn: 'error' });
    expect(g.ok).toBe(false);
    expect(ids(g.failing)).toEqual(['function:dlopen', 'syscall:clone3']);
    expect(g.failing.map(formatViolation)).toEqual([
      'error dlopen-plugins function:dlopen: dlopen loads plugins at run time; a Unikraft image is one static binary (fixtures/example/kvserver.c:55)',
      'error uncovered-syscall syscall:clone3: syscall clone3 is missing-required: no library of 0.18.0 provides it (threads via pthread_create) (fixtures/build/example/kvserver@__clone3)',
    ]);
    expect(g.below).toHaveLength(5);
  });
  test('a policy that allows what fails makes the gate hold', () => {
    const policy = { allow: { stub: ['clone3'] }, ignore: [{ rule: 'dlopen-plugins', reason: 'plugin is linked statically in the unikernel build' }] };
    const g = evaluateGate(kvserverReport(), policy, { failOn: 'error' });
    expect(g.ok).toBe(true);
    expect(g.allowed.map((a) => [a.problem.id, a.reason])).toEqual([
      ['function:dlopen', 'rule ignored by policy: plugin is linked statically in the unikernel build'],
      ['syscall:clone3', 'policy allows stubbing clone3'],
    ]);
  });
  test('fail-on lowers the threshold; unknowns count as warnings unless the policy says otherwise', () => {
    const policy = { allow: { stub: ['clone3', 'sendfile'] }, ignore: [{ rule: 'dlopen-plugins', reason: 'linked statically' }, { rule: 'config-file-at-boot', reason: 'initrd' }] };
    expect(ids(evaluateGate(kvserverReport(), policy, { failOn: 'warning' }).failing)).toEqual(['dlopen:fixtures/example/kvserver.c@load_plugin']);
    expect(evaluateGate(kvserverReport(), { ...policy, unknowns: { severity: 'note' } }, { failOn: 'warning' }).ok).toBe(true);
    expect(ids(evaluateGate(kvserverReport(), { ...policy, unknowns: { severity: 'note' } }, { failOn: 'note' }).failing)).toEqual([
      'dlopen:fixtures/example/kvserver.c@load_plugin', 'syscall:getrandom', 'syscall:rseq',
    ]);
  });
  test('a baseline suppresses the old problems only: a new unsupported syscall still fails', () => {
    const baseline = makeBaseline(evaluateGate(kvserverReport(), {}, { failOn: 'error' }));
    expect(baseline.problems).toHaveLength(7);
    expect(evaluateGate(kvserverReport(), {}, { failOn: 'note', baseline }).ok).toBe(true);
    const g = evaluateGate(withNewSyscall(kvserverReport(), 'io_uring_setup'), {}, { failOn: 'error', baseline });
    expect(g.ok).toBe(false);
    expect(g.failing.map(formatViolation)).toEqual(['error uncovered-syscall syscall:io_uring_setup: syscall io_uring_setup is missing-required: no library of 0.18.0 provides it (fixtures/example/kvserver.c:44)']);
    expect(g.baselined).toHaveLength(7);
  });
  test('baseline ids do not depend on addresses or fact order', () => {
    const baseline = makeBaseline(evaluateGate(kvserverReport(), {}, { failOn: 'error' }));
    const rebuilt = kvserverReport();
    rebuilt.facts.reverse();
    for (const f of rebuilt.facts) for (const e of f.evidence) if (e.address) e.address = '0x1000';
    expect(evaluateGate(rebuilt, {}, { failOn: 'note', baseline }).ok).toBe(true);
  });
  test('target architecture and release from the policy are checked', () => {
    const r = kvserverReport();
    r.binaries = [{ path: 'app', class: 64, endianness: 'little', machine: 'aarch64', type: 'PIE', entry: '0x0', linking: 'dynamic', needed: [], rpath: [], runpath: [], tls: false, stripped: false, imports: [], exports: [], sha256: '0'.repeat(64) }];
    const g = evaluateGate(r, { target: { arch: 'x86_64', release: '0.19.0' }, allow: { stub: ['clone3'] }, ignore: [{ rule: 'dlopen-plugins', reason: 'static' }] }, { failOn: 'error' });
    expect(g.failing.map(formatViolation)).toEqual([
      'error target-arch binary:app: app is built for aarch64, the policy targets x86_64 (app)',
      'error target-release release:0.19.0: the plan is for Unikraft 0.18.0, the policy targets 0.19.0',
    ]);
  });
});

describe('problem identity', () => {
  test('unnamed functions (sub_<address>) do not enter ids; their sites merge into one problem', () => {
    const r = kvserverReport();
    r.findings = []; r.plan = undefined;
    const site = (fn: string) => ({ artifact: '/usr/lib/libc.so.6', extractor: 'x86_64.syscall-site', function: fn, address: '0x1' });
    r.facts = [
      { kind: 'unknown', reason: 'indirect-syscall', message: 'syscall number not a constant', evidence: [site('sub_86720')] },
      { kind: 'unknown', reason: 'indirect-syscall', message: 'syscall number not a constant', evidence: [site('sub_10ae0')] },
      { kind: 'unknown', reason: 'indirect-syscall', message: 'syscall number not a constant', evidence: [site('syscall')] },
    ];
    const g = evaluateGate(r, {}, { failOn: 'warning' });
    expect(g.failing.map((p) => [p.id, p.evidence.length])).toEqual([
      ['indirect-syscall:/usr/lib/libc.so.6', 2],
      ['indirect-syscall:/usr/lib/libc.so.6@syscall', 1],
    ]);
  });
});

describe('one problem once', () => {
  test('a syscall a rule flags and the plan leaves uncovered, seen in the program and in libc, is one problem with all its evidence', () => {
    const r = kvserverReport();
    const prog = { artifact: 'bin/app', extractor: 'elf.dynsym' };
    const libc = { artifact: '/usr/lib/libc.so.6', extractor: 'x86_64.syscall-site', function: 'shmget', address: '0x10' };
    const imp = { kind: 'symbol' as const, name: 'shmget', role: 'import' as const, evidence: [prog] };
    const sc = { kind: 'syscall' as const, name: 'shmget', nr: 29, arch: 'x86_64' as const, class: 'program' as const, evidence: [libc] };
    r.facts.push(imp, sc);
    r.findings.push({ ruleId: 'sysv-ipc', severity: 'error', message: 'shmget at bin/app uses System V IPC', facts: [imp, sc], remedy: {} });
    r.plan!.uncovered.push({ kind: 'syscall', name: 'shmget', status: 'missing-required', severity: 'error', reason: 'no library of 0.18.0 provides it' });
    const g = evaluateGate(r, {}, { failOn: 'error' });
    const shm = g.failing.filter((p) => p.subject === 'syscall:shmget');
    expect(shm).toHaveLength(1);
    expect(shm[0]!.ruleIds).toEqual(['sysv-ipc', 'uncovered-syscall']);
    expect(shm[0]!.evidence).toEqual([prog, libc]);
    expect(formatViolation(shm[0]!)).toBe('error sysv-ipc+uncovered-syscall syscall:shmget: shmget at bin/app uses System V IPC (bin/app)');
  });
});

describe('problem identity across edits', () => {
  test('an unresolved fact in a known function keeps its id when lines move', () => {
    const moved = kvserverReport();
    for (const f of moved.facts) for (const e of f.evidence) if (e.location) e.location = { ...e.location, line: e.location.line + 7 };
    const before = makeBaseline(evaluateGate(kvserverReport(), {}, { failOn: 'error' }));
    expect(evaluateGate(moved, {}, { failOn: 'note', baseline: before }).ok).toBe(true);
  });
});
