import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/tools.js';
import { emitMarkdown } from '../../src/emit/markdown.js';
import { emitSarif } from '../../src/emit/sarif.js';
import { kvserverReport, KV_RULE_DOCS, KV_SOURCE } from './kvserver-report.js';
import { codeScanningProblems, sarifValidator } from './sarif-schema.js';

// Goldens are reviewed by hand; when a format changes on purpose, update the file and review the diff.
const golden = (format: string, file: string) => readFileSync(join(ROOT, 'test', 'golden', format, file), 'utf8');
const ctx = { color: false, rules: KV_RULE_DOCS };

describe('kvserver fixture report', () => {
  test('every source position names its fact in fixtures/example/kvserver.c', () => {
    const lines = readFileSync(join(ROOT, KV_SOURCE), 'utf8').split('\n');
    for (const f of kvserverReport().facts) {
      const name = f.kind === 'string' ? `"${f.value}"` : f.kind === 'header' ? `<${f.name}>` : f.kind === 'syscall' || f.kind === 'symbol' ? f.name : f.kind === 'unknown' ? 'dlopen' : undefined;
      for (const e of f.evidence) {
        if (!e.location || !name) continue;
        const text = lines[e.location.line - 1]!;
        expect([e.location.line, text.indexOf(name, e.location.column - 1) + 1]).toEqual([e.location.line, f.kind === 'header' ? 10 : e.location.column]);
      }
    }
  });
});

describe('markdown', () => {
  test('matches the reviewed golden', () => {
    expect(emitMarkdown(kvserverReport(), ctx)).toBe(golden('markdown', 'kvserver.md'));
  });
  test('evidence becomes links when a link base is known', () => {
    const out = emitMarkdown(kvserverReport(), { ...ctx, linkBase: 'https://github.com/o/r/blob/abc/' });
    expect(out).toContain('[fixtures/example/kvserver.c:55](https://github.com/o/r/blob/abc/fixtures/example/kvserver.c#L55) in `load_plugin`');
  });
  test('table cells and list items escape markup', () => {
    const r = kvserverReport();
    r.findings[0]!.message = 'a | b *c* <script>';
    const line = emitMarkdown(r, ctx).split('\n').find((l) => l.includes('dlopen-plugins'))!;
    expect(line).toContain('a \\| b \\*c\\* \\<script\\>');
  });
});

describe('markdown of a big report', () => {
  test('stays under the 65,536 characters of an issue body; --verbose shows everything', () => {
    const r = kvserverReport();
    const ev = (i: number) => ({ artifact: 'app', extractor: 'c.call', location: { file: `src/file${i % 50}.c`, line: i + 1, column: 1, function: `f${i}` } });
    for (let i = 0; i < 3000; i++) {
      r.facts.push({ kind: 'syscall', name: `sys${i}`, nr: i, arch: 'x86_64', class: 'program', evidence: [ev(i), ev(i + 1), ev(i + 2)] });
      r.plan!.uncovered.push({ kind: 'syscall', name: `sys${i}`, status: 'missing-required', severity: i % 3 === 0 ? 'error' : 'warning', reason: 'no library of 0.18.0 provides it' });
    }
    const short = emitMarkdown(r, ctx);
    expect(short.length).toBeLessThanOrEqual(65_536);
    expect(short).toMatch(/^- … \d+ more \(use --verbose\)$/m);
    const full = emitMarkdown(r, { ...ctx, verbose: true });
    expect(full.match(/^- \*\*uncovered-syscall\*\* `syscall:sys\d+`/gm)).toHaveLength(3000);
  });
});

