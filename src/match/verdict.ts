import type { BinaryInfo, Fact, Finding, Mode, NeedStatus, Plan, Severity, UnknownFact, Verdict, Verification, VerdictItem, VerdictResult } from '../model/index.js';
import { VERDICTS, VERDICT_SEVERITY } from '../model/index.js';
import { judgeSyscall, STATUS_EFFECT, type JudgeTarget } from './judge.js';
import { isOffLinux, subjectOf, syscallNames } from './subjects.js';
import { describeRun, measuredReason, measuredRunOf } from './measured-runs.js';

/** What one app is judged on: its facts, the rule findings, the plan (when planned) and the release. */
export interface JudgeInput {
  facts: readonly Fact[];
  findings: readonly Finding[];
  plan?: Plan;
  /** The release, mode and architecture (absent without coverage tables). */
  target?: JudgeTarget;
  mode: Mode;
  /** The program judged (one ELF): a program measured on Unikraft is judged with that run (measured-runs.ts). */
  program?: Pick<BinaryInfo, 'path' | 'needed'>;
}

/** The verdict and the one severity of every subject (need or rule subject) it rests on. */
export interface Judgement {
  verdict: VerdictResult;
  /** Subject → its severity, the same in every format. */
  severityOf: Map<string, Severity>;
}

/**
 * The verdict with what `ukport verify` saw: a port that built, booted and answered its probe (or printed the
 * expected output) is `verified running on vX with probe P`. The predicted verdict stays: the run shows the app
 * started and answered, not that every path it may take is served.
 */
export function withVerification(v: VerdictResult, verification: Verification | undefined): VerdictResult {
  if (verification?.outcome !== 'verified') return v;
  return { ...v, verified: verification.summary };
}

const rank = (v: Verdict) => VERDICTS.indexOf(v);
const worse = (a: Verdict, b: Verdict): Verdict => (rank(a) >= rank(b) ? a : b);

/** What a rule finding does to the verdict: error blocks, warning needs work, a note is a gap when the rule says so, else information. */
export function findingEffect(severity: Severity, gap: boolean): Verdict {
  return severity === 'error' ? 'blocked' : severity === 'warning' ? 'needs-work' : gap ? 'runs-with-gaps' : 'ready';
}

/**
 * An unresolved fact needs a person to check it, unless it sits in the loader's or libc's start-up code that every
 * dynamic glibc program runs (app-elfloader runs such programs: unikraft/catalog's base runtime).
 */
export function unknownEffect(f: UnknownFact): Verdict {
  return f.reason === 'indirect-syscall' && f.message.endsWith('(start-up code)') ? 'runs-with-gaps' : 'needs-work';
}

interface Entry { effect: Verdict; status?: NeedStatus; reasons: string[]; rules: Set<string> }

/** Decides the app's verdict and each subject's severity from needs, plan, unknowns and findings (see docs/verdicts.md). */
export function judgeApp(input: JudgeInput, gapRules: ReadonlySet<string> = new Set()): Judgement {
  const entries = new Map<string, Entry>();
  const at = (subject: string): Entry => {
    let e = entries.get(subject);
    if (!e) { e = { effect: 'ready', reasons: [], rules: new Set() }; entries.set(subject, e); }
    return e;
  };
  const need = (subject: string, status: NeedStatus, reason: string, effect: Verdict = STATUS_EFFECT[status]) => {
    const e = at(subject);
    e.status ??= status;
    e.effect = worse(e.effect, effect);
    if (reason) e.reasons.push(reason);
  };
  const facts = input.facts.filter((f) => !isOffLinux(f));
  const syscalls = syscallNames(facts);
  if (input.plan) {
    for (const u of input.plan.uncovered) if (u.status !== 'covered') need(`${u.kind}:${u.name}`, u.status, u.reason);
  } else if (!input.target) {
    need('coverage:tables', 'unknown', 'no plan and no coverage tables: nothing is known to be covered');
  } else {
    for (const f of facts) {
      // native builds replace glibc's loader and start-up by Unikraft's boot (plan/needs.ts)
      if (f.kind !== 'syscall' || (input.mode === 'native' && f.class === 'startup')) continue;
      const v = judgeSyscall(input.target, f.name);
      if (v.status !== 'covered') need(`syscall:${f.name}`, v.status, v.reason);
    }
  }
  for (const f of facts) if (f.kind === 'unknown') need(subjectOf(f, syscalls), 'unknown', f.message, unknownEffect(f));
  for (const finding of input.findings) {
    const subjects = new Set(finding.facts.map((f) => subjectOf(f, syscalls)));
    if (subjects.size === 0) subjects.add(`rule:${finding.ruleId}`);
    const effect = findingEffect(finding.severity, gapRules.has(finding.ruleId));
    for (const s of subjects) {
      const e = at(s);
      e.rules.add(finding.ruleId);
      if (rank(effect) > rank(e.effect) || e.reasons.length === 0) e.reasons.unshift(finding.message);
      e.effect = worse(e.effect, effect);
    }
  }
  // a measured run of this program proves it boots and serves without what the run did not reach: gaps of its
  // configuration (never a blocker: the rules that block name features no configuration turns off)
  const run = measuredRunOf(input.program, input.mode, input.target?.table.release);
  if (run) {
    for (const e of entries.values()) {
      if (e.effect !== 'needs-work') continue;
      e.effect = 'runs-with-gaps';
      e.reasons.push(measuredReason(run));
    }
  }
  const severityOf = new Map<string, Severity>();
  const items: VerdictItem[] = [];
  let verdict: Verdict = 'ready';
  for (const [subject, e] of entries) {
    severityOf.set(subject, VERDICT_SEVERITY[e.effect]);
    if (e.effect === 'ready') continue;
    verdict = worse(verdict, e.effect);
    const reason = run && e.reasons.length > 1 && e.reasons.at(-1) === measuredReason(run) ? `${e.reasons[0]}; ${e.reasons.at(-1)}` : e.reasons[0] ?? '';
    items.push({ subject, effect: e.effect, ...(e.status ? { status: e.status } : {}), reason, ...(e.rules.size ? { rules: [...e.rules].sort() } : {}) });
  }
  items.sort((a, b) => rank(b.effect) - rank(a.effect) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  return { verdict: { verdict, ...(input.target ? { release: input.target.table.release } : {}), mode: input.mode, items, ...(run ? { measuredRun: describeRun(run) } : {}) }, severityOf };
}

/** Gives each plan entry and finding the one severity of its subject (a finding on several subjects: the worst). */
export function applySeverities(plan: Plan | undefined, findings: Finding[], facts: readonly Fact[], severityOf: ReadonlyMap<string, Severity>): void {
  const order: Severity[] = ['note', 'warning', 'error'];
  for (const u of plan?.uncovered ?? []) {
    const s = severityOf.get(`${u.kind}:${u.name}`);
    if (s && u.status !== 'covered') u.severity = s;
  }
  const syscalls = syscallNames(facts);
  for (const f of findings) {
    let worst: Severity | undefined;
    for (const fact of f.facts) {
      const s = severityOf.get(subjectOf(fact, syscalls));
      if (s && (!worst || order.indexOf(s) > order.indexOf(worst))) worst = s;
    }
    if (worst) f.severity = worst;
  }
}
