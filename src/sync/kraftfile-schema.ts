import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import type { Provenance } from '../model/coverage.js';
import { UkportError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';

/** syscall-tables/kraftfile-<spec>.schema.json: KraftKit's own Kraftfile schema, as ajv compiles it. */
export interface KraftfileSchemaTable {
  target: 'kraftfile-schema';
  /** Kraftfile spec version the schema checks: `v0.6`, `v0.7`. */
  spec: string;
  /** Path of the schema file in its repository. */
  path: string;
  provenance: Provenance;
  /** JSON Schema dialect of the upstream file: `draft-04` (KraftKit's gojsonschema) or `draft-2020-12`. */
  dialect: 'draft-04' | 'draft-2020-12';
  /** What was changed so that ajv compiles it (nothing that changes what validates). */
  converted: string[];
  schema: Record<string, unknown>;
}

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** `https://github.com/o/n` from a remote URL or a fetched mirror path (`…/o+n/repo`). */
function repoUrl(remote: string | undefined): string {
  const mirror = /([A-Za-z0-9_.-]+)\+([A-Za-z0-9_.-]+)\/repo\/?$/.exec(remote ?? '');
  if (mirror) return `https://github.com/${mirror[1]}/${mirror[2]}`;
  const gh = /github\.com[/:]([^/]+)\/([^/]+?)(\.git)?$/.exec(remote ?? '');
  return gh ? `https://github.com/${gh[1]}/${gh[2]}` : remote ?? 'unknown';
}

/**
 * Draft-04 `id` keywords only label subschemas in KraftKit's file (every `$ref` is a JSON pointer from the root), so
 * they are dropped, and `$schema` with them: ajv 8 has no draft-04 mode, and the remaining keywords mean the same
 * in draft-07. The `/^name$/`-style patternProperties keys stay as they are: gojsonschema reads them as regular
 * expressions too (they match no plain key, in kraft as here).
 */
function fromDraft04(schema: Record<string, unknown>): { schema: Record<string, unknown>; converted: string[] } {
  let ids = 0;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'id' && typeof x === 'string') { ids++; continue; }
      out[k] = k === 'properties' || k === 'patternProperties' || k === 'definitions'
        ? Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([n, s]) => [n, strip(s)])) : strip(x);
    }
    return out;
  };
  const { $schema: _drop, ...rest } = strip(schema) as Record<string, unknown>;
  return { schema: rest, converted: [`removed $schema (draft-04) and ${ids} id labels; no $ref used them`] };
}

/** Reads KraftKit's Kraftfile schema (kraftkit schema/v0.6.json, unikraft-cloud/x kraftfile/schema.json) from a checkout. */
export function syncKraftfileSchema(file: string): KraftfileSchemaTable {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UkportError('unsupported-input', `not a JSON schema: ${(e as Error).message.split('\n')[0]}`, file);
  }
  const dir = dirname(file);
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  const commit = git(dir, ['log', '-1', '--format=%H', '--', basename(file)]) ?? 'unknown';
  // KraftKit names its files v0.N.json; unikraft-cloud/x's schema states the version in its spec pattern (`^v?0\.7(?:\.0)?$`)
  const pattern = String((raw.properties as Record<string, { pattern?: string }> | undefined)?.spec?.pattern ?? '');
  const fromPattern = /0\\\.(\d+)/.exec(pattern)?.[1];
  const spec = /v(\d+\.\d+)\.json$/.exec(file)?.[1] ?? (fromPattern ? `0.${fromPattern}` : undefined);
  if (!spec) throw new UkportError('unsupported-input', 'cannot tell which Kraftfile spec this schema checks (name it v0.N.json or give it a spec pattern)', file);
  const draft04 = String(raw.$schema ?? '').includes('draft-04');
  const conv = draft04 ? fromDraft04(raw) : { schema: raw, converted: [] };
  const repo = repoUrl(top ? git(top, ['config', 'remote.origin.url']) : undefined);
  return {
    target: 'kraftfile-schema',
    spec: `v${spec}`,
    path: top ? relative(top, file) : basename(file),
    provenance: {
      repo, tag: (top && git(top, ['describe', '--tags', '--always', commit])) || commit.slice(0, 12), commit,
      generator: `ukport ${TOOL_VERSION} tables sync --kraftfile-schema`, date: new Date().toISOString().slice(0, 10),
    },
    dialect: draft04 ? 'draft-04' : 'draft-2020-12',
    converted: conv.converted,
    schema: conv.schema,
  };
}
