/** Three-valued truth for Kconfig expressions: what we know before the whole configuration exists. */
export type Truth = true | false | undefined;

type Token = { t: 'sym'; v: string } | { t: 'op'; v: string };

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(&&|\|\||!=|[!()=]|"[^"]*"|[A-Za-z0-9_]+)/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr)) !== null) {
    const v = m[1]!;
    out.push(/^[A-Za-z0-9_"]/.test(v) ? { t: 'sym', v } : { t: 'op', v });
    if (re.lastIndex >= expr.length) break;
  }
  return out;
}

/** Evaluates `A && (B || !C)` with LOOKUP giving each symbol's truth (undefined: unknown); comparisons are unknown. */
export function evalKconfigExpr(expr: string, lookup: (symbol: string) => Truth): Truth {
  const toks = tokenize(expr);
  let i = 0;
  const and = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === true && b === true ? true : undefined);
  const or = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === false && b === false ? false : undefined);
  const primary = (): Truth => {
    const tok = toks[i++];
    if (!tok) return undefined;
    if (tok.t === 'op' && tok.v === '!') { const v = primary(); return v === undefined ? undefined : !v; }
    if (tok.t === 'op' && tok.v === '(') { const v = orExpr(); i++; return v; }
    if (tok.t === 'sym') {
      if (toks[i]?.v === '=' || toks[i]?.v === '!=') { i += 2; return undefined; }
      if (tok.v === 'y') return true;
      if (tok.v === 'n') return false;
      return lookup(tok.v);
    }
    return undefined;
  };
  const andExpr = (): Truth => { let v = primary(); while (toks[i]?.v === '&&') { i++; v = and(v, primary()); } return v; };
  const orExpr = (): Truth => { let v = andExpr(); while (toks[i]?.v === '||') { i++; v = or(v, andExpr()); } return v; };
  return orExpr();
}

/** Splits an expression into its top-level `&&` conjuncts, each split into its top-level `||` alternatives. */
export function conjunctsOf(expr: string): string[][] {
  const split = (s: string, op: string): string[] => {
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let k = 0; k < s.length; k++) {
      if (s[k] === '(') depth++;
      else if (s[k] === ')') depth--;
      else if (depth === 0 && s.startsWith(op, k)) { parts.push(s.slice(start, k)); start = k + op.length; k++; }
    }
    parts.push(s.slice(start));
    return parts.map((p) => p.trim()).filter(Boolean);
  };
  const unwrap = (s: string): string => (/^\(.*\)$/.test(s) && split(s.slice(1, -1), '&&').length >= 1 ? s.slice(1, -1).trim() : s);
  return split(expr, '&&').map((c) => split(unwrap(c), '||'));
}
