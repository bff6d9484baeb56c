import { UNKNOWN_REASONS } from '../model/index.js';
import { UkportError } from '../errors.js';
import type { Policy } from '../data/policy.js';
import { loadRules } from '../data/rules.js';
import { loadTables } from '../data/tables.js';
import { BUILTIN_RULE_DOCS } from '../match/problems.js';
import { TARGET_RULE_IDS } from '../match/gate.js';
import { pickRelease } from '../plan/releases.js';
import { closest } from './suggest.js';

/** Every rule id a problem can carry: the rule files, the plan's uncovered needs, unresolved facts, the gate's target checks. */
export function problemRuleIds(): string[] {
  return [...loadRules().map((r) => r.id), ...Object.keys(BUILTIN_RULE_DOCS), ...UNKNOWN_REASONS.map((r) => `unknown-${r}`), ...TARGET_RULE_IDS].sort();
}

/**
 * What the schema cannot check in a policy: that each ignored rule exists (a misspelt id would silently ignore
 * nothing) and that the target release has a table. Each problem names the policy file and the JSON path.
 */
export function checkPolicyReferences(policy: Policy, file: string, tablesDir?: string): void {
  const ids = problemRuleIds();
  const known = new Set(ids);
  for (const [i, entry] of (policy.ignore ?? []).entries()) {
    if (known.has(entry.rule)) continue;
    const near = closest(entry.rule, ids);
    throw new UkportError('bad-policy', `$.ignore[${i}].rule: no rule ${JSON.stringify(entry.rule)}${near ? `; did you mean ${JSON.stringify(near)}?` : ''} (\`ukport explain RULE\` describes one)`, file);
  }
  const release = policy.target?.release;
  if (release === undefined) return;
  try {
    pickRelease(loadTables(tablesDir).unikraft, release);
  } catch (e) {
    if (!(e instanceof UkportError) || e.code !== 'usage') throw e;
    const shipped = /\(shipped: ([^)]*)\)/.exec(e.detail)?.[1];
    throw new UkportError('bad-policy', `$.target.release: no table for Unikraft ${JSON.stringify(release)}${shipped ? ` (shipped: ${shipped})` : ''}`, file);
  }
}
