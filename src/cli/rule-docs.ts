import { loadRules } from '../data/rules.js';
import type { RuleDoc } from '../match/problems.js';

let cached: ReadonlyMap<string, RuleDoc> | undefined;

/** Help text of the porting rules (rules/*.json), for SARIF rule entries, Markdown remedies and the report's detail pane. */
export function loadRuleDocs(): ReadonlyMap<string, RuleDoc> {
  cached ??= new Map(loadRules().map((r) => [r.id, { id: r.id, severity: r.severity, summary: r.summary, why: r.why, ...(r.remedy.text ? { remedyText: r.remedy.text } : {}) }]));
  return cached;
}
