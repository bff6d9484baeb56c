import { describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../src/model/index.js';
import type { CommandIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { makeCheckCommand } from '../../src/cli/commands/check.js';
import { buildFixtures } from '../helpers/tools.js';
import { kvserverReport } from '../emit/kvserver-report.js';
import { tempDir } from '../helpers/temp-dirs.js';

function capture(): CommandIo & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false, color: false, env: {}, cwd: process.cwd(), stdout: (t: string) => { io.out += t; }, stderr: (t: string) => { io.err += t; } };
  return io;
}
const dir = tempDir('ukport-check-');
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
function withNewSyscall(r: Report, name: string): Report {
  r.facts.push({ kind: 'syscall', name, nr: 425, arch: 'x86_64', class: 'program', evidence: [{ artifact: 'fixtures/example/kvserver.c', extractor: 'c.call', location: { file: 'fixtures/example/kvserver.c', line: 44, column: 14, function: 'snapshot_worker' } }] });
  r.plan!.uncovered.push({ kind: 'syscall', name, status: 'missing-required', severity: 'error', reason: 'no library of 0.18.0 provides it' });
  return r;
}
async function check(report: Report, args: string[]) {
  const io = capture();
  const cmd = makeCheckCommand(async () => report);
  const { parseArgs } = await import('node:util');
  const parsed = parseArgs({ args, options: cmd.options, allowPositionals: true });
  const code = await cmd.run(parsed.values as Record<string, string>, parsed.positionals, io);
  return { code, out: io.out, err: io.err };
}

const allowing = file('allow.json', {
  $schema: '../schema/policy.schema.json',
  target: { arch: 'x86_64' },
  allow: { stub: ['clone3', 'sendfile'], fake: ['rseq'] },
  ignore: [{ rule: 'dlopen-plugins', reason: 'the plugin is linked in statically for the unikernel' }],
});

