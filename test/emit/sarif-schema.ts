import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { ROOT } from '../helpers/tools.js';

/**
 * Validator for the official SARIF 2.1.0 schema (test/schemas/sarif-schema-2.1.0.json, from oasis-tcs/sarif-spec
 * sarif-2.1/schema/sarif-schema-2.1.0.json at commit e0583813964ec43cea53b6b531b402866095ed1f, unchanged).
 * It is draft-04: ajv 8 reads it once `id` becomes `$id`; the three string formats it uses are checked here.
 */
export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const { id, $schema: _draft, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  return ajv.compile({ $id: id as string, ...rest });
}

/** Rules GitHub code scanning adds to the schema (upload fails or alerts vanish otherwise). */
export function codeScanningProblems(log: { runs: { tool: { driver: { name?: string; rules?: { id: string }[] } }; results?: { ruleId?: string; ruleIndex?: number; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[]; partialFingerprints?: Record<string, string> }[] }[] }): string[] {
  const out: string[] = [];
  for (const run of log.runs) {
    if (!run.tool.driver.name) out.push('driver without name');
    const rules = run.tool.driver.rules ?? [];
    for (const [i, r] of (run.results ?? []).entries()) {
      // "locationFromSarifResult: expected at least one location" (github/codeql-action#2459)
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      if (!uri) out.push(`result ${i}: no physical location`);
      else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('file://')) out.push(`result ${i}: URI scheme of ${uri}`);
      if (!r.ruleId || rules[r.ruleIndex ?? -1]?.id !== r.ruleId) out.push(`result ${i}: ruleIndex does not point at ruleId`);
      if (!r.partialFingerprints || Object.keys(r.partialFingerprints).length === 0) out.push(`result ${i}: no partialFingerprints`);
    }
  }
  return out;
}
