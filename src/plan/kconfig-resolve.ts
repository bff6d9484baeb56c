import type { KconfigEntry } from '../model/index.js';
import { evalExpr, splitIf } from './kconfig-eval.js';
import type { KconfigWorld } from './kconfig-world.js';

/** Why a symbol ended up y. */
export type Because = { how: 'requested' } | { how: 'selected' | 'implied'; by: string } | { how: 'default' };

/** A configuration as Kconfig would complete it from a defconfig fragment. */
export interface ResolvedConfig {
  /** Bool symbols: `y` or `n`; other types: their value. */
  values: Map<string, string>;
  because: Map<string, Because>;
  /** False when the fixpoint was not reached (a cycle through negations). */
  settled: boolean;
}

/** A way an emitted configuration does not build as asked. */
export interface KconfigProblem {
  kind: 'unknown-symbol' | 'dropped' | 'unmet-dependency' | 'choice-conflict' | 'undefined-select' | 'unsettled';
  symbol: string;
  detail: string;
}

const isBool = (e: KconfigEntry | undefined): boolean => !e?.type || e.type === 'bool' || e.type === 'tristate';
const MAX_ROUNDS = 64;

function defaultsOf(e: KconfigEntry): string[] {
  return e.defaults ?? (e.default !== undefined ? [e.default] : []);
}

/** The first `default` whose condition holds, as a value (`y if X` → y; a symbol or expression is evaluated for bools). */
function defaultValue(e: KconfigEntry, value: (s: string) => string | undefined): string | undefined {
  for (const d of defaultsOf(e)) {
    const [v, cond] = splitIf(d);
    if (cond && !evalExpr(cond, value)) continue;
    if (!isBool(e)) return v.replace(/^"(.*)"$/, '$1');
    return v === 'y' || v === 'n' ? v : evalExpr(v, value) ? 'y' : 'n';
  }
  return undefined;
}

/** Reverse edges: target symbol → [source symbol, condition] of every `select` (or `imply`). */
function reverse(world: KconfigWorld, kind: 'select' | 'imply'): Map<string, [string, string | undefined][]> {
  const out = new Map<string, [string, string | undefined][]>();
  for (const [sym, e] of world.entries) {
    for (const s of e[kind]) {
      const [target, cond] = splitIf(s);
      const list = out.get(target) ?? [];
      list.push([sym, cond]);
      out.set(target, list);
    }
  }
  return out;
}

/**
 * Completes REQUESTED (`SYMBOL` → `y`, `n` or a value) the way Kconfig does for a defconfig: a selected symbol is y
 * whatever its dependencies; a visible symbol takes the requested value when its dependencies hold, else its weak
 * defaults (imply, default); an invisible one only its defaults. Iterated to a fixpoint.
 */
export function resolveKconfig(world: KconfigWorld, requested: Map<string, string>): ResolvedConfig {
  const selects = reverse(world, 'select');
  const implies = reverse(world, 'imply');
  let values = new Map<string, string>();
  for (const [sym, e] of world.entries) if (!isBool(e)) values.set(sym, requested.get(sym) ?? '');
  const because = new Map<string, Because>();
  let settled = false;
  for (let round = 0; round < MAX_ROUNDS && !settled; round++) {
    const value = (s: string) => values.get(s);
    const next = new Map<string, string>();
    because.clear();
    for (const [sym, e] of world.entries) {
      const deps = e.dependsOn.every((d) => evalExpr(d, value));
      if (!isBool(e)) {
        next.set(sym, deps ? (requested.get(sym) ?? defaultValue(e, value) ?? '') : '');
        continue;
      }
      const by = (selects.get(sym) ?? []).find(([src, cond]) => value(src) === 'y' && (!cond || evalExpr(cond, value)));
      if (by) { next.set(sym, 'y'); because.set(sym, { how: 'selected', by: by[0] }); continue; }
      const user = e.prompt !== undefined ? requested.get(sym) : undefined;
      if (!deps || user === 'n') { next.set(sym, 'n'); continue; }
      if (user === 'y') { next.set(sym, 'y'); because.set(sym, { how: 'requested' }); continue; }
      const imp = (implies.get(sym) ?? []).find(([src, cond]) => value(src) === 'y' && (!cond || evalExpr(cond, value)));
      if (imp) { next.set(sym, 'y'); because.set(sym, { how: 'implied', by: imp[0] }); continue; }
      const d = defaultValue(e, value);
      next.set(sym, d === 'y' ? 'y' : 'n');
      if (d === 'y') because.set(sym, { how: 'default' });
    }
    settled = [...next].every(([k, v]) => values.get(k) === v) && next.size === values.size;
    values = next;
  }
  return { values, because, settled };
}

