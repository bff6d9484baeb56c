import type { Evidence, Fact, NeedStatus, Remedy, Report, Severity, UncoveredNeed } from '../model/index.js';
import { SEVERITIES } from '../model/index.js';
import { needKey, subjectOf, syscallNames } from './subjects.js';
import { unknownEffect } from './verdict.js';
import { VERDICT_SEVERITY } from '../model/index.js';

/** What a report format or the gate needs to know about a rule: its help text. */
export interface RuleDoc {
  id: string;
  severity?: Severity;
  summary: string;
  why: string;
  /** Remedy in words, when the rule has one that is not tied to a finding. */
  remedyText?: string;
}

/** One problem in a report: a rule finding, a need the plan cannot serve, or something not resolved. */
export interface Problem {
  /** Stable identity across runs (rule + subject, never addresses): used by baselines and SARIF fingerprints. */
  id: string;
  ruleId: string;
  severity: Severity;
  message: string;
  /** What it is about: `syscall:fork`, `function:qsort_r`, `dlopen:app@main`. */
  subject: string;
  source: 'finding' | 'uncovered' | 'unknown';
  evidence: Evidence[];
  remedy?: Remedy;
  status?: NeedStatus;
  /** Every rule that spoke about the subject, when more than one (ruleId is the most severe). */
  ruleIds?: string[];
  /** What the other rules said. */
  also?: { ruleId: string; message: string }[];
}

/** An unresolved fact's severity: the judge's (src/match/verdict.ts unknownEffect). */
function severityOfUnknown(f: Extract<Fact, { kind: 'unknown' }>): Severity {
  return VERDICT_SEVERITY[unknownEffect(f)];
}

/** Docs for problems that do not come from a rule file: the plan's uncovered needs and unresolved facts. */
export const BUILTIN_RULE_DOCS: Record<string, RuleDoc> = {
  'uncovered-syscall': {
    id: 'uncovered-syscall', summary: 'Syscall not provided by the target Unikraft release',
    why: 'Unikraft serves Linux syscalls through the syscall shim; a syscall no micro-library of the release registers (UK_PROVIDED_SYSCALLS) returns ENOSYS or is missing at link time.',
    remedyText: 'Enable the micro-library that provides it in a newer release, stub or fake it in a compat micro-library, or change the application.',
  },
  'uncovered-function': {
    id: 'uncovered-function', summary: 'libc function missing in the chosen libc port',
    why: 'A native build links against Unikraft\'s musl or newlib port; a function the port lacks is an undefined reference.',
    remedyText: 'Choose the other libc, provide the function in the application, or avoid it.',
  },
  'uncovered-header': {
    id: 'uncovered-header', summary: 'Header missing in the chosen libc port',
    why: 'A native build compiles against the libc port\'s headers; Linux-only headers are often absent from newlib.',
    remedyText: 'Choose musl, or guard the include for Unikraft.',
  },
  'uncovered-library': {
    id: 'uncovered-library', summary: 'Shared library without a matching Unikraft port',
    why: 'A Unikraft image is linked statically; every shared library the application needs must exist as a ported micro-library in a compatible version.',
    remedyText: 'Use a ported version of the library, port it, or drop the dependency.',
  },
  'uncovered-dynamic-linking': {
    id: 'uncovered-dynamic-linking', summary: 'Application relies on dynamic linking',
    why: 'A native Unikraft build is one static image; code loaded at run time (dlopen plugins) has to be linked in.',
    remedyText: 'Link plugins statically, or run the binary under app-elfloader (binary compatibility).',
  },
  'uncovered-unknown': {
    id: 'uncovered-unknown', summary: 'Need the plan could not classify',
    why: 'The planner found a need it has no coverage data for.',
  },
};

const UNKNOWN_DOC = (reason: string): RuleDoc => ({
  id: `unknown-${reason}`, severity: 'warning', summary: `Not resolved statically: ${reason}`,
  why: 'Static analysis could not resolve this (e.g. an indirect syscall number, dlopen, a non-constant syscall(n)); what it hides is not in the lists, so a person has to check it.',
  remedyText: 'Inspect the location; run the application under strace on Linux to see what it really does.',
});

