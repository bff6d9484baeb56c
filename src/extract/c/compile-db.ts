import { dirname, isAbsolute, resolve } from 'node:path';
import { UkportError } from '../../errors.js';
import { readBounded } from '../../inputs/read-file.js';

/** Largest compilation database read (a whole-distribution database is tens of MB). */
const COMPILE_DB_MAX_BYTES = 256 * 1024 * 1024;

/** One C file to scan, with the flags that decide how it is preprocessed. */
export interface CSourceInput {
  path: string;
  /** `-I` and `-iquote` directories, searched for `"x.h"` (and `-I` for `<x.h>`). */
  includePaths?: string[];
  /** `-isystem` / `-idirafter` directories, searched for both forms after `-I`. */
  systemIncludePaths?: string[];
  /** `-D NAME[=VALUE]`; a bare `-D NAME` is `1`. */
  defines?: Record<string, string>;
  /** `-U NAME`. */
  undefs?: string[];
}

/** Splits a shell command line the way sh would for simple quoting (as CMake and Bear write them). */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let any = false;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1])) cur += cmd[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") { quote = ch; any = true; }
    else if (ch === '\\' && i + 1 < cmd.length) { cur += cmd[++i]; any = true; }
    else if (/\s/.test(ch)) { if (any || cur) out.push(cur); cur = ''; any = false; }
    else cur += ch;
  }
  if (any || cur) out.push(cur);
  return out;
}

/** Reads the preprocessor-relevant flags of one compiler command; relative paths are taken from `dir`. */
export function parseCompileFlags(args: readonly string[], dir: string): Omit<CSourceInput, 'path'> {
  const includePaths: string[] = [];
  const systemIncludePaths: string[] = [];
  const defines = new Map<string, string>();
  const undefs = new Set<string>();
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const take = (flag: string): string | null => {
      if (a === flag) return args[++i] ?? null;
      return a.startsWith(flag) ? a.slice(flag.length) : null;
    };
    let v: string | null;
    if ((v = take('-isystem')) !== null || (v = take('-idirafter')) !== null) systemIncludePaths.push(at(v));
    else if ((v = take('-iquote')) !== null || (v = take('-I')) !== null) includePaths.push(at(v));
    else if ((v = take('-D')) !== null) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      defines.set(name, eq < 0 ? '1' : v.slice(eq + 1));
      undefs.delete(name);
    } else if ((v = take('-U')) !== null) { defines.delete(v); undefs.add(v); }
  }
  return { includePaths, systemIncludePaths, defines: Object.fromEntries(defines), undefs: [...undefs] };
}

interface CompileCommand {
  directory: string;
  file: string;
  command?: string;
  arguments?: string[];
}

function isCompileCommand(v: unknown): v is CompileCommand {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.directory === 'string' && typeof o.file === 'string'
    && (typeof o.command === 'string' || (Array.isArray(o.arguments) && o.arguments.every((x) => typeof x === 'string')));
}

/** Reads a `compile_commands.json`: one input per C file, with its include paths and -D/-U flags. */
export function readCompileDb(path: string): CSourceInput[] {
  let data: unknown;
  try {
    // a regular file only, opened non-blocking and bounded: a FIFO named compile_commands.json must not hang the scan
    data = JSON.parse(readBounded(path, COMPILE_DB_MAX_BYTES).toString('utf8'));
  } catch (e) {
    if (e instanceof UkportError) throw e;
    if (e instanceof SyntaxError) throw new UkportError('bad-json', `compilation database is not JSON (${e.message})`, path);
    throw new UkportError('unreadable', String((e as Error).message), path);
  }
  if (!Array.isArray(data)) throw new UkportError('bad-json', 'compilation database must be a JSON array', path);
  const base = dirname(resolve(path));
  const seen = new Map<string, CSourceInput>();
  data.forEach((entry, i) => {
    if (!isCompileCommand(entry)) {
      throw new UkportError('bad-json', `entry ${i} needs "directory", "file" and "command" or "arguments"`, path);
    }
    const dir = isAbsolute(entry.directory) ? entry.directory : resolve(base, entry.directory);
    const file = isAbsolute(entry.file) ? entry.file : resolve(dir, entry.file);
    if (!/\.[ch]$/.test(file)) return;
    const args = entry.arguments ?? splitCommand(entry.command ?? '');
    // the first entry for a file wins, as in clangd
    if (!seen.has(file)) seen.set(file, { path: file, ...parseCompileFlags(args.slice(1), dir) });
  });
  return [...seen.values()];
}
