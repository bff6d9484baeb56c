import { describe, expect, test } from '@jest/globals';
import { loadRules } from '../../src/data/rules.js';
import { compileRules } from '../../src/match/compile.js';

describe('shipped rules', () => {
  test('load and compile', () => {
    const rules = loadRules();
    expect(compileRules(rules).length).toBe(rules.length);
  });
});
