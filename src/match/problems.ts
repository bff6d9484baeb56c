import type { Evidence, Fact, NeedStatus, Remedy, Report, Severity, UncoveredNeed } from '../model/index.js';
import { SEVERITIES } from '../model/index.js';
import { needKey } from './need-status.js';

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

function factSubject(f: Fact): string {
  const key = needKey(f);
  if (key) return key;
  switch (f.kind) {
    case 'symbol': return `export:${f.name}`;
    case 'string': return `string:${f.value}`;
    case 'module': return `module:${f.language}:${f.name}`;
    case 'package': return `package:${f.ecosystem}:${f.name}`;
    case 'unknown': return `${f.reason}:${stableAnchor(f.evidence[0]) || f.message}`;
    default: return 'fact';
  }
}

/** Where evidence is, without code addresses (they move on every rebuild). */
export function evidenceAnchor(e: Evidence | undefined): string {
  if (!e) return '';
  if (e.location) return `${e.location.file}:${e.location.line}`;
  // `sub_<address>` names an unnamed function by its address: as unstable as the address itself
  const fn = e.function && !/^sub_[0-9a-f]+$/i.test(e.function) ? e.function : undefined;
  return [e.artifact, fn ?? e.detail].filter(Boolean).join('@');
}

/** Like evidenceAnchor, but a source position counts by file and function so an edit above it keeps the id. */
function stableAnchor(e: Evidence | undefined): string {
  const fn = e?.location?.function ?? e?.function;
  return e?.location && fn ? `${e.location.file}@${fn}` : evidenceAnchor(e);
}

const MAX_MERGED_EVIDENCE = 50;

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Sorts problems most severe first, then by id: the deterministic order of every format and the gate. */
export function sortProblems(ps: Problem[]): Problem[] {
  return ps.sort((a, b) => rank(a.severity) - rank(b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function uncoveredProblem(u: UncoveredNeed, byKey: Map<string, Fact>): Problem {
  const key = `${u.kind}:${u.name}`;
  return {
    id: `uncovered-${u.kind}|${key}`, ruleId: `uncovered-${u.kind}`, severity: u.severity, subject: key, source: 'uncovered',
    message: `${u.kind} ${u.name} is ${u.status}: ${u.reason}`, evidence: byKey.get(key)?.evidence ?? [], status: u.status,
  };
}

/** Every problem of a report, deduplicated by id and sorted. */
export function collectProblems(report: Report): Problem[] {
  const out = new Map<string, Problem>();
  // the same problem seen at several sites (e.g. unnamed functions of one library) is one problem with all the evidence
  const add = (p: Problem) => {
    const seen = out.get(p.id);
    if (!seen) out.set(p.id, p);
    else if (seen.evidence.length < MAX_MERGED_EVIDENCE) seen.evidence = [...seen.evidence, ...p.evidence].slice(0, MAX_MERGED_EVIDENCE);
  };
  for (const f of report.findings) {
    const subject = [...new Set(f.facts.map(factSubject))].sort().join(',') || 'report';
    add({ id: `${f.ruleId}|${subject}`, ruleId: f.ruleId, severity: f.severity, message: f.message, subject, source: 'finding', evidence: f.facts.flatMap((x) => x.evidence), remedy: f.remedy });
  }
  const byKey = new Map<string, Fact>();
  for (const f of report.facts) { const k = needKey(f); if (k && !byKey.has(k)) byKey.set(k, f); }
  for (const u of report.plan?.uncovered ?? []) if (u.status !== 'covered') add(uncoveredProblem(u, byKey));
  for (const f of report.facts) {
    if (f.kind !== 'unknown') continue;
    const subject = factSubject(f);
    add({ id: `unknown-${f.reason}|${subject}`, ruleId: `unknown-${f.reason}`, severity: 'warning', message: f.message, subject, source: 'unknown', evidence: f.evidence, status: 'unknown' });
  }
  return sortProblems([...out.values()]);
}
