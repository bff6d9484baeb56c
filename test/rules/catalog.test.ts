import { describe, expect, test } from '@jest/globals';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR, loadRules, type Rule } from '../../src/data/rules.js';
import { DEFAULT_PATCHES_DIR, loadPatches } from '../../src/data/patches.js';
import { compileRule, compileRules } from '../../src/match/compile.js';
import { UkportError } from '../../src/errors.js';
import type { UnikraftTable } from '../../src/model/index.js';
import { RULE_CASES } from './rule-cases.js';

const rules = loadRules();
const patches = loadPatches();

/** Library names and Kconfig symbols of every shipped Unikraft release table (read directly). */
function releaseVocabulary(): { libraries: Set<string>; kconfig: Set<string> } {
  const dir = new URL('../../syscall-tables/unikraft/', import.meta.url).pathname;
  const libraries = new Set<string>();
  const kconfig = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const t = JSON.parse(readFileSync(join(dir, f), 'utf8')) as UnikraftTable;
    for (const [name, lib] of Object.entries(t.libraries)) {
      libraries.add(name);
      kconfig.add(lib.kconfig);
      for (const o of lib.options ?? []) kconfig.add(o);
    }
    for (const k of Object.keys(t.kconfig ?? {})) kconfig.add(k);
  }
  return { libraries, kconfig };
}

describe('rule catalog', () => {
  test('at least 30 rules, all compiled', () => {
    expect(rules.length).toBeGreaterThanOrEqual(30);
    expect(compileRules(rules)).toHaveLength(rules.length);
  });

  test('every rule says in which modes it applies, and its firing cases run in one of them', () => {
    for (const r of rules) {
      expect([r.id, r.modes.length > 0]).toEqual([r.id, true]);
      for (const c of RULE_CASES[r.id]?.invalid ?? []) expect([r.id, c.name, r.modes.includes(c.ctx?.mode ?? 'native')]).toEqual([r.id, c.name, true]);
    }
  });

  test('a rule that blocks (error) is one docs/verdicts.md names as evidence an app cannot work; gap notes are notes', () => {
    const doc = readFileSync(new URL('../../docs/verdicts.md', import.meta.url), 'utf8');
    for (const r of rules.filter((x) => x.severity === 'error')) expect([r.id, doc.includes(`\`${r.id}\``)]).toEqual([r.id, true]);
    for (const r of rules.filter((x) => x.gap)) expect([r.id, r.severity]).toEqual([r.id, 'note']);
  });

  test.each(rules.map((r) => [r.id]))('%s has a firing and a silent case', (id) => {
    expect(RULE_CASES[id]?.valid.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(RULE_CASES[id]?.invalid.length ?? 0).toBeGreaterThanOrEqual(1);
  });

  test('no cases for rules that do not exist', () => {
    const ids = new Set(rules.map((r) => r.id));
    expect(Object.keys(RULE_CASES).filter((id) => !ids.has(id))).toEqual([]);
  });

  test('every named patch exists and names the rule back', () => {
    for (const r of rules.filter((x) => x.remedy.patch)) {
      const p = patches.get(r.remedy.patch!);
      expect({ rule: r.id, patch: p?.id }).toEqual({ rule: r.id, patch: r.remedy.patch });
      expect(p!.rules).toContain(r.id);
    }
    for (const p of patches.values()) for (const id of p.rules) expect(rules.map((r) => r.id)).toContain(id);
  });

  test('every named library and Kconfig symbol exists in some Unikraft release', () => {
    const vocab = releaseVocabulary();
    expect(vocab.libraries.size).toBeGreaterThan(50);
    const missing: string[] = [];
    for (const r of rules) {
      for (const l of r.remedy.libraries ?? []) if (!vocab.libraries.has(l)) missing.push(`${r.id}: library ${l}`);
      for (const k of r.remedy.kconfig ?? []) if (!vocab.kconfig.has(k.replace(/^CONFIG_/, ''))) missing.push(`${r.id}: ${k}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('invalid rules are refused with the JSON path', () => {
  const good: Rule = rules.find((r) => r.id === 'fork-single-address-space')!;
  const cases: [string, (r: Record<string, unknown>) => void, string, RegExp][] = [
    ['missing why', (r) => { delete r['why']; }, 'bad', /^\$: must have required property 'why'$/],
    ['unknown severity', (r) => { r['severity'] = 'fatal'; }, 'bad', /^\$\.severity: must be equal to one of the allowed values$/],
    ['id is not the file name', () => {}, 'other-name', /^\$\.id: must equal the file name "other-name"$/],
    ['unbound placeholder', (r) => { r['message'] = 'the {header} is bad at {where}'; }, 'bad', /^\$\.message: placeholder \{header\} is not bound by "when"/],
    ['unknown matcher key', (r) => { r['when'] = { sycall: { name: 'fork' } }; }, 'bad', /^\$\.when: must NOT have additional properties/],
    ['unknown constant', (r) => { r['when'] = { symbol: { name: 'socket', args: [{ index: 0, is: 'AF_MARTIAN' }] } }; }, 'bad', /^\$\.when\.symbol\.args\.0: unknown constant AF_MARTIAN/],
    ['bad regex', (r) => { r['when'] = { string: { pattern: '(' } }; r['message'] = 'path {string} at {where}'; }, 'bad', /^\$\.when\.string\.pattern: invalid regular expression/],
    ['unknown reason', (r) => { r['when'] = { unknown: { reason: 'bad-luck' } }; r['message'] = 'unknown at {where}'; }, 'bad', /^\$\.when\.unknown\.reason: "bad-luck" is not one of/],
    ['only a predicate', (r) => { r['when'] = { libc: 'newlib' }; r['message'] = 'newlib chosen at {where}'; }, 'bad', /^\$\.when: must match at least one fact/],
  ];
  test.each(cases)('%s', (_n, mutate, name, detail) => {
    const dir = mkdtempSync(join(tmpdir(), 'ukport-rules-'));
    try {
      copyFileSync(join(DEFAULT_RULES_DIR, 'rule.schema.json'), join(dir, 'rule.schema.json'));
      const r = JSON.parse(JSON.stringify({ ...good, id: 'bad' })) as Record<string, unknown>;
      mutate(r);
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(r));
      let err: unknown;
      try {
        for (const rule of loadRules(dir)) compileRule(rule, join(dir, `${rule.id}.json`));
      } catch (e) { err = e; }
      expect(err).toBeInstanceOf(UkportError);
      expect((err as UkportError).code).toBe('bad-rule');
      expect((err as UkportError).path).toBe(join(dir, `${name}.json`));
      expect((err as UkportError).detail).toMatch(detail);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('patch directories carry their templates', () => {
    for (const p of patches.values()) {
      expect(existsSync(join(DEFAULT_PATCHES_DIR, p.id, 'meta.json'))).toBe(true);
      expect(p.template.length).toBeGreaterThan(5);
    }
  });
});
