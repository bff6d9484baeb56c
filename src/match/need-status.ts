import type { Fact, NeedStatus, Plan, Report, UncoveredNeed, Verdict, VerdictResult } from '../model/index.js';
import { needKey } from './subjects.js';
import { judgeApp, withVerification } from './verdict.js';

export { needKey };
export type { Verdict };

/** Index of a plan's uncovered needs by `kind:name`. */
export function indexUncovered(plan: Plan | undefined): Map<string, UncoveredNeed> {
  return new Map((plan?.uncovered ?? []).map((u) => [`${u.kind}:${u.name}`, u]));
}

/**
 * The one place a need's status is derived. The planner's verdict (Plan.uncovered) wins; a need the plan
 * does not list is covered, except start-up syscalls which are grouped apart (loader/libc machinery, not
 * the program's own calls). Without a plan (no coverage tables) nothing is known to be covered.
 * Returns undefined for facts that are not needs (exports, strings, modules).
 */
export function needStatus(fact: Fact, plan: Plan | undefined, uncovered = indexUncovered(plan)): NeedStatus | undefined {
  if (fact.kind === 'unknown') return 'unknown';
  const key = needKey(fact);
  if (!key) return undefined;
  const u = uncovered.get(key);
  if (u && u.status !== 'covered') return u.status;
  if (fact.kind === 'syscall' && fact.class === 'startup') return 'startup';
  return plan ? 'covered' : 'unknown';
}

/** The app's verdict with its items: the judge's (set by the pipeline), else judged now from the report's needs and findings. */
export function verdictResultOf(report: Report): VerdictResult {
  const v = report.verdict ?? judgeApp({ facts: report.facts, findings: report.findings, plan: report.plan, mode: report.mode }).verdict;
  return withVerification(v, report.verification);
}

/** The app's verdict (see verdictResultOf). */
export function verdictOf(report: Report): Verdict {
  return verdictResultOf(report).verdict;
}

/** Human words for a verdict. */
export const VERDICT_LABELS: Record<Verdict, string> = { 'ready': 'ready', 'runs-with-gaps': 'runs with gaps', 'needs-work': 'needs work', 'blocked': 'blocked' };

/** The lists a report shows needs in. */
export const NEED_LISTS = ['syscalls', 'symbols', 'headers', 'libraries', 'unknowns'] as const;
/** One of NEED_LISTS. */
export type NeedList = (typeof NEED_LISTS)[number];

/** One need as shown in a list: the facts behind it merged by key. */
export interface NeedItem {
  key: string;
  list: NeedList;
  name: string;
  status: NeedStatus;
  facts: Fact[];
  uncovered?: UncoveredNeed;
}

const LIST_OF: Partial<Record<Fact['kind'], NeedList>> = { syscall: 'syscalls', symbol: 'symbols', header: 'headers', library: 'libraries', unknown: 'unknowns' };
/** Display order of statuses: what blocks first. */
export const STATUS_ORDER: readonly NeedStatus[] = ['missing-required', 'unknown', 'stubbable', 'fakeable', 'covered', 'startup'];

function itemName(f: Fact): string {
  switch (f.kind) {
    case 'syscall': case 'symbol': case 'header': return f.name;
    case 'library': return f.soname;
    case 'unknown': return `${f.reason}: ${f.message}`;
    default: return '';
  }
}

/** Every need of the report grouped into lists, each sorted by status (blocking first) then name. */
export function needItems(report: Report): Record<NeedList, NeedItem[]> {
  const uncovered = indexUncovered(report.plan);
  const byKey = new Map<string, NeedItem>();
  for (const [i, f] of report.facts.entries()) {
    const list = LIST_OF[f.kind];
    const status = needStatus(f, report.plan, uncovered);
    if (!list || !status) continue;
    const key = needKey(f) ?? `unknown:${i}`;
    const item = byKey.get(key);
    if (item) { item.facts.push(f); continue; }
    byKey.set(key, { key, list, name: itemName(f), status, facts: [f], uncovered: uncovered.get(key) });
  }
  const out = Object.fromEntries(NEED_LISTS.map((l) => [l, [] as NeedItem[]])) as Record<NeedList, NeedItem[]>;
  for (const item of byKey.values()) out[item.list].push(item);
  const so = (s: NeedStatus) => STATUS_ORDER.indexOf(s);
  for (const l of NEED_LISTS) out[l].sort((a, b) => so(a.status) - so(b.status) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Count of items per status in one list. */
export function countByStatus(items: readonly NeedItem[]): Record<NeedStatus, number> {
  const c = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<NeedStatus, number>;
  for (const i of items) c[i.status]++;
  return c;
}
