import type { Fact, HeaderFact, LibraryFact, ModuleFact, PackageFact, StringFact, SymbolFact, SyscallFact, UnknownFact } from '../model/index.js';
import { LIBCS, MODES, UNKNOWN_REASONS } from '../model/index.js';
import { UkportError } from '../errors.js';
import type { ArgCond, Names, Rule, When } from '../data/rules.js';
import { constantValue } from './linux-constants.js';
import { isCompilerHeader } from './compiler-headers.js';
import { libcHasObject, libcSetsOf, libcTable, portCompatible, releaseTable, portFor, syscallStatus, versionRange, type MatchContext } from './match-context.js';

/** Facts grouped by kind, built once per run. */
export interface FactIndex {
  syscall: SyscallFact[];
  symbol: SymbolFact[];
  header: HeaderFact[];
  library: LibraryFact[];
  string: StringFact[];
  unknown: UnknownFact[];
  module: ModuleFact[];
  package: PackageFact[];
  /** Syscall, symbol and header facts by `kind:name`, each list in fact order (leaves that name their facts look up). */
  byName: Map<string, Fact[]>;
  /** Position of each fact in the input (to keep fact order when facts are looked up by name). */
  order: Map<Fact, number>;
}

/** One way a rule's `when` holds: the facts it rests on and the placeholder values they bind. */
export interface Match {
  facts: Fact[];
  bindings: Record<string, string>;
}

/** A compiled `when` node. `producesFacts` is false for context predicates and `not`. */
interface Node {
  producesFacts: boolean;
  run(ix: FactIndex, ctx: MatchContext): Match[];
}

/** A rule with its matcher compiled once. */
export interface CompiledRule {
  rule: Rule;
  match(ix: FactIndex, ctx: MatchContext): Match[];
}

/** Groups facts by kind for the leaf matchers. */
export function indexFacts(facts: readonly Fact[]): FactIndex {
  const ix: FactIndex = { syscall: [], symbol: [], header: [], library: [], string: [], unknown: [], module: [], package: [], byName: new Map(), order: new Map() };
  for (const [i, f] of facts.entries()) {
    (ix[f.kind] as Fact[]).push(f);
    ix.order.set(f, i);
    if (f.kind === 'syscall' || f.kind === 'symbol' || f.kind === 'header') {
      const k = `${f.kind}:${f.name}`;
      const list = ix.byName.get(k);
      if (list) list.push(f); else ix.byName.set(k, [f]);
    }
  }
  return ix;
}

const list = (n: Names | undefined): string[] | undefined => (n === undefined ? undefined : Array.isArray(n) ? n : [n]);
const HOLDS: Match[] = [{ facts: [], bindings: {} }];
const LIBC_SONAME = /^lib(c|m|pthread|dl|rt|util|resolv|crypt)\.so/;

/** `except` names; a trailing `*` makes a prefix (`linux/*`, `__*`). */
function exceptList(n: Names | undefined): { includes(name: string): boolean } {
  const names = list(n) ?? [];
  return { includes: (name) => names.some((e) => (e.endsWith('*') ? name.startsWith(e.slice(0, -1)) : e === name)) };
}

type ArgTest = (text: string | undefined, values: number[] | undefined) => boolean;

function tokens(text: string): string[] {
  return text.match(/0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*/g) ?? [];
}

function valueOf(text: string): number | undefined {
  const t = text.trim();
  return /^(0[xX][0-9a-fA-F]+|\d+)$/.test(t) ? Number(t) : undefined;
}

/** Compiles one argument condition; names must be known Linux constants. */
function compileArg(a: ArgCond, where: string, file: string): ArgTest {
  const need = (name: string): number => {
    const v = constantValue(name);
    if (v === undefined) throw new UkportError('bad-rule', `${where}: unknown constant ${name} (add it to src/match/linux-constants.ts)`, file);
    return v;
  };
  const isNames = list(a.is);
  const isValues = isNames?.map(need);
  const has = a.hasFlag !== undefined ? { name: a.hasFlag, bit: need(a.hasFlag) } : undefined;
  const lacks = a.lacksFlag !== undefined ? { name: a.lacksFlag, bit: need(a.lacksFlag) } : undefined;
  const textHas = (text: string, f: { name: string; bit: number }): boolean =>
    tokens(text).some((t) => t === f.name || (valueOf(t) !== undefined && (valueOf(t)! & f.bit) === f.bit));
  return (text, values) => {
    if (text !== undefined) {
      const v = valueOf(text);
      if (isNames && !(isNames.includes(text.trim()) || (v !== undefined && isValues!.includes(v)))) return false;
      if (has && !textHas(text, has)) return false;
      if (lacks && textHas(text, lacks)) return false;
      return true;
    }
    if (values === undefined || values.length === 0) return false;
    // any call site with the feature is enough: the app needs it there
    return values.some((v) => (!isValues || isValues.includes(v)) && (!has || (v & has.bit) === has.bit) && (!lacks || (v & lacks.bit) === 0));
  };
}

