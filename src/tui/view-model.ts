import type { Evidence, Finding, Report } from '../model/index.js';
import { NEED_LISTS, needItems, needKey, type NeedItem } from '../match/need-status.js';
import { collectProblems, type Problem } from '../match/problems.js';
import { SEVERITY_COLOR, STATUS_COLOR } from './theme.js';

/** A few lines of source around an evidence position, read by the CLI (the TUI does no I/O). */
export interface SourceSnippet {
  /** Line number of `lines[0]`. */
  startLine: number;
  lines: string[];
}

/** Snippets keyed by `file:line`. */
export type SourceSnippets = ReadonlyMap<string, SourceSnippet>;

/** Key of the snippet for an evidence position. */
export const snippetKey = (file: string, line: number) => `${file}:${line}`;

/** The tabs of the view: the need lists, then the problems (findings, uncovered needs, unresolved facts). */
export const TABS = [...NEED_LISTS, 'findings'] as const;
/** One of TABS. */
export type Tab = (typeof TABS)[number];

/** Titles of the tabs, in order. */
export const TAB_TITLES: Record<Tab, string> = { syscalls: 'Syscalls', symbols: 'Functions', headers: 'Headers', libraries: 'Libraries', unknowns: 'Unresolved', findings: 'Findings' };

/** One line of a list: a need (grouped by status) or a problem (grouped by severity). */
export interface Entry {
  name: string;
  group: string;
  color: string;
  need?: NeedItem;
  problem?: Problem;
}

/** One rendered row of a list: a group heading or an entry. */
export type Row = { type: 'group'; label: string; color: string; count: number } | { type: 'item'; entry: Entry; index: number };

/** Every tab's entries, blocking ones first. */
export function reportLists(report: Report): Record<Tab, Entry[]> {
  const needs = needItems(report);
  const out = {} as Record<Tab, Entry[]>;
  for (const l of NEED_LISTS) out[l] = needs[l].map((need) => ({ name: need.name, group: need.status, color: STATUS_COLOR[need.status], need }));
  out.findings = collectProblems(report).map((problem) => ({ name: `${problem.ruleId}  ${problem.subject}`, group: problem.severity, color: SEVERITY_COLOR[problem.severity], problem }));
  return out;
}

/** Entries matching the filter (case-insensitive substring of the name, or the exact group: `stubbable`, `error`). */
export function filterItems(items: readonly Entry[], filter: string): Entry[] {
  const f = filter.trim().toLowerCase();
  if (!f) return items as Entry[];
  return items.filter((i) => i.name.toLowerCase().includes(f) || i.group === f);
}

/** Entries with a heading row before each group (entries are already sorted by group). */
export function rowsOf(items: readonly Entry[]): Row[] {
  const rows: Row[] = [];
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.group, (counts.get(i.group) ?? 0) + 1);
  let last: string | undefined;
  items.forEach((entry, index) => {
    if (entry.group !== last) { rows.push({ type: 'group', label: entry.group, color: entry.color, count: counts.get(entry.group)! }); last = entry.group; }
    rows.push({ type: 'item', entry, index });
  });
  return rows;
}

/** First row to show so the selected item stays visible in a window of `height` rows (only these are rendered). */
export function scrollTop(rows: readonly Row[], selected: number, height: number, previousTop: number, rowOf?: readonly number[]): number {
  if (rows.length <= height) return 0;
  let at = rowOf ? (rowOf[selected] ?? -1) : rows.findIndex((r) => r.type === 'item' && r.index === selected);
  if (at < 0) at = 0;
  // keep the group heading of the first item in view when possible
  const want = at > 0 && rows[at - 1]!.type === 'group' ? at - 1 : at;
  let top = Math.min(previousTop, want);
  if (at >= top + height) top = at - height + 1;
  return Math.max(0, Math.min(top, rows.length - height));
}

/** Findings that name this item's fact. */
export function findingsFor(item: NeedItem, findings: readonly Finding[]): Finding[] {
  if (item.list === 'unknowns') return findings.filter((f) => f.facts.some((x) => item.facts.includes(x)));
  return findings.filter((f) => f.facts.some((x) => needKey(x) === item.key));
}

/** Evidence of an item, source positions first. */
export function evidenceOf(item: NeedItem): Evidence[] {
  return item.facts.flatMap((f) => f.evidence).sort((a, b) => Number(!a.location) - Number(!b.location));
}

/** A filtered list with its rows and the row of each item. */
export interface Listing {
  items: Entry[];
  rows: Row[];
  rowOf: number[];
}

const listings = new WeakMap<readonly Entry[], Map<string, Listing>>();

/** The filtered rows of a list, memoised per list and filter so a key press costs the visible window, not the list. */
export function listingOf(all: readonly Entry[], filter: string): Listing {
  let byFilter = listings.get(all);
  if (!byFilter) { byFilter = new Map(); listings.set(all, byFilter); }
  let hit = byFilter.get(filter);
  if (!hit) {
    const items = filterItems(all, filter);
    const rows = rowsOf(items);
    const rowOf: number[] = new Array(items.length);
    rows.forEach((r, i) => { if (r.type === 'item') rowOf[r.index] = i; });
    hit = { items, rows, rowOf };
    if (byFilter.size > 32) byFilter.clear();
    byFilter.set(filter, hit);
  }
  return hit;
}

