import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CoverageStatus, Libc, Mode, Severity, SymbolRole } from '../model/vocab.js';
import { UkportError } from '../errors.js';
import { readJson, validateTable } from './validate.js';

/** Directory of the shipped rules: <repo>/rules (same relative spot from src/data and dist/data). */
export const DEFAULT_RULES_DIR = new URL('../../rules/', import.meta.url).pathname;

/** One or several names; a rule author may write either. */
export type Names = string | string[];
/** Coverage status in the chosen release; `unknown` when no table covers it. */
export type StatusQuery = CoverageStatus | 'unknown';

/** A condition on one constant call argument (source text in C, numbers in binaries). */
export interface ArgCond {
  index: number;
  /** The argument is exactly one of these constants (`AF_NETLINK`). */
  is?: Names;
  /** The flag word contains this bit (`MAP_SHARED`). */
  hasFlag?: string;
  /** The flag word is known and lacks this bit (`CLONE_VM`). */
  lacksFlag?: string;
}

/** The closed `when` vocabulary: one key per node. */
export type When =
  | { all: When[] }
  | { any: When[] }
  | { not: When }
  | { syscall: { name?: Names; except?: Names; status?: StatusQuery[]; class?: 'program' | 'startup'; args?: ArgCond[] } }
  | { symbol: { name?: Names; except?: Names; role?: SymbolRole[]; missingIn?: 'libc'; args?: ArgCond[] } }
  | { header: { name?: Names; except?: Names; prefix?: string; system?: boolean; absentIn?: 'libc' } }
  | { library: { soname?: string; version?: string; port?: 'none' | 'incompatible' | 'available' } }
  | { unknown: { reason: Names } }
  | { string: { pattern: string } }
  | { libc: Names }
  | { mode: Mode }
  | { coverage: { syscall: string; status: StatusQuery[] } }
  /** The chosen Unikraft release has this micro-library (posix-netlink from v0.21.0) or Kconfig option. */
  | { unikraft: { library?: string; kconfig?: string } }
  | { module: { language?: 'python' | 'javascript'; name?: Names; member?: Names; feature?: Names; native?: boolean; inPort?: boolean } };

/** What a rule suggests; string fields may use the message placeholders. */
export interface RuleRemedy {
  libraries?: string[];
  kconfig?: string[];
  libc?: Libc;
  patch?: string;
  compatStub?: boolean;
  text?: string;
}

/** A porting rule as stored in rules/<id>.json. */
export interface Rule {
  id: string;
  severity: Severity;
  summary: string;
  why: string;
  when: When;
  message: string;
  remedy: RuleRemedy;
  /** The modes the rule applies in (a rule about the libc port means nothing where the app brings its own glibc). */
  modes: Mode[];
  /** A note that names a gap the app is expected to survive (runs-with-gaps), not information. */
  gap?: boolean;
  tags?: string[];
}

/** Placeholders every rule may use: from the match context and the first fact's evidence. */
export const CONTEXT_PLACEHOLDERS = ['libc', 'release', 'arch', 'mode', 'where', 'file', 'line'] as const;

const LEAF_BINDINGS: Record<string, readonly string[]> = {
  syscall: ['name', 'syscall', 'status', 'library'],
  symbol: ['name', 'symbol', 'args'],
  header: ['name', 'header'],
  library: ['name', 'soname', 'libversion', 'port', 'portversion'],
  unknown: ['reason', 'detail'],
  string: ['string'],
  libc: [], mode: [], coverage: [], unikraft: [],
  module: ['name', 'module', 'language', 'members', 'features', 'extension', 'kconfig'],
};

/** Placeholders a match of WHEN is guaranteed to bind: `any` keeps the common ones, `all` the union. */
export function guaranteedBindings(when: When): Set<string> {
  if ('all' in when) return new Set(when.all.flatMap((w) => [...guaranteedBindings(w)]));
  if ('any' in when) {
    const sets = when.any.map(guaranteedBindings);
    return new Set([...sets[0]!].filter((k) => sets.every((s) => s.has(k))));
  }
  if ('not' in when) return new Set();
  return new Set(LEAF_BINDINGS[Object.keys(when)[0]!] ?? []);
}

/** The `{name}` placeholders in TEXT. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]!);
}

function checkPlaceholders(rule: Rule, file: string): void {
  const bound = guaranteedBindings(rule.when);
  const fields: [string, string | undefined][] = [
    ['$.message', rule.message], ['$.remedy.text', rule.remedy.text], ['$.remedy.patch', rule.remedy.patch],
  ];
  for (const [path, text] of fields) {
    for (const p of placeholdersIn(text ?? '')) {
      if (!bound.has(p) && !(CONTEXT_PLACEHOLDERS as readonly string[]).includes(p)) {
        const have = [...bound, ...CONTEXT_PLACEHOLDERS].map((k) => `{${k}}`).join(', ');
        throw new UkportError('bad-rule', `${path}: placeholder {${p}} is not bound by "when" (bound: ${have})`, file);
      }
    }
  }
}

/** Validates one parsed rule file: schema, id = file name, placeholders bound by `when`. */
export function validateRule(data: unknown, file: string, schemaFile: string): Rule {
  let rule: Rule;
  try {
    rule = validateTable<Rule>(schemaFile, data, file);
  } catch (e) {
    if (e instanceof UkportError && e.code === 'bad-table') throw new UkportError('bad-rule', e.detail, file);
    throw e;
  }
  const id = basename(file, '.json');
  if (rule.id !== id) throw new UkportError('bad-rule', `$.id: must equal the file name "${id}"`, file);
  checkPlaceholders(rule, file);
  return rule;
}

/** Loads and validates every rules/<id>.json, sorted by id. */
export function loadRules(dir: string = DEFAULT_RULES_DIR): Rule[] {
  const schema = join(dir, 'rule.schema.json');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'rule.schema.json').sort();
  return files.map((f) => validateRule(readJson(join(dir, f)), join(dir, f), schema));
}