function compileArgs(args: ArgCond[] | undefined, where: string, file: string): (text: Record<number, string> | undefined, values: Record<number, number[]> | undefined) => boolean {
  if (!args) return () => true;
  const tests = args.map((a, i) => ({ index: a.index, test: compileArg(a, `${where}.args.${i}`, file) }));
  return (text, values) => tests.every(({ index, test }) => (text ? test(text[index], undefined) : test(undefined, values?.[index])));
}

function leaf<F extends Fact>(pick: (ix: FactIndex) => F[], test: (f: F, ctx: MatchContext) => Record<string, string> | null): Node {
  return {
    producesFacts: true,
    run(ix, ctx) {
      const out: Match[] = [];
      for (const f of pick(ix)) {
        const b = test(f, ctx);
        if (b) out.push({ facts: [f], bindings: b });
      }
      return out;
    },
  };
}

/** The facts of KIND named NAMES (in fact order), or all facts of KIND when the leaf names none. */
function pick<K extends 'syscall' | 'symbol' | 'header'>(kind: K, names: string[] | undefined): (ix: FactIndex) => FactIndex[K] {
  if (!names) return (ix) => ix[kind];
  return (ix) => {
    const hits: Fact[] = [];
    for (const n of names) hits.push(...(ix.byName.get(`${kind}:${n}`) ?? []));
    if (names.length > 1) hits.sort((a, b) => ix.order.get(a)! - ix.order.get(b)!);
    return hits as FactIndex[K];
  };
}

function predicate(test: (ctx: MatchContext) => boolean): Node {
  return { producesFacts: false, run: (_ix, ctx) => (test(ctx) ? HOLDS : []) };
}

function regex(pattern: string, where: string, file: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new UkportError('bad-rule', `${where}: invalid regular expression (${(e as Error).message})`, file);
  }
}

function checkNames(names: string[] | undefined, allowed: readonly string[], where: string, file: string): void {
  for (const n of names ?? []) if (!allowed.includes(n)) throw new UkportError('bad-rule', `${where}: "${n}" is not one of ${allowed.join(', ')}`, file);
}

/** The body of the `when` node keyed K. */
type WhenOf<K extends string> = Extract<When, Record<K, unknown>>[K];

/** `all`: every child holds; one match per match of the first fact-producing child, the others add their facts. */
function compileAll(kids: Node[]): Node {
  const primary = Math.max(0, kids.findIndex((k) => k.producesFacts));
  return {
    producesFacts: kids.some((k) => k.producesFacts),
    run(ix, ctx) {
      const results: Match[][] = [];
      for (const k of kids) {
        const r = k.run(ix, ctx);
        if (r.length === 0) return [];
        results.push(r);
      }
      const extra = results.filter((_r, i) => i !== primary).flat();
      return results[primary]!.map((m) => {
        const facts = [...m.facts];
        const bindings: Record<string, string> = {};
        for (const e of extra) {
          for (const f of e.facts) if (!facts.includes(f)) facts.push(f);
          for (const [k, v] of Object.entries(e.bindings)) bindings[k] ??= v;
        }
        return { facts, bindings: { ...bindings, ...m.bindings } };
      });
    },
  };
}

function syscallLeaf(c: WhenOf<'syscall'>, where: string, file: string): Node {
  const names = list(c.name);
  const except = exceptList(c.except);
  const args = compileArgs(c.args, `${where}.syscall`, file);
  return leaf(pick('syscall', names), (f, ctx) => {
    if ((names && !names.includes(f.name)) || except.includes(f.name)) return null;
    if (c.class && f.class !== c.class) return null;
    if (c.args && !args(undefined, f.constArgs)) return null;
    const st = syscallStatus(ctx, f.name);
    if (c.status && !c.status.includes(st.status)) return null;
    return { name: f.name, syscall: f.name, status: st.status, library: st.library ?? 'none' };
  });
}

