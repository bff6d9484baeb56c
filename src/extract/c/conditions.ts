import type { Node } from 'web-tree-sitter';

/** What the scan knows about a macro name: defined with a value, undefined, or not known. */
export type MacroState = { defined: true; value: number | null } | { defined: false } | undefined;

/** Looks up a macro name; `undefined` means the configuration does not decide it. */
export type MacroEnv = (name: string) => MacroState;

/** Tri-state truth: `undefined` when the configuration does not decide. */
export type Tri = boolean | undefined;

const LINUX_MACROS = new Set(['__linux__', '__linux', 'linux', '__gnu_linux__']);

/** The configuration "not Linux": only the Linux macros are known (undefined). */
export const notLinuxEnv: MacroEnv = (name) => (LINUX_MACROS.has(name) ? { defined: false } : undefined);

// What a Linux compiler predefines for the architectures Unikraft runs (x86_64, aarch64), and what it never does:
// other systems (BSD is set by the BSDs' <sys/param.h>, never by glibc's or musl's) and other architectures.
const LINUX_DEFINED: Record<string, number | null> = {
  __linux__: 1, __linux: 1, linux: 1, __gnu_linux__: 1, __unix__: 1, __unix: 1, unix: 1, __ELF__: 1, __LP64__: 1, _LP64: 1,
  __CHAR_BIT__: 8, __SIZEOF_LONG__: 8, __SIZEOF_POINTER__: 8, __SIZEOF_INT__: 4, __ORDER_LITTLE_ENDIAN__: 1234, __ORDER_BIG_ENDIAN__: 4321, __BYTE_ORDER__: 1234,
};
const ARCH_DEFINED: Record<'x86_64' | 'aarch64', string[]> = { x86_64: ['__x86_64__', '__x86_64', '__amd64__', '__amd64'], aarch64: ['__aarch64__'] };
const NEVER_ON_LINUX = new Set([
  '__APPLE__', '__MACH__', '__FreeBSD__', '__FreeBSD_kernel__', '__NetBSD__', '__OpenBSD__', '__DragonFly__', '__bsdi__', 'BSD',
  '_WIN32', '_WIN64', 'WIN32', '__WIN32__', '__CYGWIN__', '__MINGW32__', '__MINGW64__', '_MSC_VER', '__sun', '__sun__', 'sun',
  '__SVR4', '__svr4__', '__hpux', '_AIX', '__HAIKU__', '__QNX__', '__QNXNTO__', '__minix', '__GNU__', '__ANDROID__', '__EMSCRIPTEN__', '__wasm__',
  '__i386__', '__i386', 'i386', '__i486__', '__i586__', '__i686__', '_M_IX86', '_M_X64', '__arm__', '__thumb__', '_M_ARM', '__mips__', '__mips',
  '__powerpc__', '__powerpc64__', '__ppc__', '__PPC__', '__ppc64__', '__sparc__', '__sparc', '__s390__', '__s390x__', '__ia64__', '__alpha__',
  '__hppa__', '__m68k__', '__sh__', '__riscv', '__loongarch__', '__ILP32__', '_ILP32',
]);

/** A Linux build for ARCH: its predefined macros; the flags' environment FIRST wins where it decides. */
export function linuxEnv(arch: 'x86_64' | 'aarch64', first?: MacroEnv): MacroEnv {
  const own = new Set(ARCH_DEFINED[arch]);
  const other = new Set(ARCH_DEFINED[arch === 'x86_64' ? 'aarch64' : 'x86_64']);
  return (name) => {
    const s = first?.(name);
    if (s !== undefined) return s;
    if (own.has(name)) return { defined: true, value: 1 };
    if (name in LINUX_DEFINED) return { defined: true, value: LINUX_DEFINED[name]! };
    if (other.has(name) || NEVER_ON_LINUX.has(name)) return { defined: false };
    return undefined;
  };
}

/** Builds an environment from -D/-U flags (later flags win, like the compiler). */
export function envFromFlags(defines: ReadonlyMap<string, string>, undefs: ReadonlySet<string>): MacroEnv {
  return (name) => {
    if (undefs.has(name)) return { defined: false };
    const v = defines.get(name);
    if (v === undefined) return undefined;
    return { defined: true, value: parseIntLiteral(v) };
  };
}

function parseIntLiteral(text: string): number | null {
  const t = text.trim().replace(/[uUlL]+$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[0-7]*$/.test(t)) return parseInt(t, 8);
  if (/^[1-9][0-9]*$/.test(t)) return parseInt(t, 10);
  return null;
}

type Val = number | undefined;

const truth = (v: Val): Tri => (v === undefined ? undefined : v !== 0);
const fromTri = (t: Tri): Val => (t === undefined ? undefined : t ? 1 : 0);

