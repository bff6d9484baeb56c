import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/tools.js';
import { validatePolicy } from '../../src/data/policy.js';
import { checkPolicyReferences } from '../../src/cli/policy-checks.js';

const doc = readFileSync(join(ROOT, 'docs', 'github-actions.md'), 'utf8');

describe('docs/github-actions.md', () => {
  test('the example policy is valid and its $schema points at the shipped schema', () => {
    const block = /```json\n([\s\S]*?)```/.exec(doc)![1]!;
    const policy = JSON.parse(block) as Record<string, unknown>;
    expect(validatePolicy(policy, 'docs/github-actions.md')).toMatchObject({ target: { release: '0.17.0' } });
    // the rules it ignores exist and the release has a table (`ukport check` rejects the policy otherwise)
    expect(() => checkPolicyReferences(validatePolicy(policy, 'docs/github-actions.md'), 'docs/github-actions.md')).not.toThrow();
    expect(String(policy.$schema)).toMatch(/schema\/policy\.schema\.json$/);
  });
  test('the workflow uses check with policy, baseline and SARIF, and uploads it', () => {
    expect(doc).toMatch(/check build\/app src \\\n\s+--policy \.ukport\/policy\.json \\\n\s+--baseline \.ukport\/baseline\.json \\\n\s+--format sarif > ukport\.sarif/);
    expect(doc).toContain('github/codeql-action/upload-sarif@v3');
    expect(doc).toContain('security-events: write');
  });
});
