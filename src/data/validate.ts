import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ValidateFunction } from 'ajv';
import { UkportError } from '../errors.js';

/** Directory of the shipped tables: <repo>/syscall-tables (same relative spot from src/data and dist/data). */
export const DEFAULT_TABLES_DIR = fileURLToPath(new URL('../../syscall-tables/', import.meta.url));

/** Data shipped with ukport: checked against its schema when generated (`tables sync`) and by the tests, not on every run. */
const SHIPPED_DIRS = ['syscall-tables', 'rules', 'patches'].map((d) => fileURLToPath(new URL(`../../${d}/`, import.meta.url)));

/**
 * Whether FILE is one of ukport's own data files. Compiling their schemas took a fifth of a second per run, so
 * they are trusted as shipped (test/data/shipped-data.test.ts validates every one); files a user names are validated.
 */
export function isShippedData(file: string): boolean {
  const abs = resolve(file);
  return SHIPPED_DIRS.some((d) => abs.startsWith(d.endsWith(sep) ? d : d + sep));
}

/** ajv's constructor, loaded on first use (its schema compiler is large). */
export function ajvClass(): typeof Ajv {
  return (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv;
}

// one Ajv per schema directory: schema $ids repeat across table directories
const ajvs = new Map<string, Ajv>();
const compiled = new Map<string, ValidateFunction>();

function compile(schemaFile: string): ValidateFunction {
  let fn = compiled.get(schemaFile);
  if (!fn) {
    const dir = dirname(schemaFile);
    let ajv = ajvs.get(dir);
    if (!ajv) {
      ajv = new (ajvClass())({ allErrors: false, strict: false });
      // every table schema refers to the shared provenance.schema.json beside it
      const shared = join(dir, 'provenance.schema.json');
      if (existsSync(shared)) ajv.addSchema(readJson(shared) as object);
      ajvs.set(dir, ajv);
    }
    fn = ajv.compile(readJson(schemaFile) as object);
    compiled.set(schemaFile, fn);
  }
  return fn;
}

/** Reads a JSON file; unreadable → not-found/unreadable, bad syntax → bad-json. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'unreadable';
    throw new UkportError(code, (e as Error).message.split('\n')[0]!, file);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UkportError('bad-json', (e as Error).message, file);
  }
}

/**
 * Validates DATA against the schema file; the first failure becomes `bad-table: <json path>: <expectation>`.
 * Shipped data is trusted (see isShippedData) unless ALWAYS is set.
 */
export function validateTable<T>(schemaFile: string, data: unknown, file: string, always = false): T {
  if (!always && isShippedData(file)) return data as T;
  const fn = compile(schemaFile);
  if (!fn(data)) {
    const err = fn.errors?.[0];
    const where = err?.instancePath ? err.instancePath.replace(/\//g, '.').replace(/^\./, '$.') : '$';
    const extra = err?.keyword === 'additionalProperties' ? ` (${String((err.params as { additionalProperty?: string }).additionalProperty)})` : '';
    throw new UkportError('bad-table', `${where}: ${err?.message ?? 'invalid'}${extra}`, file);
  }
  return data as T;
}

/** Reads and validates a table file. */
export function loadTableFile<T>(schemaFile: string, file: string): T {
  return validateTable<T>(schemaFile, readJson(file), file);
}
