import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UkportError } from '../errors.js';
import { readJson, validateTable } from './validate.js';

/** Directory of the shipped patch templates: <repo>/patches. */
export const DEFAULT_PATCHES_DIR = new URL('../../patches/', import.meta.url).pathname;

/** How a patch template edits the source. */
export type PatchKind = 'guard-call' | 'guard-header' | 'path-override' | 'socketpair-pipe';

/** patches/<id>/meta.json plus the template texts it names. */
export interface PatchTemplate {
  id: string;
  kind: PatchKind;
  subject: string;
  explanation: string;
  rules: string[];
  template: string;
  callTemplate?: string;
  includes?: string[];
  calls?: string[];
  headers?: Record<string, { replaceWith?: string; declares?: string[] }>;
}

function readTemplate(dir: string, name: string, file: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) throw new UkportError('bad-rule', `template ${name} does not exist`, file);
  return readFileSync(path, 'utf8').replace(/\n$/, '');
}

/** Loads one patches/<id>/ directory; the template fields hold the template texts. */
export function loadPatch(dir: string, schemaFile: string): PatchTemplate {
  const file = join(dir, 'meta.json');
  let meta: PatchTemplate;
  try {
    meta = validateTable<PatchTemplate>(schemaFile, readJson(file), file);
  } catch (e) {
    if (e instanceof UkportError && e.code === 'bad-table') throw new UkportError('bad-rule', e.detail, file);
    throw e;
  }
  const id = dir.replace(/\/+$/, '').split('/').pop()!;
  if (meta.id !== id) throw new UkportError('bad-rule', `$.id: must equal the directory name "${id}"`, file);
  return {
    ...meta,
    template: readTemplate(dir, meta.template, file),
    ...(meta.callTemplate ? { callTemplate: readTemplate(dir, meta.callTemplate, file) } : {}),
  };
}

/** Loads every patches/<id>/meta.json, keyed by id. */
export function loadPatches(dir: string = DEFAULT_PATCHES_DIR): Map<string, PatchTemplate> {
  const schema = join(dir, 'patch.schema.json');
  const out = new Map<string, PatchTemplate>();
  for (const d of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    out.set(d, loadPatch(join(dir, d), schema));
  }
  return out;
}
