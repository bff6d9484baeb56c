import { describe, expect, test } from '@jest/globals';
import { loadRules } from '../../src/data/rules.js';
import { compileRule } from '../../src/match/compile.js';
import { matchFindings } from '../../src/match/match-findings.js';
import type { Finding } from '../../src/model/index.js';
import { CTX } from './rule-fixtures.js';
import { RULE_CASES } from './rule-cases.js';

const rules = loadRules();

describe.each(rules.map((r) => [r.id, r] as const))('rule %s', (_id, rule) => {
  const compiled = compileRule(rule);
  const cases = RULE_CASES[rule.id] ?? { valid: [], invalid: [] };
  const run = (c: { facts: Finding['facts']; ctx?: object }) => matchFindings(c.facts, { ...CTX, ...c.ctx, rules: [compiled] });

  test.each(cases.valid.map((c) => [c.name, c] as const))('valid: %s', (_n, c) => {
    expect(run(c)).toEqual([]);
  });

  test.each(cases.invalid.map((c) => [c.name, c] as const))('invalid: %s', (_n, c) => {
    const expected: Finding[] = c.findings.map((f) => {
      const remedy: Finding['remedy'] = { ...rule.remedy };
      if (f.remedyText !== undefined) remedy.text = f.remedyText;
      return { ruleId: rule.id, severity: rule.severity, message: f.message, facts: f.facts.map((i) => c.facts[i]!), remedy };
    });
    const got = run(c);
    expect(got).toEqual(expected);
    // identity, not only equality: findings point at the caller's facts
    got.forEach((g, i) => g.facts.forEach((f, j) => expect(f).toBe(expected[i]!.facts[j])));
  });
});
