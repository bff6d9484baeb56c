import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from '../helpers/tools.js';

/** A KraftKit schema table as `ukport tables sync --kraftfile-schema` writes it. */
export interface KraftfileSchemaFile {
  spec: string;
  path: string;
  dialect: 'draft-04' | 'draft-2020-12';
  provenance: { repo: string; commit: string };
  schema: Record<string, unknown>;
}

/** The shipped schema table of SPEC (v0.6: kraftkit schema/v0.6.json; v0.7: unikraft-cloud/x kraftfile/schema.json). */
export function kraftfileSchema(spec: string): KraftfileSchemaFile {
  return JSON.parse(readFileSync(join(ROOT, 'syscall-tables', `kraftfile-${spec}.schema.json`), 'utf8')) as KraftfileSchemaFile;
}

const cache = new Map<string, ValidateFunction>();

/** ajv for the schema's own dialect: draft-07 rules for KraftKit's draft-04 file (ids dropped), 2020-12 for x's. */
export function kraftfileValidator(spec = 'v0.6'): ValidateFunction {
  let v = cache.get(spec);
  if (!v) {
    const t = kraftfileSchema(spec);
    const ajv = t.dialect === 'draft-2020-12' ? new Ajv2020({ allErrors: true, strict: false }) : new Ajv({ allErrors: true, strict: false });
    v = ajv.compile(t.schema);
    cache.set(spec, v);
  }
  return v;
}