/**
 * The `depends on` expressions of SYM that do not hold in VALUES. In a partial world an expression that names a
 * symbol the tables do not define (HAVE_VFS in v0.21.0) is not counted: the tree would define it.
 */
export function failingDepends(world: KconfigWorld, sym: string, values: Map<string, string>): string[] {
  const unknown = (d: string) => world.partial && (d.match(/[A-Z][A-Z0-9_]+/g) ?? []).some((x) => !world.entries.has(x));
  return (world.entries.get(sym)?.dependsOn ?? []).filter((d) => !evalExpr(d, (s) => values.get(s)) && !unknown(d));
}

/**
 * Checks a configuration fragment against the world: every requested symbol exists and keeps its value; no symbol is
 * y against its dependencies (Kconfig's "unmet direct dependencies"); at most one member of a choice is y; what a
 * y symbol selects exists (a port written for another release can select symbols this one does not have).
 */
export function checkKconfig(world: KconfigWorld, requested: Map<string, string>, resolved = resolveKconfig(world, requested)): KconfigProblem[] {
  const problems: KconfigProblem[] = [];
  const { values } = resolved;
  if (!resolved.settled) problems.push({ kind: 'unsettled', symbol: '', detail: 'the configuration does not reach a fixpoint (a cycle through negated dependencies)' });
  for (const [sym, want] of requested) {
    const e = world.entries.get(sym);
    if (!e) { problems.push({ kind: 'unknown-symbol', symbol: sym, detail: `CONFIG_${sym} is not defined in this release or the libraries it uses` }); continue; }
    if (isBool(e) && want === 'y' && values.get(sym) !== 'y') {
      const failing = failingDepends(world, sym, values);
      // a partial world may lack what the dependency names: no evidence the symbol is dropped
      if (!failing.length && world.partial && e.prompt !== undefined) continue;
      problems.push({ kind: 'dropped', symbol: sym, detail: `CONFIG_${sym}=y is dropped: depends on ${failing.join(' && ') || '(invisible symbol)'} does not hold` });
    }
  }
  const choices = new Map<string, string[]>();
  for (const [sym, e] of world.entries) {
    if (values.get(sym) !== 'y' || !isBool(e)) continue;
    const failing = failingDepends(world, sym, values);
    const b = resolved.because.get(sym);
    if (failing.length) problems.push({ kind: 'unmet-dependency', symbol: sym, detail: `CONFIG_${sym} is y${b && 'by' in b ? ` (selected by ${b.by})` : ''} but depends on ${failing.join(' && ')}` });
    if (e.choice) choices.set(e.choice, [...(choices.get(e.choice) ?? []), sym]);
    for (const s of e.select) {
      const [target, cond] = splitIf(s);
      if (world.entries.has(target) || (cond && !evalExpr(cond, (x) => values.get(x)))) continue;
      problems.push({ kind: 'undefined-select', symbol: sym, detail: `CONFIG_${sym} selects ${target}, which ${world.origin.get(sym)?.split(' ')[0] ?? 'this build'} expects but the release does not define` });
    }
  }
  for (const [choice, members] of choices) {
    if (members.length > 1) problems.push({ kind: 'choice-conflict', symbol: members.join(','), detail: `choice "${choice}" has ${members.join(' and ')} both y` });
  }
  return problems;
}
