import { resolve } from 'node:path';
import type { Report } from '../model/index.js';
import { readBounded } from '../inputs/read-file.js';
import { isUkportError } from '../errors.js';
import { snippetKey, type SourceSnippet } from '../tui/view-model.js';

const MAX_FILES = 2000;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Reads `context` lines either side of every source position in the report's evidence (bounded; unreadable files are skipped). */
export function readSnippets(report: Report, cwd: string, context = 2): Map<string, SourceSnippet> {
  const wanted = new Map<string, Set<number>>();
  for (const f of [...report.facts, ...report.findings.flatMap((x) => x.facts)]) {
    for (const e of f.evidence) {
      if (!e.location) continue;
      const lines = wanted.get(e.location.file) ?? new Set<number>();
      lines.add(e.location.line);
      if (wanted.size < MAX_FILES || wanted.has(e.location.file)) wanted.set(e.location.file, lines);
    }
  }
  const out = new Map<string, SourceSnippet>();
  for (const [file, lines] of wanted) {
    let text: string;
    try {
      text = readBounded(resolve(cwd, file), MAX_FILE_BYTES).toString('utf8');
    } catch (e) {
      if (isUkportError(e)) continue;
      throw e;
    }
    const all = text.split('\n');
    for (const line of lines) {
      const start = Math.max(1, line - context);
      out.set(snippetKey(file, line), { startLine: start, lines: all.slice(start - 1, line + context).map((l) => l.replace(/\r$/, '')) });
    }
  }
  return out;
}
