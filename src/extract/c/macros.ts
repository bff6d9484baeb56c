/** A `#define` found in the scanned tree. `params` is null for an object-like macro. */
export interface MacroDef {
  name: string;
  params: string[] | null;
  body: string;
  /** True when the body is plain token substitution: no `##` pasting (which can build callee names; `#x` only makes a string). */
  plain: boolean;
}

/** Every definition of each macro name in the scanned tree (one per #if branch). */
export interface MacroTable {
  get(name: string): readonly MacroDef[] | undefined;
  has(name: string): boolean;
}

/** The tree's macros with a file's `-D` flags in front (a `-D` value is an object-like macro). */
export function withCommandLineMacros(table: MacroTable, defines: ReadonlyMap<string, string>): MacroTable {
  if (defines.size === 0) return table;
  const own = new Map([...defines].map(([k, v]) => [k, [makeMacroDef(k, null, v)]] as const));
  return { get: (n) => own.get(n) ?? table.get(n), has: (n) => own.has(n) || table.has(n) };
}

/** A call found by expanding macros: the callee, the macros it went through, its argument texts. */
export interface ExpandedCall {
  callee: string;
  chain: string[];
  args: string[];
}

/** The result of expanding one macro use. `opaque` names macros that are not plain substitutions. */
export interface Expansion {
  calls: ExpandedCall[];
  opaque: string[];
}

const TOKEN = /[A-Za-z_]\w*|\.?\d[\w.]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|##|#|\.\.\.|\S/g;
const IDENT = /^[A-Za-z_]\w*$/;
// keywords followed by `(` in a macro body are statements and operators, not calls
const KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', '_Alignof', 'alignof', '__typeof__', 'typeof', '_Generic', 'defined', '__attribute__', '__builtin_expect', 'do', 'else', 'case']);
const MAX_DEPTH = 8;
const bodyTokens = new WeakMap<MacroDef, string[]>();

// argument texts repeat (`fd`, `c->log`, `NULL`): tokenizing each once saves most of the expansion time
const tokenCache = new Map<string, string[]>();

/** Splits C text into preprocessing tokens (comments removed). The result must not be modified. */
export function tokenize(text: string): string[] {
  const hit = tokenCache.get(text);
  if (hit) return hit;
  if (tokenCache.size > 50_000) tokenCache.clear();
  const toks = tokenizeUncached(text);
  tokenCache.set(text, toks);
  return toks;
}

