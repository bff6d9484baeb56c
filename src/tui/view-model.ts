import type { Evidence, Finding, NeedStatus, Report } from '../model/index.js';
import { NEED_LISTS, needItems, needKey, type NeedItem, type NeedList } from '../match/need-status.js';

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

/** One rendered row of a list: a status group heading or an item. */
export type Row = { type: 'group'; status: NeedStatus; count: number } | { type: 'item'; item: NeedItem; index: number };

/** Titles of the lists, in tab order. */
export const LIST_TITLES: Record<NeedList, string> = { syscalls: 'Syscalls', symbols: 'Functions', headers: 'Headers', libraries: 'Libraries', unknowns: 'Unresolved' };

/** Lists of the report in tab order. */
export function reportLists(report: Report): Record<NeedList, NeedItem[]> {
  return needItems(report);
}

/** Items matching the filter (case-insensitive substring of name or status). */
export function filterItems(items: readonly NeedItem[], filter: string): NeedItem[] {
  const f = filter.trim().toLowerCase();
  if (!f) return items as NeedItem[];
  return items.filter((i) => i.name.toLowerCase().includes(f) || i.status === f);
}

/** Items with a heading row before each status group (items are already sorted by status). */
export function rowsOf(items: readonly NeedItem[]): Row[] {
  const rows: Row[] = [];
  const counts = new Map<NeedStatus, number>();
  for (const i of items) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  let last: NeedStatus | undefined;
  items.forEach((item, index) => {
    if (item.status !== last) { rows.push({ type: 'group', status: item.status, count: counts.get(item.status)! }); last = item.status; }
    rows.push({ type: 'item', item, index });
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
  items: NeedItem[];
  rows: Row[];
  rowOf: number[];
}

const listings = new WeakMap<readonly NeedItem[], Map<string, Listing>>();

/** The filtered rows of a list, memoised per list and filter so a key press costs the visible window, not the list. */
export function listingOf(all: readonly NeedItem[], filter: string): Listing {
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

export { NEED_LISTS };