/** Whether the libc of the context lacks symbol F and nothing else in the release provides it (`missingIn: libc`). */
function missingFromLibc(f: SymbolFact, ctx: MatchContext): boolean {
  const t = libcTable(ctx);
  // without the libc table nothing can be called missing
  if (!t || libcSetsOf(t).functions.has(f.name)) return false;
  // an ELF import is a libc function only if its version names the C library (not libcrypto's EVP_*)
  if (f.role === 'import' && !(LIBC_SONAME.test(f.versionLibrary ?? '') || /^GLIBC_/.test(f.version ?? ''))) return false;
  // a data object (stdout, optarg): the libc's exported objects decide
  if (f.type === 'object') return !libcHasObject(ctx, f.name);
  // UK_SYSCALL_R_DEFINE also defines the libc-named wrapper (close, getcwd): the release provides it
  const st = syscallStatus(ctx, f.name).status;
  if (st === 'implemented' || st === 'stub') return false;
  // micro-libraries define some libc functions themselves (posix-process' execvp, posix-environ's getenv)
  if (releaseTable(ctx)?.functions?.[f.name]) return false;
  // syscall() comes from lib/syscall_shim whatever the libc (lib-musl leaves its own out), as the planner counts it
  return f.name !== 'syscall';
}

function symbolLeaf(c: WhenOf<'symbol'>, where: string, file: string): Node {
  const names = list(c.name);
  const except = exceptList(c.except);
  const args = compileArgs(c.args, `${where}.symbol`, file);
  return leaf(pick('symbol', names), (f, ctx) => {
    if ((names && !names.includes(f.name)) || except.includes(f.name)) return null;
    if (c.role && !c.role.includes(f.role)) return null;
    if (c.args && !args(f.args ?? {}, undefined)) return null;
    if (c.missingIn && !missingFromLibc(f, ctx)) return null;
    const argText = Object.entries(f.args ?? {}).map(([i, a]) => `${i}=${a}`).join(', ');
    return { name: f.name, symbol: f.name, args: argText || 'no constant arguments' };
  });
}

function headerLeaf(c: WhenOf<'header'>): Node {
  const names = list(c.name);
  const except = exceptList(c.except);
  return leaf(pick('header', names), (f, ctx) => {
    if ((names && !names.includes(f.name)) || except.includes(f.name)) return null;
    if (c.prefix && !f.name.startsWith(c.prefix)) return null;
    if (c.system !== undefined && f.system !== c.system) return null;
    if (c.absentIn) {
      if (isCompilerHeader(f.name)) return null;
      const t = libcTable(ctx);
      if (!t || libcSetsOf(t).headers.has(f.name)) return null;
    }
    return { name: f.name, header: f.name };
  });
}

function libraryLeaf(c: WhenOf<'library'>, where: string, file: string): Node {
  const re = c.soname !== undefined ? regex(c.soname, `${where}.library.soname`, file) : undefined;
  const inRange = c.version !== undefined ? versionRange(c.version) : undefined;
  return leaf((ix) => ix.library, (f, ctx) => {
    if (re && !re.test(f.soname)) return null;
    if (inRange && (f.version === undefined || !inRange(f.version))) return null;
    const port = portFor(ctx, f.soname);
    if (c.port) {
      // without the external-libs table no port status is known
      if (!ctx.tables) return null;
      const status = !port ? 'none' : portCompatible(port, f.version) ? 'available' : 'incompatible';
      if (status !== c.port) return null;
    }
    return { name: f.soname, soname: f.soname, libversion: f.version ?? 'unversioned', port: port?.port ?? 'none', portversion: port?.upstreamVersion ?? 'none' };
  });
}

