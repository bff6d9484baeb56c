import { Query, type Node, type Tree } from 'web-tree-sitter';
import type { CParser } from './c-parser.js';
import { BranchSweep, branchRegions, type BranchRegion } from './branches.js';
import type { MacroEnv } from './conditions.js';
import { makeMacroDef, splitArgumentList, type MacroDef } from './macros.js';

/** Where a site is: 1-based line/column, enclosing function, open #if branches. */
export interface SiteContext {
  line: number;
  column: number;
  function?: string;
  /** Conjunction of the undecided branch conditions, e.g. `defined(__linux__) && !defined(X)`. */
  condition?: string;
  /** True when the site is compiled only if a Linux macro (`__linux__`, …) is defined. */
  linuxOnly: boolean;
  /** The branch condition no Linux build (x86_64, aarch64) compiles, when the site sits under one: not a need. */
  offLinux?: string;
}

/**
 * A call (`call`), a bare identifier use (`ref`, e.g. a function pointer), or a shape the parser took
 * for a declaration or type that may be a macro invocation at file scope (`macro-use`).
 */
export interface NameSite {
  name: string;
  role: 'call' | 'ref' | 'macro-use';
  /** Source text of each argument (calls only). */
  args: string[];
  ctx: SiteContext;
}

/** Everything one file contributes, before names are resolved against libc and the macro table. */
export interface FileScan {
  names: NameSite[];
  includes: { name: string; system: boolean; ctx: SiteContext }[];
  strings: { value: string; ctx: SiteContext }[];
  asms: { code: string; inputs: { constraint: string; value: string }[]; ctx: SiteContext }[];
  macros: { def: MacroDef; ctx: SiteContext }[];
  errors: { ctx: SiteContext; endLine: number; missing?: string }[];
  /** Functions defined in this file (their calls are not libc calls). */
  functions: Set<string>;
  /** Variables and parameters declared in this file (a bare use of these is not a function pointer). */
  variables: Set<string>;
  /** Byte offset where the query stopped on its time budget (sites after it are missing), when it did. */
  stoppedAt?: number;
}

const QUERY = `
(preproc_include path: (_) @include)
(preproc_def) @def
(preproc_function_def) @fdef
(preproc_ifdef) @cond
(preproc_if) @cond
(function_definition) @fn
(call_expression function: (identifier)) @call
(gnu_asm_expression) @asm
(string_literal) @string
(ERROR) @error
(MISSING) @missing
(argument_list (identifier) @ref)
(init_declarator value: (identifier) @ref)
(assignment_expression right: (identifier) @ref)
(initializer_list (identifier) @ref)
(initializer_pair value: (identifier) @ref)
(pointer_expression argument: (identifier) @ref)
(return_statement (identifier) @ref)
(cast_expression value: (identifier) @ref)
(expression_statement (identifier) @ref)
(conditional_expression consequence: (identifier) @ref)
(conditional_expression alternative: (identifier) @ref)
(macro_type_specifier name: (identifier) @use)
(declaration declarator: (function_declarator declarator: (identifier) @use))
`;

// run only on files where a libc name is used bare: a local `int index;` is not the function index()
const VAR_QUERY = `
(init_declarator declarator: (identifier) @var)
(declaration declarator: (identifier) @var)
(parameter_declaration declarator: (identifier) @var)
(pointer_declarator declarator: (identifier) @var)
(array_declarator declarator: (identifier) @var)
`;

const PORTING_PATH = /"\/(proc|sys|etc|dev)\//y;
const queries = new WeakMap<object, { main: Query; vars: Query }>();
const IDENT_AT = /[A-Za-z_]\w*/y;

/** The identifier starting at `node` (read from the source, sparing a round trip into wasm). */
function identAt(text: string, node: Node): string {
  IDENT_AT.lastIndex = node.startIndex;
  return IDENT_AT.exec(text)?.[0] ?? node.text;
}

/** Which names matter: `keep` (libc functions, macros seen so far, special calls) and `libc` alone. */
export interface NameFilter {
  keep(name: string): boolean;
  libc(name: string): boolean;
}