describe('sarif', () => {
  const validate = sarifValidator();
  test('matches the reviewed golden', () => {
    expect(emitSarif(kvserverReport(), ctx)).toBe(golden('sarif', 'kvserver.sarif'));
  });
  test('is valid SARIF 2.1.0 and meets code scanning rules', () => {
    const log = JSON.parse(emitSarif(kvserverReport(), ctx));
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(codeScanningProblems(log)).toEqual([]);
  });
  test('the schema check is not vacuous', () => {
    const badLevel = JSON.parse(emitSarif(kvserverReport(), ctx));
    badLevel.runs[0].results[0].level = 'fatal';
    expect(validate(badLevel)).toBe(false);
    const badLine = JSON.parse(emitSarif(kvserverReport(), ctx));
    badLine.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(badLine)).toBe(false);
  });
  test('one rule per rule id with help text; source evidence is physical, binary evidence logical', () => {
    const log = JSON.parse(emitSarif(kvserverReport(), ctx));
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['config-file-at-boot', 'dlopen-plugins', 'nondeterminism-getrandom', 'uncovered-syscall', 'unknown-dlopen']);
    for (const r of run.tool.driver.rules) expect(r.help.text.length).toBeGreaterThan(20);
    const clone3 = run.results.find((r: { properties: { subject: string } }) => r.properties.subject === 'syscall:clone3');
    expect(clone3.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'fixtures/build/example/kvserver' }, address: { absoluteAddress: 0x4022f0, fullyQualifiedName: '__clone3' } });
    expect(clone3.locations[0].logicalLocations[0]).toMatchObject({ name: '__clone3', kind: 'function' });
    const sendfile = run.results.find((r: { properties: { subject: string } }) => r.properties.subject === 'syscall:sendfile');
    expect(sendfile.locations[0].physicalLocation.region).toEqual({ startLine: 46, startColumn: 53 });
  });
  test('fingerprints survive rebuilds (new addresses, reordered facts) and differ between problems', () => {
    const a = JSON.parse(emitSarif(kvserverReport(), ctx)).runs[0].results;
    const moved = kvserverReport();
    moved.facts.reverse();
    for (const f of moved.facts) for (const e of f.evidence) if (e.address) e.address = '0x' + (Number.parseInt(e.address, 16) + 0x40).toString(16);
    const b = JSON.parse(emitSarif(moved, ctx)).runs[0].results;
    const fp = (rs: { partialFingerprints: Record<string, string> }[]) => rs.map((r) => r.partialFingerprints['ukportProblem/v1']);
    expect(fp(b)).toEqual(fp(a));
    expect(new Set(fp(a)).size).toBe(a.length);
  });
  test('an empty report has no results and is valid', () => {
    const r = kvserverReport();
    r.findings = []; r.facts = []; r.plan = undefined;
    const log = JSON.parse(emitSarif(r, { color: false }));
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
  });
  test('absolute paths become file URIs', () => {
    const r = kvserverReport();
    r.findings = []; r.plan = undefined;
    r.facts = [{ kind: 'unknown', reason: 'bad-file', message: 'truncated ELF', evidence: [{ artifact: '/usr/lib/my lib.so', extractor: 'inputs.walk' }] }];
    const log = JSON.parse(emitSarif(r, { color: false }));
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    // outside the repository: code scanning needs an in-repository primary location, so the app's binary is primary
    const res = log.runs[0].results[0];
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('fixtures/build/example/kvserver');
    expect(res.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('file:///usr/lib/my%20lib.so');
    r.inputs = [];
    const alone = JSON.parse(emitSarif(r, { color: false })).runs[0].results[0];
    expect(alone.locations[0].physicalLocation.artifactLocation.uri).toBe('file:///usr/lib/my%20lib.so');
    expect(alone.relatedLocations).toBeUndefined();
  });
});

describe('sarif paths and suppressions', () => {
  const validate = sarifValidator();
  test('absolute paths under the root become repository-relative', () => {
    const r = kvserverReport();
    r.findings = []; r.plan = undefined;
    r.facts = [{ kind: 'unknown', reason: 'dlopen', message: 'dlopen', evidence: [{ artifact: '/repo/app/x.c', extractor: 'c.dlopen', location: { file: '/repo/app/x.c', line: 3, column: 5 } }] }];
    const log = JSON.parse(emitSarif(r, { color: false, root: '/repo/' }));
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('app/x.c');
  });
  test('problems the gate accepted carry a SARIF suppression with the justification', () => {
    const suppressions = new Map([['function:dlopen', 'rule ignored by policy: linked statically']]);
    const log = JSON.parse(emitSarif(kvserverReport(), { ...ctx, suppressions }));
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    const suppressed = log.runs[0].results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
    expect(suppressed.map((x: { ruleId: string; suppressions: unknown[] }) => [x.ruleId, x.suppressions])).toEqual([
      ['dlopen-plugins', [{ kind: 'external', status: 'accepted', justification: 'rule ignored by policy: linked statically' }]],
    ]);
  });
});
