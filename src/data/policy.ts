import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Arch, Libc, Mode, Severity } from '../model/index.js';
import { ARCHES } from '../model/index.js';
import { UkportError } from '../errors.js';
import { loadLinuxSyscalls } from './linux-syscalls.js';
import { ajvClass, readJson } from './validate.js';

/** A `ukport check` policy (schema/policy.schema.json). */
export interface Policy {
  target?: { release?: string; arch?: Arch; libc?: Libc; mode?: Mode };
  allow?: { stub?: string[]; fake?: string[] };
  ignore?: { rule: string; reason: string }[];
  unknowns?: { severity?: Severity };
  failOn?: Severity;
}

/** The policy schema shipped with ukport (same relative spot from src/data and dist/data). */
export const POLICY_SCHEMA_FILE = new URL('../../schema/policy.schema.json', import.meta.url).pathname;

let validate: ValidateFunction | undefined;

/** `/ignore/0/reason` → `$.ignore[0].reason`. */
export function jsonPath(pointer: string): string {
  if (!pointer) return '$';
  return '$' + pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
}

function at(data: unknown, pointer: string): unknown {
  let v = data;
  for (const p of pointer.split('/').slice(1)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function expectation(err: ErrorObject, data: unknown): string {
  const got = JSON.stringify(at(data, err.instancePath));
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required': return `missing required property '${String(p.missingProperty)}'`;
    case 'additionalProperties': return `unexpected property '${String(p.additionalProperty)}'`;
    case 'enum': return `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'type': return `expected ${String(p.type)}, got ${got === undefined ? 'nothing' : got}`;
    case 'pattern': return `expected a string matching ${String(p.pattern)}, got ${got}`;
    default: return `${err.message ?? 'invalid'}${got !== undefined ? `, got ${got}` : ''}`;
  }
}

/** Validates parsed policy JSON; the first problem becomes `bad-policy: <json path>: <expectation>`. */
export function validatePolicy(data: unknown, file: string): Policy {
  if (!validate) {
    const ajv = new (ajvClass())({ allErrors: false, strict: true });
    validate = ajv.compile(readJson(POLICY_SCHEMA_FILE) as object);
  }
  if (!validate(data)) {
    const err = validate.errors![0]!;
    throw new UkportError('bad-policy', `${jsonPath(err.instancePath)}: ${expectation(err, data)}`, file);
  }
  const policy = data as Policy;
  // a misspelt syscall in an allow list would silently allow nothing
  const known = ARCHES.map((a) => loadLinuxSyscalls(a).byName);
  for (const list of ['stub', 'fake'] as const) {
    for (const [i, name] of (policy.allow?.[list] ?? []).entries()) {
      if (!known.some((k) => k.has(name))) throw new UkportError('bad-policy', `$.allow.${list}[${i}]: expected a Linux syscall name, got ${JSON.stringify(name)}`, file);
    }
  }
  return policy;
}

/** Reads and validates a policy file. */
export function loadPolicy(file: string): Policy {
  let data: unknown;
  try {
    data = readJson(file);
  } catch (e) {
    if (e instanceof UkportError && e.code === 'bad-json') throw new UkportError('bad-policy', `$: expected JSON (${e.detail})`, file);
    throw e;
  }
  return validatePolicy(data, file);
}
