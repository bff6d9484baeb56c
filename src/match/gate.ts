import type { Report, Severity } from '../model/index.js';
import { SEVERITIES } from '../model/index.js';
import type { Policy } from '../data/policy.js';
import { collectProblems, evidenceAnchor, sortProblems, type Problem } from './problems.js';

/** What `ukport check --write-baseline` stores: the problems accepted when the gate was adopted. */
export interface Baseline {
  ukportBaseline: 1;
  problems: { id: string; ruleId: string; severity: Severity; message: string }[];
}

/** A problem the policy accepts, with the reason. */
export interface AllowedProblem {
  problem: Problem;
  reason: string;
}

/** Outcome of the gate; every list is in the deterministic problem order. */
export interface GateResult {
  ok: boolean;
  failOn: Severity;
  /** New problems at or above failOn: each one fails the gate. */
  failing: Problem[];
  /** New problems below failOn. */
  below: Problem[];
  baselined: Problem[];
  allowed: AllowedProblem[];
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Rule ids of the problems the gate itself adds when the report does not match the policy's target. */
export const TARGET_RULE_IDS = ['target-arch', 'target-release'] as const;

function targetProblems(report: Report, policy: Policy): Problem[] {
  const out: Problem[] = [];
  const arch = policy.target?.arch;
  for (const b of report.binaries) {
    if (arch && b.machine !== arch) {
      out.push({ id: `target-arch|${b.path}`, ruleId: 'target-arch', severity: 'error', subject: `binary:${b.path}`, source: 'finding',
        message: `${b.path} is built for ${b.machine}, the policy targets ${arch}`, evidence: [{ artifact: b.path, extractor: 'elf.header' }] });
    }
  }
  const release = policy.target?.release?.replace(/^v/, '');
  if (release && report.plan && report.plan.release.replace(/^v/, '') !== release) {
    out.push({ id: `target-release|${release}`, ruleId: 'target-release', severity: 'error', subject: `release:${release}`, source: 'finding',
      message: `the plan is for Unikraft ${report.plan.release}, the policy targets ${release}`, evidence: [] });
  }
  return out;
}

function allowedBy(p: Problem, policy: Policy): string | undefined {
  // a problem several rules speak about is ignored only when the policy ignores all of them
  const rules = p.ruleIds ?? [p.ruleId];
  const ignored = rules.map((r) => policy.ignore?.find((i) => i.rule === r));
  if (ignored.every(Boolean)) return `rule${rules.length > 1 ? 's' : ''} ignored by policy: ${[...new Set(ignored.map((i) => i!.reason))].join('; ')}`;
  const subjects = p.subject.split(',');
  if (!subjects.every((s) => s.startsWith('syscall:'))) return undefined;
  const names = subjects.map((s) => s.slice('syscall:'.length));
  const stub = new Set(policy.allow?.stub ?? []);
  const fake = new Set(policy.allow?.fake ?? []);
  if (names.every((n) => stub.has(n) || fake.has(n))) return `policy allows ${names.map((n) => `${stub.has(n) ? 'stubbing' : 'faking'} ${n}`).join(', ')}`;
  return undefined;
}

/** Applies policy, baseline and threshold to a report's problems. Pure: same inputs, same result and order. */
export function evaluateGate(report: Report, policy: Policy, options: { failOn: Severity; baseline?: Baseline }): GateResult {
  const unknownSeverity = policy.unknowns?.severity;
  const problems = sortProblems([...collectProblems(report), ...targetProblems(report, policy)]
    .map((p) => (p.source === 'unknown' && unknownSeverity ? { ...p, severity: unknownSeverity } : p)));
  const known = new Set(options.baseline?.problems.map((b) => b.id) ?? []);
  const result: GateResult = { ok: true, failOn: options.failOn, failing: [], below: [], baselined: [], allowed: [] };
  for (const p of problems) {
    const reason = allowedBy(p, policy);
    if (reason) result.allowed.push({ problem: p, reason });
    else if (known.has(p.id)) result.baselined.push(p);
    else if (rank(p.severity) <= rank(options.failOn)) result.failing.push(p);
    else result.below.push(p);
  }
  result.ok = result.failing.length === 0;
  return result;
}

/** The baseline that accepts every problem the gate did not allow by policy. */
export function makeBaseline(result: GateResult): Baseline {
  const all = sortProblems([...result.failing, ...result.below, ...result.baselined]);
  return { ukportBaseline: 1, problems: all.map((p) => ({ id: p.id, ruleId: p.ruleId, severity: p.severity, message: p.message })) };
}

/** One line per problem: `error ptrace-debugging+uncovered-syscall syscall:ptrace: <message> (where)`. */
export function formatViolation(p: Problem): string {
  const where = evidenceAnchor(p.evidence[0]);
  const rules = (p.ruleIds ?? [p.ruleId]).join('+');
  return `${p.severity} ${rules} ${p.subject}: ${p.message}${where ? ` (${where})` : ''}`.replace(/[\r\n]+/g, ' ');
}
