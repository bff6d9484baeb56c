import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

/** A syscall implementation found in C: `UK_SYSCALL_R_DEFINE(int, pipe, int *, pipefd) { … }`. */
export interface CSyscallDef {
  name: string;
  nargs: number;
  macro: string;
  line: number;
  /** Set when the body only warns and returns a constant: `-ENOSYS` or a fixed value such as `0`. */
  stub?: string;
}

const MACRO = /^UK_(?:LL)?SYSCALL(?:_R)?(?:_[EU])?_DEFINE$/;
// calls a stub may make besides returning: logging and the stub warning
const LOGGING = /^(uk_pr_\w+|UK_WARN_STUBBED|uk_printd|uk_printk|printf|WARN_STUBBED|UK_DEBUG_\w*)$/;

let parserPromise: Promise<Parser> | undefined;

/** One tree-sitter-c parser per process (web-tree-sitter: wasm, Jest-safe). */
export function loadCParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const lang = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
    const p = new Parser();
    p.setLanguage(lang);
    return p;
  })();
  return parserPromise;
}

/** Splits a macro's argument text at top-level commas: `int, pipe, int *, pipefd` → 4 parts. */
function splitArgs(text: string): string[] {
  const inner = text.replace(/^\(/, '').replace(/\)$/, '');
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of inner) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/** The parenthesised text at the start of S, parentheses included, balanced. */
function balancedArgs(s: string): string {
  const open = s.indexOf('(');
  if (open < 0) return '';
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return s.slice(open, i + 1);
  }
  return s.slice(open);
}

/** The `{ … }` block that follows the macro: a sibling of the macro or of its enclosing statement. */
function bodyAfter(node: Node): Node | undefined {
  for (let n: Node | null = node; n && n.type !== 'translation_unit'; n = n.parent) {
    const next = n.nextNamedSibling;
    if (next?.type === 'compound_statement') return next;
    if (next) return undefined;
  }
  return undefined;
}

/** The constant a `return` yields when it is one (`-ENOSYS`, `0`, `-1`), else undefined. */
function constantReturn(ret: Node): string | undefined {
  const v = ret.namedChildren[0];
  if (!v) return 'void';
  const text = v.text.replace(/\s+/g, '');
  const bare = text.replace(/^\((?:[a-z_ ]+\*?)\)/i, '');
  return /^-?(?:\d+|0x[0-9a-f]+|E[A-Z0-9]+|NULL)$/i.test(bare) ? bare : undefined;
}

const VARARGS = /^(va_start|va_arg|va_end|va_copy|__builtin_va_\w+)$/;

/** Name of the function a call expression calls, when it is a plain identifier. */
const calleeOf = (call: Node): string => call.childForFieldName('function')?.text ?? '';

/**
 * Static functions of the file (and function-like macros that call one) that only log: every call in them is
 * logging, varargs access or another such helper, and they assign only their own locals (posix-process's
 * `exec_warn_argv(argv)` → `__exec_warn_array("argv", argv)`, a loop of uk_pr_warn). A call to one is logging.
 */
function loggingHelpers(root: Node): Set<string> {
  const fns = new Map<string, Node>();
  for (const fn of root.descendantsOfType('function_definition')) {
    if (!fn || !fn.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static')) continue;
    let d = fn.childForFieldName('declarator');
    while (d && d.type === 'pointer_declarator') d = d.childForFieldName('declarator');
    const name = d?.type === 'function_declarator' ? d.childForFieldName('declarator')?.text : undefined;
    const body = fn.childForFieldName('body');
    if (name && body) fns.set(name, body);
  }
  const macros = new Map<string, string>();
  for (const m of root.descendantsOfType('preproc_function_def')) {
    const name = m?.childForFieldName('name')?.text, value = m?.childForFieldName('value')?.text ?? '';
    const target = /^\s*(\w+)\s*\(/.exec(value)?.[1];
    if (name && target) macros.set(name, target);
  }
  const helpers = new Set<string>();
  const logsOnly = (body: Node): boolean => {
    const locals = new Set<string>();
    for (const d of body.descendantsOfType('declaration')) {
      for (let c of (d?.childrenForFieldName('declarator') ?? []) as (Node | null)[]) {
        while (c && c.type !== 'identifier') c = c.childForFieldName('declarator');
        if (c) locals.add(c.text);
      }
    }
    const calls = body.descendantsOfType('call_expression');
    if (!calls.some((c) => c && LOGGING.test(calleeOf(c)))) return false;
    if (!calls.every((c) => c && (LOGGING.test(calleeOf(c)) || VARARGS.test(calleeOf(c)) || helpers.has(calleeOf(c))))) return false;
    const writes = [...body.descendantsOfType('assignment_expression').map((a) => a?.childForFieldName('left')),
      ...body.descendantsOfType('update_expression').map((u) => u?.childForFieldName('argument'))];
    return writes.every((w) => w?.type === 'identifier' && locals.has(w.text));
  };
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const [name, body] of fns) if (!helpers.has(name) && logsOnly(body)) { helpers.add(name); changed = true; }
    for (const [name, target] of macros) if (!helpers.has(name) && helpers.has(target)) { helpers.add(name); changed = true; }
  }
  return helpers;
}

