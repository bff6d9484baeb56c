import type { Fact, Report } from '../model/index.js';
import { describeNss, onlyThroughNss } from './nss.js';
import type { CompiledRule } from './compile.js';
import type { JudgeTarget } from './judge.js';
import { applySeverities, judgeApp } from './verdict.js';
import { sortFindings } from './match-findings.js';

/** Rules whose notes are gaps the app survives (`"gap": true`), not information. */
export function gapRuleIds(rules: readonly CompiledRule[]): Set<string> {
  return new Set(rules.filter((r) => r.rule.gap).map((r) => r.rule.id));
}

const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 };

/** A syscall need only an NSS module of the host's nsswitch.conf creates says so, naming the module and the line. */
function annotateNss(report: Report): void {
  if (!report.plan) return;
  const byName = new Map<string, Fact>();
  for (const f of report.facts) if (f.kind === 'syscall') byName.set(f.name, f);
  for (const u of report.plan.uncovered) {
    const fact = u.kind === 'syscall' ? byName.get(u.name) : undefined;
    const via = fact && onlyThroughNss(fact);
    if (via && !u.reason.includes('NSS module')) u.reason += `; needed only through ${describeNss(via)}: the image's nsswitch.conf decides (--nsswitch FILE)`;
  }
}

/** The pipeline's last step: the report's verdict, and one severity per need in the plan and the findings. */
export function judgeReport(report: Report, target: JudgeTarget | undefined, rules: readonly CompiledRule[]): void {
  annotateNss(report);
  const program = report.binaries.length === 1 ? report.binaries[0] : undefined;
  const { verdict, severityOf } = judgeApp({ facts: report.facts, findings: report.findings, plan: report.plan, target, mode: report.plan?.mode ?? report.mode, ...(program ? { program } : {}) }, gapRuleIds(rules));
  applySeverities(report.plan, report.findings, report.facts, severityOf);
  report.plan?.uncovered.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  report.findings = sortFindings(report.findings);
  report.verdict = verdict;
}
