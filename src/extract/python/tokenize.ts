/** A Python token that matters for import scanning: names and operators with their 1-based position. */
export interface PyToken {
  kind: 'name' | 'op' | 'string' | 'newline';
  text: string;
  line: number;
  col: number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
const isNamePart = (c: number): boolean => isNameStart(c) || isDigit(c);
const STRING_PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/;

/**
 * Splits Python source into names, operators, strings and logical-line ends. Comments are dropped;
 * newlines inside brackets and after a backslash continuation do not end the line; string bodies
 * (single, triple-quoted, prefixed) are kept as one token so nothing inside them reads as code.
 */
export function tokenizePython(src: string): PyToken[] {
  const out: PyToken[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  const n = src.length;
  const push = (kind: PyToken['kind'], text: string, at: number, atLine = line, atStart = lineStart) =>
    out.push({ kind, text, line: atLine, col: at - atStart + 1 });
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      if (depth === 0 && out.length > 0 && out[out.length - 1]!.kind !== 'newline') push('newline', '', i);
      i++; line++; lineStart = i;
      continue;
    }
    if (c === '#') { while (i < n && src[i] !== '\n') i++; continue; }
    if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      i += src[i + 1] === '\n' ? 2 : 3; line++; lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') { i++; continue; }
    if (isNameStart(src.charCodeAt(i))) {
      let j = i + 1;
      while (j < n && isNamePart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      if ((src[j] === '"' || src[j] === "'") && STRING_PREFIX.test(word)) { i = readString(j, i); continue; }
      push('name', word, i);
      i = j;
      continue;
    }
    if (c === '"' || c === "'") { i = readString(i, i); continue; }
    if (isDigit(src.charCodeAt(i)) || (c === '.' && isDigit(src.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isNamePart(src.charCodeAt(j)) || src[j] === '.')) j++;
      i = j;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    push('op', c, i);
    i++;
  }
  if (out.length > 0 && out[out.length - 1]!.kind !== 'newline') push('newline', '', n);
  return out;

  /** Reads a string literal whose quote is at Q (token starts at START); returns the index after it. */
  function readString(q: number, start: number): number {
    const startLine = line;
    const startLineStart = lineStart;
    const quote = src[q]!;
    const close = quote.repeat(3);
    const triple = src.startsWith(close, q);
    const qc = quote.charCodeAt(0);
    let j = q + (triple ? 3 : 1);
    const bodyStart = j;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === 92) { if (src.charCodeAt(j + 1) === 10) { line++; lineStart = j + 2; } j += 2; continue; }
      if (d === 10) {
        if (!triple) break;
        line++; lineStart = j + 1;
      }
      if (d === qc && (!triple || src.startsWith(close, j))) {
        out.push({ kind: 'string', text: src.slice(bodyStart, j), line: startLine, col: start - startLineStart + 1 });
        return j + (triple ? 3 : 1);
      }
      j++;
    }
    // unterminated: the rest of the line (or file, for triple quotes) is string
    out.push({ kind: 'string', text: src.slice(bodyStart, j), line: startLine, col: start - startLineStart + 1 });
    return j;
  }
}
