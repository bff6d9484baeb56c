import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSnippets } from '../../src/cli/source-snippets.js';
import { snippetKey } from '../../src/tui/view-model.js';
import { ROOT } from '../helpers/tools.js';
import { kvserverReport, KV_SOURCE } from '../emit/kvserver-report.js';

describe('source snippets for the detail pane', () => {
  test('two lines either side of every source position, as in the file', () => {
    const lines = readFileSync(join(ROOT, KV_SOURCE), 'utf8').split('\n');
    const snips = readSnippets(kvserverReport(), ROOT);
    expect(snips.get(snippetKey(KV_SOURCE, 46))).toEqual({ startLine: 44, lines: lines.slice(43, 48) });
    expect(snips.get(snippetKey(KV_SOURCE, 7))).toEqual({ startLine: 5, lines: lines.slice(4, 9) });
    expect(snips.size).toBe(new Set(kvserverReport().facts.flatMap((f) => f.evidence).filter((e) => e.location).map((e) => e.location!.line)).size);
  });
  test('files that cannot be read are skipped, not fatal', () => {
    const r = kvserverReport();
    r.findings = [];
    r.facts = [{ kind: 'header', name: 'x.h', system: false, evidence: [{ artifact: 'gone.c', extractor: 'c.include', location: { file: 'gone.c', line: 1, column: 1 } }] }];
    expect(readSnippets(r, ROOT).size).toBe(0);
  });
});
