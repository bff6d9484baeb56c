/** A symbol's value in a configuration: `y`/`n` for bools, the text of strings and numbers; undefined when unset. */
export type ValueOf = (symbol: string) => string | undefined;

type Tok = { t: 'id' | 'str' | 'op'; v: string };

function tokenize(expr: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(&&|\|\||!=|<=|>=|[!()=<>])|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z0-9_$.-]+))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < expr.length && (m = re.exec(expr)) !== null) {
    if (m[1] !== undefined) out.push({ t: 'op', v: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) out.push({ t: 'str', v: m[2] ?? m[3]! });
    else out.push({ t: 'id', v: m[4]! });
    if (/^\s*$/.test(expr.slice(re.lastIndex))) break;
  }
  return out;
}

const truthy = (v: string): boolean => v === 'y' || v === 'm';

/**
 * Evaluates a Kconfig expression (`A && (B || !C)`, `X = "initrd"`, `N >= 4`) against VALUE. A symbol nobody set is
 * `n`, as Kconfig treats undefined symbols; a word that is not a symbol (a number, y/n/m) is its own value.
 */
export function evalExpr(expr: string, value: ValueOf): boolean {
  const toks = tokenize(expr);
  let i = 0;
  // in a comparison a word nobody defines is a constant (Kconfig compares `X = initrd` with the text); alone it is n
  const operand = (compared: boolean): string => {
    const tok = toks[i++];
    if (!tok) return 'n';
    if (tok.t === 'str') return tok.v;
    if (/^(y|n|m)$/.test(tok.v) || /^-?(\d+|0x[0-9a-fA-F]+)$/.test(tok.v)) return tok.v;
    return value(tok.v) ?? (compared ? tok.v : 'n');
  };
  const isCompare = (t: Tok | undefined) => t?.t === 'op' && ['=', '!=', '<', '>', '<=', '>='].includes(t.v);
  const compare = (a: string, op: string, b: string): boolean => {
    if (op === '=') return a === b;
    if (op === '!=') return a !== b;
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
    return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
  };
  const unary = (): boolean => {
    const tok = toks[i];
    if (tok?.t === 'op' && tok.v === '!') { i++; return !unary(); }
    if (tok?.t === 'op' && tok.v === '(') { i++; const v = orExpr(); if (toks[i]?.v === ')') i++; return v; }
    const a = operand(isCompare(toks[i + 1]));
    const op = toks[i];
    if (isCompare(op)) { i++; return compare(a, op!.v, operand(true)); }
    return truthy(a);
  };
  const andExpr = (): boolean => { let v = unary(); while (toks[i]?.v === '&&') { i++; const r = unary(); v = v && r; } return v; };
  const orExpr = (): boolean => { let v = andExpr(); while (toks[i]?.v === '||') { i++; const r = andExpr(); v = v || r; } return v; };
  return toks.length === 0 ? true : orExpr();
}

/** `X if COND` → [X, COND]; COND undefined when there is none. */
export function splitIf(s: string): [string, string | undefined] {
  const m = /^(.*?)\s+if\s+(.+)$/.exec(s.trim());
  return m ? [m[1]!.trim(), m[2]!.trim()] : [s.trim(), undefined];
}
