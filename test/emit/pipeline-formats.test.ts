import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { buildFixtures, ROOT } from '../helpers/tools.js';
import { runPipeline } from '../../src/pipeline.js';
import { emitterFor } from '../../src/emit/registry.js';
import { kvserverReport } from './kvserver-report.js';
import { codeScanningProblems, sarifValidator } from './sarif-schema.js';

const reportSchema = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));
const sarif = sarifValidator();

describe('every format of a real scan', () => {
  const example = join(buildFixtures('example'), 'kvserver');
  const elf = buildFixtures('elf');
  const inputs = [[example], [join(elf, 'hello'), join(elf, 'plain-static')]];
  test.each(inputs)('%s: JSON matches report.schema.json, SARIF matches SARIF 2.1.0, markdown renders', async (...paths) => {
    const report = await runPipeline({ paths, plan: {} });
    const json = JSON.parse(emitterFor('json')!(report, { color: false }));
    expect(reportSchema(json) ? [] : reportSchema.errors).toEqual([]);
    const log = JSON.parse(emitterFor('sarif')!(report, { color: false, root: ROOT }));
    expect(sarif(log) ? [] : sarif.errors).toEqual([]);
    expect(codeScanningProblems(log)).toEqual([]);
    // scanned from the repository root, every primary location is in the repository (glibc evidence is related)
    const primaries = log.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(primaries.filter((u: string) => u.startsWith('file:') || u.startsWith('/'))).toEqual([]);
    // every unresolved fact of the scan is a result: nothing the analysis missed is dropped
    const unknowns = report.facts.filter((f) => f.kind === 'unknown').length;
    expect(log.runs[0].results.filter((r: { ruleId: string }) => r.ruleId.startsWith('unknown-')).length).toBeLessThanOrEqual(unknowns);
    expect(unknowns === 0 || log.runs[0].results.length > 0).toBe(true);
    const md = emitterFor('markdown')!(report, { color: false });
    expect(md).toMatch(/^# ukport porting report\n\n\*\*Verdict: (covered|needs work|blocked)\*\*/);
  });
  test('two scans of the same app give byte-identical SARIF and markdown (stable order and fingerprints)', async () => {
    const [a, b] = [await runPipeline({ paths: [example], plan: {} }), await runPipeline({ paths: [example], plan: {} })];
    for (const format of ['sarif', 'markdown'] as const) {
      expect(emitterFor(format)!(b, { color: false, root: ROOT })).toBe(emitterFor(format)!(a, { color: false, root: ROOT }));
    }
  });
  test('the hand-built kvserver report also matches report.schema.json', () => {
    const json = JSON.parse(emitterFor('json')!(kvserverReport(), { color: false }));
    expect(reportSchema(json) ? [] : reportSchema.errors).toEqual([]);
  });
});