/** The doc for a rule id: from the loaded rules, a built-in problem kind, or a placeholder naming `ukport explain`. */
export function ruleDocFor(ruleId: string, rules: ReadonlyMap<string, RuleDoc> | undefined): RuleDoc {
  const doc = rules?.get(ruleId) ?? BUILTIN_RULE_DOCS[ruleId];
  if (doc) return doc;
  if (ruleId.startsWith('unknown-')) return UNKNOWN_DOC(ruleId.slice('unknown-'.length));
  return { id: ruleId, summary: ruleId, why: `See \`ukport explain ${ruleId}\`.` };
}

export { evidenceAnchor } from './subjects.js';

const MAX_MERGED_EVIDENCE = 50;

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Sorts problems most severe first, then by id: the deterministic order of every format and the gate. */
export function sortProblems(ps: Problem[]): Problem[] {
  return ps.sort((a, b) => rank(a.severity) - rank(b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function uncoveredProblem(u: UncoveredNeed, byKey: Map<string, Fact>): Problem {
  const key = `${u.kind}:${u.name}`;
  return {
    id: key, ruleId: `uncovered-${u.kind}`, severity: u.severity, subject: key, source: 'uncovered',
    message: `${u.kind} ${u.name} is ${u.status}: ${u.reason}`, evidence: byKey.get(key)?.evidence ?? [], status: u.status,
  };
}

const SOURCE_ORDER = { finding: 0, uncovered: 1, unknown: 2 };

/** Folds contributions about one subject into one problem: the most severe speaks first, every rule and its evidence stay. */
function fold(parts: Problem[]): Problem {
  parts.sort((a, b) => rank(a.severity) - rank(b.severity) || SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  const [head, ...rest] = parts;
  const p: Problem = { ...head!, evidence: [...head!.evidence] };
  const rules = [...new Set(parts.map((x) => x.ruleId))];
  if (rules.length > 1) p.ruleIds = rules;
  const also = rest.filter((x) => x.message !== head!.message).map((x) => ({ ruleId: x.ruleId, message: x.message }));
  if (also.length) p.also = also;
  p.status ??= rest.find((x) => x.status)?.status;
  p.remedy ??= rest.find((x) => x.remedy)?.remedy;
  if (!p.status) delete p.status;
  if (!p.remedy) delete p.remedy;
  for (const x of rest) {
    for (const e of x.evidence) {
      if (p.evidence.length >= MAX_MERGED_EVIDENCE) break;
      if (!p.evidence.includes(e)) p.evidence.push(e);
    }
  }
  return p;
}

/**
 * Every problem of a report, one per subject, sorted: a syscall that a rule flags and the plan leaves uncovered, seen
 * in the program and in its libc, is one problem with every rule and all the evidence (its severity is the judge's).
 */
export function collectProblems(report: Report): Problem[] {
  const bySubject = new Map<string, Problem[]>();
  const add = (p: Problem) => {
    const list = bySubject.get(p.subject);
    if (list) list.push(p); else bySubject.set(p.subject, [p]);
  };
  const syscalls = syscallNames(report.facts);
  for (const f of report.findings) {
    const subject = [...new Set(f.facts.map((x) => subjectOf(x, syscalls)))].sort().join(',') || `rule:${f.ruleId}`;
    add({ id: subject, ruleId: f.ruleId, severity: f.severity, message: f.message, subject, source: 'finding', evidence: f.facts.flatMap((x) => x.evidence), remedy: f.remedy });
  }
  const byKey = new Map<string, Fact>();
  for (const f of report.facts) { const k = needKey(f); if (k && !byKey.has(k)) byKey.set(k, f); }
  for (const u of report.plan?.uncovered ?? []) if (u.status !== 'covered') add(uncoveredProblem(u, byKey));
  // the judge's effect for the subject, when it judged the report (a measured run may have lowered it)
  const effectOf = new Map((report.verdict?.items ?? []).map((i) => [i.subject, i.effect]));
  for (const f of report.facts) {
    if (f.kind !== 'unknown') continue;
    const subject = subjectOf(f, syscalls);
    const effect = effectOf.get(subject);
    add({ id: subject, ruleId: `unknown-${f.reason}`, severity: effect ? VERDICT_SEVERITY[effect] : severityOfUnknown(f), message: f.message, subject, source: 'unknown', evidence: f.evidence, status: 'unknown' });
  }
  return sortProblems([...bySubject.values()].map(fold));
}
