import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report, Severity, Verdict } from '../../src/model/index.js';
import { VERDICT_SEVERITY } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { emitterFor } from '../../src/emit/registry.js';
import { collectProblems } from '../../src/match/problems.js';
import { subjectOf, syscallNames } from '../../src/match/subjects.js';
import { reportLists } from '../../src/tui/view-model.js';
import { VERDICT_LABELS } from '../../src/match/need-status.js';
import { buildFixtures, ensureBuilt, runCli } from '../helpers/tools.js';

// Issue #24: one need has one class and one severity in the plan, the findings, `check`, SARIF, markdown, the text
// report and the TUI, and that severity is the one the judge's verdict gives its subject.
const ORDER: Severity[] = ['note', 'warning', 'error'];
const worst = (ss: Severity[]) => ss.reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'note' as Severity);

describe('one need, one severity in every format', () => {
  let cache: string;
  beforeAll(() => { cache = mkdtempSync(join(tmpdir(), 'ukport-severity-')); });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const problemsOf = new Map<string, [string, Severity][]>();
  const hello = join(buildFixtures('catalog-programs'), 'hello.pie');
  const cases: [string, string, string][] = [[hello, 'v0.21.0', 'hello world'], [hello, 'v0.16.3', 'hello world'], [hello, 'v0.17.0', 'hello world']];
  if (existsSync('/usr/sbin/nginx')) cases.push(['/usr/sbin/nginx', 'v0.16.3', 'nginx'], ['/usr/sbin/nginx', 'v0.21.0', 'nginx']);

  test.each(cases)('%s at %s', async (path, release) => {
    const report: Report = await runPipeline({ paths: [path], mode: 'binary-compat', cacheDir: cache, plan: { release, mode: 'binary-compat' } });
    const v = report.verdict!;
    const effectOf = new Map<string, Verdict>(v.items.map((i) => [i.subject, i.effect]));
    const severityOf = (subject: string): Severity => VERDICT_SEVERITY[effectOf.get(subject) ?? 'ready'];
    // rt_sigreturn never blocks nor asks for work: the trampoline that calls it never runs on Unikraft
    const sigreturn = v.items.find((i) => i.subject === 'syscall:rt_sigreturn');
    if (sigreturn) expect([sigreturn.effect, sigreturn.status]).toEqual(['runs-with-gaps', 'stubbable']);

    // the plan's uncovered needs: the judge's severity and its status
    for (const u of report.plan!.uncovered) {
      const key = `${u.kind}:${u.name}`;
      expect([key, u.severity]).toEqual([key, severityOf(key)]);
      const item = v.items.find((i) => i.subject === key);
      if (item?.status) expect([key, u.status]).toEqual([key, item.status]);
    }
    // rule findings: the worst severity of the subjects they speak about
    const syscalls = syscallNames(report.facts);
    for (const f of report.findings) {
      const subjects = f.facts.map((x) => subjectOf(x, syscalls));
      if (subjects.length) expect([f.ruleId, subjects, f.severity]).toEqual([f.ruleId, subjects, worst(subjects.map(severityOf))]);
    }
    // problems (what check, SARIF, markdown and the TUI's findings list show): one per subject, the judge's severity
    const problems = collectProblems(report);
    for (const p of problems) expect([p.subject, p.severity]).toEqual([p.subject, worst(p.subject.split(',').map(severityOf))]);
    expect(new Set(problems.map((p) => p.subject)).size).toBe(problems.length);
    problemsOf.set(`${path}|${release}`, problems.map((p) => [p.subject, p.severity]));

    const sarif = JSON.parse(emitterFor('sarif')!(report, { color: false }));
    const levels = sarif.runs[0].results.map((r: { properties: { subject: string }; level: string }) => [r.properties.subject, r.level]);
    expect(levels).toEqual(problems.map((p) => [p.subject, p.severity]));
    expect(sarif.runs[0].properties.verdict).toBe(v.verdict);

    const count = (s: Severity) => problems.filter((p) => p.severity === s).length;
    const md = emitterFor('markdown')!(report, { color: false });
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    expect(md).toContain(`**Verdict: ${VERDICT_LABELS[v.verdict]}** — ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')}`);

    const text = emitterFor('text')!(report, { color: false });
    expect(text).toContain(`Verdict: ${VERDICT_LABELS[v.verdict]} on Unikraft ${release}`);

    const tui = reportLists(report);
    expect(tui.findings.map((e) => [e.problem!.subject, e.group])).toEqual(problems.map((p) => [p.subject, p.severity]));
    for (const e of tui.syscalls) {
      const item = v.items.find((i) => i.subject === `syscall:${e.name}`);
      if (item?.status) expect([e.name, e.group]).toEqual([e.name, item.status]);
    }
  }, 600_000);

  test.each(cases)('`ukport check --fail-on note` lists %s at %s with the same severities', (path, release) => {
    ensureBuilt();
    const r = runCli(['check', '--format', 'json', '--fail-on', 'note', '--unikraft', release, path], { XDG_CACHE_HOME: cache }, 300_000);
    const json = JSON.parse(r.stdout);
    const failing = json.gate.failing.map((p: { subject: string; severity: string }) => [p.subject, p.severity]);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing).toEqual(problemsOf.get(`${path}|${release}`));
    // without --fail-on the gate fails only on errors: none for a hello world or the measured nginx
    expect(failing.filter(([, s]: [string, string]) => s === 'error')).toEqual([]);
  }, 600_000);
});
