import { tokenizePython, type PyToken } from './tokenize.js';

/** One use of an imported module: the import itself or an attribute reached through its name. */
export interface PyModuleUse {
  /** Absolute dotted module name (`os.path`). */
  module: string;
  /** Attribute used (`fork` in `os.fork()` or `from os import fork`); absent for a plain import. */
  member?: string;
  line: number;
  column: number;
  /** `import`, `from` (a from-import names the member), or `attribute` (a later `mod.member`). */
  how: 'import' | 'from' | 'attribute' | 'dynamic';
}

function dotted(toks: PyToken[], at: number): { name: string; next: number } | undefined {
  if (toks[at]?.kind !== 'name') return undefined;
  const parts = [toks[at]!.text];
  let i = at + 1;
  while (toks[i]?.text === '.' && toks[i + 1]?.kind === 'name') { parts.push(toks[i + 1]!.text); i += 2; }
  return { name: parts.join('.'), next: i };
}

/**
 * Finds imports in Python source (`import a.b as c`, `from a import (b, c as d)`, `importlib.import_module('x')`,
 * `__import__('x')`) at any nesting, and the later attribute uses `alias.member` of the names they bind.
 * Relative imports (`from . import x`) are the project's own code and are skipped.
 */
export function scanPythonImports(src: string): PyModuleUse[] {
  const toks = tokenizePython(src);
  const uses: PyModuleUse[] = [];
  // local name → module it stands for; `import a.b` binds `a` and makes `a.b` reachable through it
  const bound = new Map<string, string>();
  const imported = new Set<string>();
  const inImport = new Set<number>();
  let stmtStart = true;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const starts = stmtStart;
    // a statement starts a logical line, follows `;`, or follows the `:` of a one-line compound statement
    const next = toks[i + 1]?.text;
    stmtStart = t.kind === 'newline' || t.text === ';' || (t.text === ':' && (next === 'import' || next === 'from'));
    if (!starts || t.kind !== 'name') continue;
    if (t.text === 'import') {
      let j = i + 1;
      for (;;) {
        const d = dotted(toks, j);
        if (!d) break;
        for (let k = i; k < d.next; k++) inImport.add(k);
        uses.push({ module: d.name, line: toks[j]!.line, column: toks[j]!.col, how: 'import' });
        imported.add(d.name);
        j = d.next;
        if (toks[j]?.text === 'as' && toks[j + 1]?.kind === 'name') { bound.set(toks[j + 1]!.text, d.name); inImport.add(j + 1); j += 2; }
        else bound.set(d.name.split('.')[0]!, d.name.split('.')[0]!);
        if (toks[j]?.text !== ',') break;
        j++;
      }
      i = j - 1;
    } else if (t.text === 'from') {
      if (toks[i + 1]?.text === '.') continue;
      const d = dotted(toks, i + 1);
      if (!d || toks[d.next]?.text !== 'import') continue;
      imported.add(d.name);
      let j = d.next + 1;
      const paren = toks[j]?.text === '(';
      if (paren) j++;
      for (;;) {
        const m = toks[j];
        if (!m) break;
        if (m.kind === 'newline' && paren) { j++; continue; }
        if (m.text === '*') { uses.push({ module: d.name, member: '*', line: m.line, column: m.col, how: 'from' }); j++; }
        else if (m.kind === 'name') {
          uses.push({ module: d.name, member: m.text, line: m.line, column: m.col, how: 'from' });
          j++;
          if (toks[j]?.text === 'as' && toks[j + 1]?.kind === 'name') j += 2;
        } else break;
        if (toks[j]?.text !== ',') break;
        j++;
      }
      if (paren && toks[j]?.text === ')') j++;
      i = j - 1;
    }
  }
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'name' || inImport.has(i) || toks[i - 1]?.text === '.' || !bound.has(t.text)) continue;
    const d = dotted(toks, i);
    if (!d) continue;
    // resolve the alias, then split at the longest imported module name
    const parts = [bound.get(t.text)!, ...d.name.split('.').slice(1)].join('.').split('.');
    let cut = parts.length;
    while (cut > 0 && !imported.has(parts.slice(0, cut).join('.'))) cut--;
    if (cut === 0 || cut === parts.length) continue;
    const module = parts.slice(0, cut).join('.');
    const member = parts[cut]!;
    const call = toks[d.next]?.text === '(' ? toks[d.next + 1] : undefined;
    // importlib.import_module('x') and __import__('x') with a constant name import x
    if (module === 'importlib' && member === 'import_module' && call?.kind === 'string') {
      uses.push({ module: call.text, line: call.line, column: call.col, how: 'dynamic' });
    }
    uses.push({ module, member, line: t.line, column: t.col, how: 'attribute' });
    i = d.next - 1;
  }
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.text === '__import__' && toks[i]!.kind === 'name' && toks[i + 1]!.text === '(' && toks[i + 2]!.kind === 'string') {
      uses.push({ module: toks[i + 2]!.text, line: toks[i + 2]!.line, column: toks[i + 2]!.col, how: 'dynamic' });
    }
  }
  return uses.sort((a, b) => a.line - b.line || a.column - b.column);
}