describe('ukport check', () => {
  test('policy allows → exit 0', async () => {
    const r = await check(kvserverReport(), ['--policy', allowing, 'app']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('ukport check: passed: 0 failing (fail-on error), 3 below threshold, 4 allowed by policy\n');
  });
  test('without the policy the errors fail → exit 1, one line per violation', async () => {
    const r = await check(kvserverReport(), ['app']);
    expect(r.code).toBe(1);
    expect(r.out.split('\n').filter((l) => l.startsWith('FAIL '))).toHaveLength(2);
    expect(r.out).toMatch(/^FAIL error dlopen-plugins function:dlopen: .*\nFAIL error uncovered-syscall syscall:clone3: .*\nukport check: FAILED: 2 failing/);
  });
  test('baseline: old problems pass, a new unsupported syscall fails with one line', async () => {
    const baseline = join(dir, 'baseline.json');
    const w = await check(kvserverReport(), ['--write-baseline', baseline, 'app']);
    expect(w.code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).problems).toHaveLength(7);
    expect((await check(kvserverReport(), ['--baseline', baseline, '--fail-on', 'note', 'app'])).code).toBe(0);
    const r = await check(withNewSyscall(kvserverReport(), 'pidfd_open'), ['--baseline', baseline, 'app']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('FAIL error uncovered-syscall syscall:pidfd_open: syscall pidfd_open is missing-required: no library of 0.18.0 provides it (fixtures/example/kvserver.c:44)\n'
      + 'ukport check: FAILED: 1 failing (fail-on error), 7 in baseline\n');
  });
  test('--format sarif: the report on stdout, the gate on stderr; output is deterministic', async () => {
    const a = await check(kvserverReport(), ['--format', 'sarif', 'app']);
    const b = await check(kvserverReport(), ['--format', 'sarif', 'app']);
    expect(a.code).toBe(1);
    expect(JSON.parse(a.out).version).toBe('2.1.0');
    expect(a.err).toMatch(/^FAIL error dlopen-plugins/);
    expect([b.out, b.err]).toEqual([a.out, a.err]);
  });
  test('on a real scan of the example app the gate runs end to end', async () => {
    const app = join(buildFixtures('example'), 'kvserver');
    const io = capture();
    const policy = file('real.json', { target: { release: '0.17.0', arch: 'x86_64' } });
    const code = await main(['check', '--fail-on', 'error', '--policy', policy, app], io);
    expect(io.err).toBe('');
    expect(io.out).toMatch(/^(FAIL .*\n)*ukport check: (passed|FAILED): /);
    expect(code).toBe(io.out.includes('FAIL ') ? 1 : 0);
    // the target came through to the planner: no target-release problem
    expect(io.out).not.toContain('target-release');
  });
});

describe('ukport check: usage and input errors → exit 2', () => {
  const bad: [string, unknown, string][] = [
    ['missing reason', { ignore: [{ rule: 'dlopen-plugins' }] }, "$.ignore[0]: missing required property 'reason'"],
    ['wrong type', { allow: { stub: 'clone3' } }, '$.allow.stub: expected array, got "clone3"'],
    ['unknown property', { allow: { stubs: ['clone3'] } }, "$.allow: unexpected property 'stubs'"],
    ['bad enum', { target: { arch: 'arm64' } }, '$.target.arch: expected one of "x86_64", "aarch64", got "arm64"'],
    ['misspelt syscall', { allow: { fake: ['mlock', 'madvice'] } }, '$.allow.fake[1]: expected a Linux syscall name, got "madvice"'],
    ['not JSON', '{ "allow": ', '$: expected JSON'],
  ];
  test.each(bad)('malformed policy (%s): one line with file, JSON path, expectation', async (name, content, expected) => {
    const path = file(`${name.replace(/ /g, '-')}.json`, content);
    const io = capture();
    const code = await main(['check', '--policy', path, '/nonexistent-not-scanned'], io);
    expect(code).toBe(2);
    expect(io.out).toBe('');
    expect(io.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(io.err.startsWith(`ukport: ${path}: invalid policy: ${expected}`)).toBe(true);
  });
  test('bad --fail-on, missing policy file, bad baseline', async () => {
    for (const args of [['--fail-on', 'fatal', 'x'], ['--policy', join(dir, 'nope.json'), 'x'], ['--baseline', file('b.json', { problems: 3 }), 'x']]) {
      const io = capture();
      expect(await main(['check', ...args], io)).toBe(2);
      expect(io.err).toMatch(/^ukport: .+\n$/);
    }
  });
});

describe('ukport check in GitHub Actions', () => {
  test('markdown evidence links point at the checked-out commit', async () => {
    const { githubLinkBase } = await import('../../src/cli/emit-context.js');
    expect(githubLinkBase({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'abc' })).toBe('https://github.com/o/r/blob/abc/');
    expect(githubLinkBase({})).toBeUndefined();
  });
  test('--format sarif marks what the policy allowed as suppressed', async () => {
    const r = await check(kvserverReport(), ['--format', 'sarif', '--policy', allowing, 'app']);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.out).runs[0].results as { ruleId: string; properties: { subject: string }; suppressions?: { justification: string }[] }[];
    expect(results.filter((x) => x.suppressions).map((x) => x.properties.subject)).toEqual(['function:dlopen', 'syscall:clone3', 'syscall:sendfile', 'syscall:rseq']);
  });
});

describe('ukport check --verbose', () => {
  test('lists what did not fail too, marked by why', async () => {
    const r = await check(kvserverReport(), ['--verbose', '--policy', allowing, 'app']);
    expect(r.code).toBe(0);
    const marks = r.out.trimEnd().split('\n').map((l) => l.split(' ')[0]);
    expect(marks).toEqual(['below', 'below', 'below', 'allowed', 'allowed', 'allowed', 'allowed', 'ukport']);
    expect(r.out).toContain('allowed error uncovered-syscall syscall:clone3: ');
    expect(r.out).toContain('[policy allows stubbing clone3]');
  });
});

describe('ukport check --write-baseline errors', () => {
  test('an unwritable baseline path is an input error, not an internal error', async () => {
    const path = join(dir, 'missing-dir', 'b.json');
    await expect(check(kvserverReport(), ['--write-baseline', path, 'app'])).rejects.toMatchObject({ code: 'not-found', path, detail: 'cannot write the baseline (ENOENT)' });
  });
});
