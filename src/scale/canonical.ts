import type { Evidence, Report } from '../model/index.js';
import { mergeFacts } from '../extract/merge-facts.js';
import { evidenceDto } from '../emit/json.js';

const keys = new WeakMap<Evidence, string>();
const keyOf = (e: Evidence): string => {
  let k = keys.get(e);
  if (k === undefined) { k = JSON.stringify(evidenceDto(e)); keys.set(e, k); }
  return k;
};
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Evidence ordered as the JSON report writes it: the same order before and after a report is read back. */
export function canonicalEvidenceOrder(a: Evidence, b: Evidence): number {
  return byText(keyOf(a), keyOf(b));
}

/**
 * The form of a many-binary report that does not depend on how the binaries were scheduled or split: inputs,
 * binaries, library edges and per-binary rows sorted by path, facts merged canonically (src/extract/merge-facts.ts).
 * One `--jobs` run and the merge of its `--shard` parts give the same report.
 */
export function canonicalizeReport(report: Report): void {
  report.inputs.sort((a, b) => byText(a.path, b.path) || byText(a.kind, b.kind));
  report.binaries.sort((a, b) => byText(a.path, b.path));
  report.libraryGraph.sort((a, b) => byText(a.from, b.from) || byText(a.soname, b.soname));
  report.facts = mergeFacts(report.facts, canonicalEvidenceOrder);
  report.scan?.binaries.sort((a, b) => byText(a.path, b.path));
}