function moduleLeaf(c: WhenOf<'module'>): Node {
  const names = list(c.name);
  const members = list(c.member);
  const features = list(c.feature);
  return leaf((ix) => ix.module, (f) => {
    if ((c.language && f.language !== c.language) || (names && !names.includes(f.name))) return null;
    if (members && !(f.members ?? []).some((m) => members.includes(m))) return null;
    if (features && !(f.features ?? []).some((x) => features.includes(x))) return null;
    if (c.native !== undefined && (f.native ?? false) !== c.native) return null;
    // port status is only known when the port table was consulted
    if (c.inPort !== undefined && f.inPort !== c.inPort) return null;
    const used = (f.members ?? []).filter((m) => !members || members.includes(m));
    const feats = (f.features ?? []).filter((x) => !features || features.includes(x));
    return { name: f.name, module: f.name, language: f.language, members: used.join(', ') || 'the module',
      features: feats.join(', ') || 'none', extension: f.extension ?? f.name, kconfig: (f.portKconfig ?? []).join(' ') || 'none' };
  });
}

/** The context predicates: libc, mode, the release's libraries and options, a syscall's coverage. */
function contextPredicate(when: Extract<When, { libc: Names } | { mode: unknown } | { unikraft: unknown } | { coverage: unknown }>, where: string, file: string): Node {
  if ('libc' in when) {
    const libcs = list(when.libc)!;
    checkNames(libcs, LIBCS, `${where}.libc`, file);
    return predicate((ctx) => ctx.libc !== undefined && libcs.includes(ctx.libc));
  }
  if ('mode' in when) {
    const mode = when.mode;
    checkNames([mode], MODES, `${where}.mode`, file);
    return predicate((ctx) => (ctx.mode ?? 'binary-compat') === mode);
  }
  if ('unikraft' in when) {
    const { library, kconfig } = when.unikraft;
    return predicate((ctx) => {
      const t = releaseTable(ctx);
      return (library === undefined || t?.libraries[library] !== undefined) && (kconfig === undefined || t?.kconfig?.[kconfig] !== undefined);
    });
  }
  const cov = when.coverage;
  return predicate((ctx) => cov.status.includes(syscallStatus(ctx, cov.syscall).status));
}

/** Compiles a `when` tree into matcher functions; WHERE is its JSON path for error messages. */
export function compileWhen(when: When, where: string, file: string): Node {
  if ('all' in when) return compileAll(when.all.map((w, i) => compileWhen(w, `${where}.all.${i}`, file)));
  if ('any' in when) {
    const kids = when.any.map((w, i) => compileWhen(w, `${where}.any.${i}`, file));
    return { producesFacts: kids.some((k) => k.producesFacts), run: (ix, ctx) => kids.flatMap((k) => k.run(ix, ctx)) };
  }
  if ('not' in when) {
    const kid = compileWhen(when.not, `${where}.not`, file);
    return { producesFacts: false, run: (ix, ctx) => (kid.run(ix, ctx).length === 0 ? HOLDS : []) };
  }
  if ('syscall' in when) return syscallLeaf(when.syscall, where, file);
  if ('symbol' in when) return symbolLeaf(when.symbol, where, file);
  if ('header' in when) return headerLeaf(when.header);
  if ('library' in when) return libraryLeaf(when.library, where, file);
  if ('unknown' in when) {
    const reasons = list(when.unknown.reason)!;
    checkNames(reasons, UNKNOWN_REASONS, `${where}.unknown.reason`, file);
    return leaf((ix) => ix.unknown, (f) => (reasons.includes(f.reason) ? { reason: f.reason, detail: f.message } : null));
  }
  if ('string' in when) {
    const re = regex(when.string.pattern, `${where}.string.pattern`, file);
    return leaf((ix) => ix.string, (f) => (re.test(f.value) ? { string: f.value } : null));
  }
  if ('module' in when) return moduleLeaf(when.module);
  return contextPredicate(when, where, file);
}


/** Compiles a validated rule once; invalid constants, patterns or names throw `bad-rule`. */
export function compileRule(rule: Rule, file = `rules/${rule.id}.json`): CompiledRule {
  const root = compileWhen(rule.when, '$.when', file);
  if (!root.producesFacts) throw new UkportError('bad-rule', '$.when: must match at least one fact (only context predicates or "not" here)', file);
  return { rule, match: (ix, ctx) => root.run(ix, ctx) };
}

/** Compiles every rule once, in id order. */
export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return [...rules].sort((a, b) => a.id.localeCompare(b.id)).map((r) => compileRule(r));
}
