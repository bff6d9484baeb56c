import type { PatchTemplate } from '../data/patches.js';
import type { EditedFile } from './unified-diff.js';

/** One place a template applies, found from a fact's evidence and checked against the source text. */
export interface PatchSite {
  template: PatchTemplate;
  ruleId: string;
  file: string;
  /** 1-based line of the evidence. */
  line: number;
  /** Called function, header, path literal or fd array the patch is about. */
  name: string;
  /** Extra placeholder values for subject/explanation (`env`, `header`). */
  values: Record<string, string>;
  /** Edits the file; false when the current text no longer matches. */
  apply(f: EditedFile): boolean;
}

/** Blanks string/char literals and // comments so token scans only see code. */
export function codeOnly(line: string): string {
  return line.replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, (m) => m[0] + ' '.repeat(m.length - 2) + m[0]).replace(/\/\/.*$/, '');
}

/** [start, end) of the call `name(...)` on LINE at or after COL (0-based), when it closes on the same line. */
export function callSpan(line: string, name: string, col = 0): [number, number] | null {
  const code = codeOnly(line);
  const re = new RegExp(`\\b${name}\\s*\\(`, 'g');
  re.lastIndex = Math.max(0, col);
  const m = re.exec(code) ?? (col > 0 ? new RegExp(`\\b${name}\\s*\\(`).exec(code) : null);
  if (!m) return null;
  let depth = 0;
  for (let i = m.index + m[0].length - 1; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return [m.index, i + 1];
  }
  return null;
}

/** Top-level argument texts of the call at SPAN. */
export function callArgs(line: string, span: [number, number]): string[] {
  const inner = line.slice(line.indexOf('(', span[0]) + 1, span[1] - 1);
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of inner) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The line is inside an `#if…` that already mentions __Unikraft__ (patched before, or ported by hand). */
export function underUnikraftConditional(lines: readonly string[], index: number): boolean {
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const t = lines[i]!.trim();
    if (/^#\s*endif\b/.test(t)) depth++;
    else if (/^#\s*if/.test(t)) {
      if (depth === 0 && /__Unikraft__/.test(t)) return true;
      if (depth > 0) depth--;
    }
  }
  return false;
}

/** Adds `#include <h>` after the last include outside any #if, unless the file has it already. */
export function ensureInclude(f: EditedFile, header: string): void {
  const re = new RegExp(`^\\s*#\\s*include\\s*<${header.replace(/[.]/g, '\\.')}>`);
  if (f.render().some((l) => re.test(l))) return;
  let depth = 0;
  let last = -1;
  f.lines.forEach((l, i) => {
    const t = l.trim();
    if (/^#\s*if/.test(t)) depth++;
    else if (/^#\s*endif\b/.test(t)) depth--;
    else if (depth === 0 && /^#\s*include\b/.test(t)) last = i;
  });
  f.insertAfter(last, [`#include <${header}>`]);
}

/** Fills `{key}` placeholders of a template. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z]+)\}/g, (all, k: string) => values[k] ?? all);
}

/** Text before a call that makes `call;` a statement of its own: line start, `if (…)`, `else`, `do`, a label, `{ } ;`. */
const STATEMENT_START = /(^\s*|\b(if|while|for|switch)\s*\(.*\)\s*|\b(else|do)\s+|[{};]\s*|^\s*(case\b[^?]*|default|[A-Za-z_]\w*)\s*:\s*)$/;

/**
 * What a failing call becomes: a call that is a statement of its own sets errno (an expression there would be
 * an unused value: -Wunused-value), an expression yields -1 (posix_spawn returns the error).
 */
export function failedCall(line: string, span: [number, number], name: string): string {
  const before = line.slice(0, span[0]);
  const after = line.slice(span[1]);
  if (STATEMENT_START.test(before) && /^\s*;/.test(after)) return `${before}errno = ENOSYS;${after.replace(/^\s*;/, '')}`;
  const value = /^posix_spawnp?$/.test(name) ? 'ENOSYS' : '(errno = ENOSYS, -1)';
  return before + value + after;
}