/** Evaluates an `#if` expression node to a number, or undefined when not decided. */
export function evaluateExpr(node: Node | null, env: MacroEnv, depth = 0): Val {
  if (!node || depth > 64) return undefined;
  switch (node.type) {
    case 'number_literal':
      return parseIntLiteral(node.text) ?? undefined;
    case 'char_literal':
      return node.text.length === 3 ? node.text.charCodeAt(1) : undefined;
    case 'preproc_defined': {
      const id = node.namedChildren.find((c) => c?.type === 'identifier');
      const s = id ? env(id.text) : undefined;
      return s === undefined ? undefined : s.defined ? 1 : 0;
    }
    case 'identifier': {
      // an undefined identifier in #if is 0 (C11 6.10.1p4)
      const s = env(node.text);
      if (s === undefined) return undefined;
      return s.defined ? (s.value ?? undefined) : 0;
    }
    case 'parenthesized_expression':
      return evaluateExpr(node.namedChild(0), env, depth + 1);
    case 'unary_expression': {
      const op = node.childForFieldName('operator')?.type;
      const v = evaluateExpr(node.childForFieldName('argument'), env, depth + 1);
      if (op === '!') return fromTri(v === undefined ? undefined : v === 0);
      if (v === undefined) return undefined;
      return op === '-' ? -v : op === '~' ? ~v : op === '+' ? v : undefined;
    }
    case 'binary_expression':
      return evaluateBinary(node, env, depth);
    case 'conditional_expression': {
      const c = truth(evaluateExpr(node.childForFieldName('condition'), env, depth + 1));
      if (c === undefined) return undefined;
      return evaluateExpr(node.childForFieldName(c ? 'consequence' : 'alternative'), env, depth + 1);
    }
    default:
      return undefined;
  }
}

function evaluateBinary(node: Node, env: MacroEnv, depth: number): Val {
  const op = node.childForFieldName('operator')?.type;
  const l = evaluateExpr(node.childForFieldName('left'), env, depth + 1);
  const r = evaluateExpr(node.childForFieldName('right'), env, depth + 1);
  // && and || are decided by one known side
  if (op === '&&') return l === 0 || r === 0 ? 0 : l !== undefined && r !== undefined ? 1 : undefined;
  if (op === '||') return (l !== undefined && l !== 0) || (r !== undefined && r !== 0) ? 1 : l === 0 && r === 0 ? 0 : undefined;
  if (l === undefined || r === undefined) return undefined;
  switch (op) {
    case '==': return +(l === r);
    case '!=': return +(l !== r);
    case '<': return +(l < r);
    case '>': return +(l > r);
    case '<=': return +(l <= r);
    case '>=': return +(l >= r);
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return r === 0 ? undefined : Math.trunc(l / r);
    case '%': return r === 0 ? undefined : l % r;
    case '&': return l & r;
    case '|': return l | r;
    case '^': return l ^ r;
    case '<<': return l << r;
    case '>>': return l >> r;
    default: return undefined;
  }
}

/** A branch condition as text plus its truth under the scan's flags and under "not Linux". */
export interface BranchCondition {
  text: string;
  value: Tri;
  /** False when the branch is compiled only if a Linux macro is defined. */
  onNonLinux: Tri;
  /** False when no Linux build for x86_64 or aarch64 compiles the branch (`#if BSD >= 199103`, `#ifdef __i386__`). */
  onLinux: Tri;
}

/** The truth of a condition on Linux: false (or true) only when it is so for both x86_64 and aarch64. */
function onLinuxOf(evaluate: (e: MacroEnv) => Tri, env: MacroEnv): Tri {
  const x = evaluate(linuxEnv('x86_64', env));
  const a = evaluate(linuxEnv('aarch64', env));
  return x === a ? x : undefined;
}

/** Condition of a directive: `#ifdef X` → `defined(X)`, `#if e` → text of e. */
export function directiveCondition(node: Node, env: MacroEnv): BranchCondition {
  if (node.type === 'preproc_ifdef' || node.type === 'preproc_elifdef') {
    const name = node.childForFieldName('name')?.text ?? '';
    const negated = /^#\s*(ifndef|elifndef)/.test(node.text);
    const s = (e: MacroEnv): Tri => {
      const st = e(name);
      return st === undefined ? undefined : st.defined !== negated;
    };
    return { text: `${negated ? '!' : ''}defined(${name})`, value: s(env), onNonLinux: s(notLinuxEnv), onLinux: onLinuxOf(s, env) };
  }
  const cond = node.childForFieldName('condition');
  return {
    text: (cond?.text ?? '').replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim(),
    value: truth(evaluateExpr(cond, env)),
    onNonLinux: truth(evaluateExpr(cond, notLinuxEnv)),
    onLinux: onLinuxOf((e) => truth(evaluateExpr(cond, e)), env),
  };
}

const not = (t: Tri): Tri => (t === undefined ? undefined : !t);
const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === true && b === true ? true : undefined);

/** `!c`, written the way a reader expects (`!defined(X)`, `!(A || B)`). */
export function negateCondition(c: BranchCondition): BranchCondition {
  const m = /^!(defined\(\w+\))$/.exec(c.text);
  const text = m ? m[1] : /^defined\(\w+\)$|^\w+$/.test(c.text) ? `!${c.text}` : `!(${c.text})`;
  return { text, value: not(c.value), onNonLinux: not(c.onNonLinux), onLinux: not(c.onLinux) };
}

/** `a && b` of two conditions. */
export function andConditions(a: BranchCondition, b: BranchCondition): BranchCondition {
  const wrap = (t: string): string => (/\|\||\?/.test(t) ? `(${t})` : t);
  return { text: `${wrap(a.text)} && ${wrap(b.text)}`, value: and(a.value, b.value), onNonLinux: and(a.onNonLinux, b.onNonLinux), onLinux: and(a.onLinux, b.onLinux) };
}
