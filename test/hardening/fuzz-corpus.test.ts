import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import { UkportError } from '../../src/errors.js';
import { emitJson } from '../../src/emit/json.js';
import { emitText } from '../../src/emit/text.js';
import { ROOT } from '../helpers/tools.js';

const CORPUS = join(ROOT, 'fixtures', 'fuzz-corpus');
const files = readdirSync(CORPUS).filter((f) => !f.endsWith('.md')).sort();
// an empty sysroot: the mutated file itself is under test, not the host's libraries
const emptyRoot = mkdtempSync(join(tmpdir(), 'ukport-corpus-root-'));
afterAll(() => rmSync(emptyRoot, { recursive: true, force: true }));

describe('fuzz corpus (inputs that crashed or were slowest)', () => {
  test('the corpus is small and non-empty', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });
  test.each(files)('%s: a report or a UkportError, never another exception', async (name) => {
    const t0 = Date.now();
    let outcome: string;
    try {
      const report = await runPipeline({ paths: [join(CORPUS, name)], sysroot: emptyRoot, noCache: true });
      // the emitters see every odd fact too
      expect(() => JSON.parse(emitJson(report))).not.toThrow();
      expect(emitText(report, { color: false, verbose: true })).toContain('Unknowns:');
      outcome = 'report';
    } catch (e) {
      if (!(e instanceof UkportError)) throw e;
      expect(e.message).toContain(name);
      outcome = `error ${e.code}`;
    }
    expect(outcome).toMatch(/^(report|error )/);
    // bounded: the C budget is 30 s per file; these take a few seconds on a loaded 2-core machine
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 90_000);
});