/** Classifies a body: a stub when every statement is logging / a void cast and it ends in a constant return. */
function stubOf(body: Node, helpers: ReadonlySet<string> = new Set()): string | undefined {
  const stmts = body.namedChildren.filter((n) => n.type !== 'comment');
  const last = stmts[stmts.length - 1];
  if (!last || last.type !== 'return_statement') return undefined;
  let errno: string | undefined;
  for (const s of stmts.slice(0, -1)) {
    // locals for the warning (`va_list args;`, `char * const *envp;`), initialised without calls
    if (s.type === 'declaration' && s.descendantsOfType('call_expression').length === 0) continue;
    if (s.type !== 'expression_statement') return undefined;
    const e = s.namedChildren[0];
    if (!e) continue;
    if (e.type === 'cast_expression' && e.childForFieldName('type')?.text === 'void') continue;
    if (e.type === 'call_expression' && (LOGGING.test(calleeOf(e)) || VARARGS.test(calleeOf(e)) || helpers.has(calleeOf(e)))) continue;
    // reading the warning's varargs into a local (`envp = va_arg(args, …);`)
    if (e.type === 'assignment_expression' && e.childForFieldName('right')?.type === 'call_expression' && VARARGS.test(calleeOf(e.childForFieldName('right')!))) continue;
    // libc-style stubs: `errno = ENOSYS; return -1;`
    if (e.type === 'assignment_expression' && e.childForFieldName('left')?.text === 'errno' && /^E[A-Z0-9]+$/.test(e.childForFieldName('right')?.text ?? '')) {
      errno = e.childForFieldName('right')!.text;
      continue;
    }
    return undefined;
  }
  const value = constantReturn(last);
  if (value === '-ENOSYS' || (errno === 'ENOSYS' && value === '-1')) return 'enosys';
  if (errno && value !== undefined) return `returns ${value}, errno ${errno}`;
  return value !== undefined ? `returns ${value}` : undefined;
}

/** Non-static function definitions whose name passes WANT, with their stub status (plain libc-level providers). */
export async function findPlainFunctions(text: string, want: (name: string) => boolean): Promise<{ name: string; stub?: string }[]> {
  const parser = await loadCParser();
  const tree = parser.parse(text);
  if (!tree) return [];
  const out: { name: string; stub?: string }[] = [];
  try {
    const helpers = loggingHelpers(tree.rootNode);
    for (const fn of tree.rootNode.descendantsOfType('function_definition')) {
      if (!fn || fn.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static')) continue;
      let d = fn.childForFieldName('declarator');
      while (d && d.type === 'pointer_declarator') d = d.childForFieldName('declarator');
      const name = d?.type === 'function_declarator' ? d.childForFieldName('declarator')?.text : undefined;
      if (!name || !want(name)) continue;
      const body = fn.childForFieldName('body');
      const stub = body ? stubOf(body, helpers) : undefined;
      out.push(stub ? { name, stub } : { name });
    }
  } finally {
    tree.delete();
  }
  return out;
}

/** Finds every syscall-defining macro use in C TEXT, with its argument count and stub status. */
export async function findCSyscalls(text: string): Promise<CSyscallDef[]> {
  if (!/SYSCALL\w*_DEFINE/.test(text)) return [];
  const parser = await loadCParser();
  const tree = parser.parse(text);
  if (!tree) return [];
  const out: CSyscallDef[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  try {
    const helpers = loggingHelpers(tree.rootNode);
    // tree-sitter sees the macro either as a call (`UK_SYSCALL_R_DEFINE(int, pipe, …)`) or, with pointer
    // types in the arguments, as a macro_type_specifier: find the macro name, then read the balanced argument text
    for (const id of tree.rootNode.descendantsOfType('identifier')) {
      if (!id || !MACRO.test(id.text)) continue;
      const holder = id.parent;
      if (!holder || (holder.type !== 'call_expression' && holder.type !== 'macro_type_specifier')) continue;
      // read the arguments from the source itself: error recovery can cut a node's text short (`__unused`)
      const at = lineStarts[id.startPosition.row]! + id.startPosition.column + id.text.length;
      const args = splitArgs(balancedArgs(text.slice(at, at + 4000)));
      // (rtype, name, type1, arg1, …): the macro itself defines the syscall, its body follows as a block
      const name = args[1];
      if (!name || !/^[a-z_][a-z0-9_]*$/.test(name)) continue;
      const def: CSyscallDef = { name, nargs: Math.max(0, Math.floor((args.length - 2) / 2)), macro: id.text, line: id.startPosition.row + 1 };
      const body = bodyAfter(holder);
      if (body) {
        const stub = stubOf(body, helpers);
        if (stub) def.stub = stub;
      }
      out.push(def);
    }
  } finally {
    tree.delete();
  }
  return out;
}