function tokenizeUncached(text: string): string[] {
  const clean = text.replace(/\\\r?\n/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  return clean.match(TOKEN) ?? [];
}

/** Builds a definition from the name, the parameter list text (`(a, b)`) and the body text. */
export function makeMacroDef(name: string, paramsText: string | null, body: string): MacroDef {
  const params = paramsText === null ? null
    : paramsText.replace(/^\(|\)$/g, '').split(',').map((p) => p.trim()).filter((p) => p.length > 0)
      .map((p) => (p === '...' ? '__VA_ARGS__' : p.replace(/\.\.\.$/, '')));
  const toks = tokenizeUncached(body);
  const def = { name, params, body: body.trim(), plain: !toks.includes('##') };
  bodyTokens.set(def, toks);
  return def;
}

/** Argument texts of a call's `( … )` source text, split at top-level commas (tokens joined by spaces). */
export function splitArgumentList(text: string): string[] {
  const toks = tokenize(text);
  return toks[0] === '(' ? splitArgs(toks, 0).args : [];
}

/** Splits the tokens between balanced parentheses starting at `open` into argument texts. */
function splitArgs(toks: string[], open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let cur: string[] = [];
  for (let i = open; i < toks.length; i++) {
    const t = toks[i];
    if (t === '(' || t === '[' || t === '{') { if (depth++ > 0) cur.push(t); continue; }
    if (t === ')' || t === ']' || t === '}') {
      if (--depth === 0) { if (cur.length || args.length) args.push(cur.join(' ')); return { args, end: i }; }
      cur.push(t);
      continue;
    }
    if (t === ',' && depth === 1) { args.push(cur.join(' ')); cur = []; continue; }
    cur.push(t);
  }
  return { args, end: toks.length - 1 };
}

function tokensOf(def: MacroDef): string[] {
  let t = bodyTokens.get(def);
  if (!t) { t = tokenize(def.body); bodyTokens.set(def, t); }
  return t;
}

/** Replaces parameter tokens of `def` by the caller's argument texts. */
function substitute(def: MacroDef, args: readonly string[]): string[] {
  const toks = tokensOf(def);
  if (!def.params) return toks;
  const index = new Map(def.params.map((p, i) => [p, i] as const));
  const va = def.params.indexOf('__VA_ARGS__');
  return toks.flatMap((t) => {
    const i = index.get(t);
    if (i === undefined) return [t];
    const arg = i === va ? args.slice(i).join(' , ') : (args[i] ?? '');
    return tokenize(arg);
  });
}

/**
 * Finds the calls a macro use expands to, following nested macros of the table.
 * `args` are the use's argument texts (null for an object-like use).
 */
export function expandMacroCalls(table: MacroTable, name: string, args: readonly string[] | null): Expansion {
  let memo = expansions.get(table);
  if (!memo) { memo = new Map(); expansions.set(table, memo); }
  const key = args === null ? name : `${name}(${args.join('\0')}`;
  let hit = memo.get(key);
  if (!hit) { hit = expandUncached(table, name, args); memo.set(key, hit); }
  return hit;
}

const expansions = new WeakMap<MacroTable, Map<string, Expansion>>();

function expandUncached(table: MacroTable, name: string, args: readonly string[] | null): Expansion {
  const out: Expansion = { calls: [], opaque: [] };
  const seen = new Set<string>();
  const walk = (macro: string, margs: readonly string[] | null, chain: string[]): void => {
    if (chain.length > MAX_DEPTH || seen.has(`${macro}/${margs?.join(',') ?? ''}`)) return;
    seen.add(`${macro}/${margs?.join(',') ?? ''}`);
    for (const def of table.get(macro) ?? []) {
      if ((def.params === null) !== (margs === null) && def.params !== null) continue;
      if (!def.plain && !out.opaque.includes(macro)) out.opaque.push(macro);
      const toks = substitute(def, margs ?? []);
      const via = [...chain, macro];
      // an object-like macro naming a function, used as a callee: `#define my_fork fork` then `my_fork()`
      if (def.params === null && margs !== null && toks.length === 1 && IDENT.test(toks[0])) {
        visitCall(toks[0], [...margs], via);
        continue;
      }
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (!IDENT.test(t) || toks[i - 1] === '##' || toks[i + 1] === '##') continue;
        if (toks[i + 1] === '(') {
          const { args: callArgs, end } = splitArgs(toks, i + 1);
          if (KEYWORDS.has(t)) { for (const a of callArgs) scanText(a, via); i = end; continue; }
          visitCall(t, callArgs, via);
          i = end;
        } else if (t !== macro && table.get(t)?.some((d) => d.params === null)) {
          walk(t, null, via);
        }
      }
    }
  };
  const visitCall = (callee: string, callArgs: string[], via: string[]): void => {
    if (table.has(callee) && !via.includes(callee)) walk(callee, callArgs, via);
    else out.calls.push({ callee, chain: [...via, callee], args: callArgs });
    for (const a of callArgs) scanText(a, via);
  };
  const scanText = (text: string, via: string[]): void => {
    const toks = tokenize(text);
    for (let i = 0; i < toks.length; i++) {
      if (IDENT.test(toks[i]) && toks[i + 1] === '(' && !KEYWORDS.has(toks[i])) {
        const { args: a, end } = splitArgs(toks, i + 1);
        visitCall(toks[i], a, via);
        i = end;
      }
    }
  };
  walk(name, args, []);
  return out;
}

const mayCallMemo = new WeakMap<MacroTable, Map<string, boolean>>();
/** Chains deeper than this count as "may call" (a hostile 5,000-deep #define chain would overflow the stack). */
const MAY_CALL_DEPTH = 256;

/**
 * Whether expanding NAME can reach a call worth reporting: an identifier `isTarget` accepts, a
 * parameter used as a callee, or `#`/`##`. Most project macros (field access, constants) cannot,
 * and skipping their expansion is what keeps the scan near the cost of parsing.
 */
export function macroMayCall(table: MacroTable, name: string, isTarget: (n: string) => boolean): boolean {
  let memo = mayCallMemo.get(table);
  if (!memo) { memo = new Map(); mayCallMemo.set(table, memo); }
  const visit = (n: string, depth = 0): boolean => {
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    if (depth > MAY_CALL_DEPTH) return true;
    memo.set(n, false); // cycles contribute nothing new
    let yes = false;
    for (const def of table.get(n) ?? []) {
      if (!def.plain) { yes = true; break; }
      const toks = tokensOf(def);
      const params = new Set(def.params ?? []);
      yes = toks.some((t, i) => IDENT.test(t) && (isTarget(t) || (params.has(t) && toks[i + 1] === '(') || (t !== n && table.has(t) && visit(t, depth + 1))));
      if (yes) break;
    }
    memo.set(n, yes);
    return yes;
  };
  return visit(name);
}

/** Expands an object-like macro chain to its final text (`MY_DOMAIN` → `AF_NETLINK`), or returns the text. */
export function expandObjectText(table: MacroTable, text: string): string {
  let cur = text.trim();
  for (let i = 0; i < MAX_DEPTH && IDENT.test(cur); i++) {
    const def = table.get(cur)?.find((d) => d.params === null && d.plain);
    if (!def || def.body === cur) break;
    cur = def.body;
  }
  return cur;
}
