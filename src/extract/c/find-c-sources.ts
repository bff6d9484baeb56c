import { lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UkportError } from '../../errors.js';
import { readCompileDb, type CSourceInput } from './compile-db.js';

/** The C files to scan and, when one was used, the compilation database they came from. */
export interface CSourceSet {
  files: CSourceInput[];
  compileDb?: string;
}

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);
const C_FILE = /\.[ch]$/;

function walk(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    const p = join(dir, name);
    // lstat: symlinked directories are not followed (loops, trees outside the project)
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) { if (!SKIP_DIRS.has(name)) walk(p, out); } else if (st.isFile() && C_FILE.test(name)) out.push(p);
  }
}

/**
 * Finds the C sources under the given paths. A directory with a `compile_commands.json` at its top
 * (or a path to such a file) contributes the database's files with their flags, plus the headers
 * found under the directory; otherwise every `.c`/`.h` file under the directory, without flags.
 */
export function findCSources(paths: readonly string[]): CSourceSet {
  const files = new Map<string, CSourceInput>();
  let compileDb: string | undefined;
  const add = (f: CSourceInput): void => { if (!files.has(f.path)) files.set(f.path, f); };
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new UkportError('not-found', 'no such file or directory', p);
    if (st.isDirectory()) {
      const db = join(p, 'compile_commands.json');
      const found: string[] = [];
      walk(p, found);
      // a compile_commands.json that is not a regular file (a FIFO, a device) is not read
      if (statSync(db, { throwIfNoEntry: false })?.isFile()) {
        compileDb ??= db;
        for (const f of readCompileDb(db)) add(f);
        for (const f of found) if (f.endsWith('.h')) add({ path: resolve(f) });
      } else {
        for (const f of found) add({ path: f });
      }
    } else if (basename(p) === 'compile_commands.json') {
      compileDb ??= p;
      for (const f of readCompileDb(p)) add(f);
    } else if (C_FILE.test(p)) {
      add({ path: p });
    } else {
      throw new UkportError('unsupported-input', 'not a C source (.c/.h), directory or compile_commands.json', p);
    }
  }
  return { files: [...files.values()], ...(compileDb ? { compileDb } : {}) };
}