/** Name of the function a definition declares (through pointer and parenthesised declarators). */
function functionName(def: Node): string | undefined {
  let d: Node | null = def.childForFieldName('declarator');
  for (let i = 0; d && i < 16; i++) {
    if (d.type === 'identifier') return d.text;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

/** Joins the pieces of a string or concatenated string literal, without quotes. */
function literalText(node: Node): string {
  if (node.type === 'string_literal') return node.text.replace(/^[LuU8]*"|"$/g, '');
  return node.namedChildren.filter((c): c is Node => c?.type === 'string_literal').map(literalText).join('');
}

/** Runs the extraction query over a parsed file and records every site with its context. */
export function scanCTree(c: CParser, tree: Tree, text: string, env: MacroEnv, keep: NameFilter, timeoutMs = 30_000): FileScan {
  let q = queries.get(c.language);
  if (!q) { q = { main: new Query(c.language, QUERY), vars: new Query(c.language, VAR_QUERY) }; queries.set(c.language, q); }
  // hostile sources (deep, unbalanced nesting) can make query matching take minutes: bound it like the parse
  const deadline = performance.now() + timeoutMs;
  let stoppedAt: number | undefined;
  let calls = 0;
  const progressCallback = (state: { currentOffset: number }): boolean => {
    if ((++calls & 255) !== 0 || performance.now() <= deadline) return false;
    stoppedAt ??= state.currentOffset;
    return true;
  };
  const caps = q.main.captures(tree.rootNode, { progressCallback });
  const macroNames = new Set<string>();
  const wanted = (n: string): boolean => macroNames.has(n) || keep.keep(n);
  const out: FileScan = { names: [], includes: [], strings: [], asms: [], macros: [], errors: [], functions: new Set(), variables: new Set() };
  const regions: BranchRegion[] = [];
  const fns: { start: number; end: number; name: string }[] = [];
  for (const { name, node } of caps) {
    if (name === 'cond') regions.push(...branchRegions(node, env));
    else if (name === 'fn') {
      const fname = functionName(node);
      if (fname) { fns.push({ start: node.startIndex, end: node.endIndex, name: fname }); out.functions.add(fname); }
    } else if (name === 'error') {
      // a definition the parser could not finish still names the function around its body
      const decl = node.namedChildren.find((k) => k?.type === 'function_declarator');
      const fname = decl?.childForFieldName('declarator')?.text;
      if (fname && /^\w+$/.test(fname)) fns.push({ start: node.startIndex, end: node.endIndex, name: fname });
    }
  }
  const sweep = new BranchSweep(regions);
  // an unfinished definition (ERROR) can hold whole definitions: the innermost one names the site
  const fnSweep = new BranchSweep(fns);
  let lastErrorEnd = -1;
  const context = (node: Node): SiteContext | null => {
    const p = node.startIndex;
    const open = sweep.at(p);
    let linuxOnly = false;
    let offLinux: string | undefined;
    const conds: string[] = [];
    for (const r of open) {
      if (r.value === false) return null;
      if (r.value === undefined) conds.push(r.text);
      if (r.onNonLinux === false) linuxOnly = true;
      if (r.onLinux === false) offLinux ??= r.text;
    }
    const inFns = fnSweep.at(p);
    const fn = inFns.length ? inFns[inFns.length - 1].name : undefined;
    const ctx: SiteContext = { line: node.startPosition.row + 1, column: node.startPosition.column + 1, linuxOnly };
    if (fn) ctx.function = fn;
    if (offLinux !== undefined) ctx.offLinux = offLinux;
    if (conds.length) ctx.condition = conds.length === 1 ? conds[0] : conds.map((t) => (/\|\|/.test(t) ? `(${t})` : t)).join(' && ');
    return ctx;
  };
  for (const { name, node } of caps) {
    if (name === 'cond' || name === 'fn') continue;
    if (name === 'string') {
      PORTING_PATH.lastIndex = node.startIndex;
      if (!PORTING_PATH.test(text)) continue;
    }
    let ident = '';
    if (name === 'call' || name === 'ref' || name === 'use') {
      // a call_expression starts with its function's identifier
      ident = identAt(text, node);
      if (!wanted(ident)) continue;
    }
    const ctx = context(node);
    if (!ctx) continue;
    switch (name) {
      case 'call': {
        // one slice of the source instead of a wasm round trip per argument node
        const list = node.childForFieldName('arguments');
        out.names.push({ name: ident, role: 'call', args: list ? splitArgumentList(text.slice(list.startIndex, list.endIndex)) : [], ctx });
        break;
      }
      case 'ref':
        out.names.push({ name: ident, role: 'ref', args: [], ctx });
        break;
      case 'use': {
        // `FOO(x)` at file scope parses as a prototype `FOO(x)` or a type `FOO(x)`
        const p = node.parent;
        const list = p?.childForFieldName(p.type === 'macro_type_specifier' ? 'type' : 'parameters');
        const args = !list ? [] : p?.type === 'macro_type_specifier' ? [list.text]
          : list.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment').map((a) => a.text);
        // the parser glues a file-scope `FOO(x)` onto the next definition as its return type
        if (p?.type === 'macro_type_specifier' && p.parent?.type === 'function_definition') delete ctx.function;
        out.names.push({ name: ident, role: 'macro-use', args, ctx });
        break;
      }
      case 'include':
        out.includes.push({ name: node.text.replace(/^[<"]|[>"]$/g, ''), system: node.type === 'system_lib_string', ctx });
        break;
      case 'string':
        out.strings.push({ value: literalText(node), ctx });
        break;
      case 'def':
      case 'fdef': {
        const n = node.childForFieldName('name')?.text;
        if (!n) break;
        macroNames.add(n);
        const params = name === 'fdef' ? (node.childForFieldName('parameters')?.text ?? '()') : null;
        out.macros.push({ def: makeMacroDef(n, params, node.childForFieldName('value')?.text ?? ''), ctx });
        break;
      }
      case 'asm': {
        const code = node.childForFieldName('assembly_code');
        const inputs = node.childForFieldName('input_operands')?.namedChildren
          .filter((o): o is Node => o?.type === 'gnu_asm_input_operand')
          .map((o) => {
            const constraint = o.childForFieldName('constraint');
            return { constraint: constraint ? literalText(constraint) : '', value: o.childForFieldName('value')?.text ?? '' };
          }) ?? [];
        out.asms.push({ code: code ? literalText(code) : '', inputs, ctx });
        break;
      }
      case 'error':
        if (node.startIndex < lastErrorEnd) break;
        lastErrorEnd = node.endIndex;
        out.errors.push({ ctx, endLine: node.endPosition.row + 1 });
        break;
      case 'missing':
        // the parser inserted a token the text lacks (an unclosed parenthesis, a missing operand)
        if (node.startIndex < lastErrorEnd) break;
        out.errors.push({ ctx, endLine: ctx.line, missing: node.type });
        break;
    }
  }
  if (out.names.some((n) => n.role === 'ref' && keep.libc(n.name))) for (const v of q.vars.captures(tree.rootNode, { progressCallback })) out.variables.add(v.node.text);
  if (stoppedAt !== undefined) out.stoppedAt = stoppedAt;
  return out;
}
