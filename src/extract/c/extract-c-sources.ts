import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Arch, Fact } from '../../model/index.js';
import { loadCParser, parseBounded, type CParser } from './c-parser.js';
import type { CSourceInput } from './compile-db.js';
import { envFromFlags } from './conditions.js';
import { FactBag } from './fact-bag.js';
import { withCommandLineMacros, type MacroDef } from './macros.js';
import { resolveFileFacts, type SyscallNames } from './resolve-c-facts.js';
import { scanCTree, type FileScan, type NameFilter } from './scan-c-file.js';
import { isStackOverflow, tooDeepFact } from '../limits.js';

/** Options of `extractCSources`. Only `libcFunctions` is required. */
export interface CExtractOptions {
  /** Names of the libc's functions (LibcTable.functions); only calls to these become symbol facts. */
  libcFunctions: ReadonlySet<string>;
  /** Architecture of `syscall()` facts (default x86_64). */
  arch?: Arch;
  /** Syscall name ↔ number tables (`loadLinuxSyscalls(arch)`); without one, numbers stay null. */
  syscalls?: Partial<Record<Arch, SyscallNames>>;
  /** `-D` flags for every file, applied after the file's own (compile_commands.json) flags. */
  defines?: Record<string, string>;
  /** `-U` flags for every file, applied after `defines`. */
  undefs?: readonly string[];
  /** Extra `-I` directories for every file. */
  includePaths?: readonly string[];
  /** Directories searched last for `<x.h>` and `"x.h"` (e.g. the target libc's include dir). */
  systemIncludePaths?: readonly string[];
  /** Files larger than this are skipped (default 64 MiB). */
  maxFileBytes?: number;
  /** Files larger than this are analysed up to this many bytes only (default 16 MiB). */
  boundedFileBytes?: number;
  /** Parse time budget per file (default 30 s). */
  parseTimeoutMs?: number;
}

/** Facts found in C sources. */
export interface CExtractResult {
  facts: Fact[];
}

const MiB = 1024 * 1024;
/** Calls that yield facts whether or not the libc list names them. */
const SPECIAL_CALLS = new Set(['syscall', 'dlopen', 'dlsym']);

type Loaded = { text: string; truncatedFrom?: number } | { skip: string; reason: 'skipped-file' | 'bad-file' };

function readSource(path: string, max: number, bounded: number): Loaded {
  let fd: number | undefined;
  try {
    // non-blocking, and only a regular file: a FIFO named by a compile database would block the read forever
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return { skip: 'skipped: not a regular file', reason: 'bad-file' };
    const size = st.size;
    if (size > max) return { skip: `skipped: ${size} bytes is over the ${max}-byte limit for C sources`, reason: 'skipped-file' };
    const want = Math.min(size, bounded);
    const buf = Buffer.allocUnsafe(want);
    const got = readSync(fd, buf, 0, want, 0);
    // C source is text: a NUL byte in the first 8 KiB means a binary with a .c/.h name
    if (buf.subarray(0, Math.min(got, 8192)).includes(0)) return { skip: 'skipped: binary content in a .c/.h file', reason: 'skipped-file' };
    if (size <= bounded) return { text: buf.toString('utf8', 0, got) };
    const cut = buf.lastIndexOf(10, got - 1);
    return { text: buf.toString('utf8', 0, cut > 0 ? cut + 1 : got), truncatedFrom: size };
  } catch (e) {
    return { skip: `unreadable: ${(e as Error).message}`, reason: 'bad-file' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Looks `#include` names up in directories, caching what exists. */
class HeaderResolver {
  private readonly cache = new Map<string, boolean>();
  resolve(name: string, dirs: readonly string[]): string | undefined {
    for (const d of dirs) {
      const p = join(d, name);
      let ok = this.cache.get(p);
      if (ok === undefined) { ok = existsSync(p); this.cache.set(p, ok); }
      if (ok) return p;
    }
    return undefined;
  }
}

/**
 * Scans C sources with tree-sitter and returns facts with file:line:column evidence: headers,
 * libc calls and function pointers, `syscall()` and inline-asm syscalls, porting-relevant path
 * strings, and unknowns (parse errors, opaque macros, skipped files). Branches of `#if` that the
 * -D/-U flags decide false are dropped; the rest carry their condition (`Evidence.condition`), and
 * facts compiled only under `__linux__` carry `Evidence.detail = 'linux-only'`.
 */
export async function extractCSources(files: readonly (string | CSourceInput)[], options: CExtractOptions): Promise<CExtractResult> {
  const c = await loadCParser();
  const bag = new FactBag();
  const scans: { file: string; scan: FileScan; defines: ReadonlyMap<string, string> }[] = [];
  const resolver = new HeaderResolver();
  const inputs = files.map((f): CSourceInput => (typeof f === 'string' ? { path: f } : f));
  // headers first: a .c file can only use macros from headers it includes, so by then all its macros are known
  const ordered = [...inputs.filter((f) => !f.path.endsWith('.c')), ...inputs.filter((f) => f.path.endsWith('.c'))];
  const macroNames = new Set<string>();
  for (const input of ordered) {
    const defines = fileDefines(input, options);
    const isHeader = !input.path.endsWith('.c');
    const keep: NameFilter = {
      keep: (n) => isHeader || options.libcFunctions.has(n) || macroNames.has(n) || defines.defines.has(n) || SPECIAL_CALLS.has(n),
      libc: (n) => options.libcFunctions.has(n),
    };
    const scan = guardDepth(input.path, bag, () => scanFile(c, input, defines, keep, options, bag));
    if (!scan) continue;
    scans.push({ file: input.path, scan, defines: defines.defines });
    for (const m of scan.macros) macroNames.add(m.def.name);
    const quoted = [dirname(input.path), ...(input.includePaths ?? []), ...(options.includePaths ?? [])];
    const system = [...(input.includePaths ?? []), ...(options.includePaths ?? []), ...(input.systemIncludePaths ?? []), ...(options.systemIncludePaths ?? [])];
    for (const inc of scan.includes) {
      const resolved = resolver.resolve(inc.name, inc.system ? system : [...quoted, ...(input.systemIncludePaths ?? []), ...(options.systemIncludePaths ?? [])]);
      const ev = { artifact: input.path, extractor: 'c.include', location: { file: input.path, line: inc.ctx.line, column: inc.ctx.column, ...(inc.ctx.function ? { function: inc.ctx.function } : {}) },
        ...(inc.ctx.condition ? { condition: inc.ctx.condition } : {}), ...(inc.ctx.linuxOnly ? { detail: 'linux-only' } : {}),
        ...(inc.ctx.offLinux !== undefined ? { offLinux: inc.ctx.offLinux } : {}) };
      bag.add({ kind: 'header', name: inc.name, system: inc.system, ...(resolved ? { resolved } : {}), evidence: [ev] });
    }
  }
  const macros = new Map<string, MacroDef[]>();
  const defined = new Set<string>();
  for (const { scan } of scans) {
    // a definition no Linux build compiles (`#elif defined(__i386__)` → `#define __NR_x 374`) does not name a syscall there
    for (const { def } of scan.macros.filter((m) => m.ctx.offLinux === undefined)) {
      const list = macros.get(def.name) ?? [];
      if (!list.some((d) => d.body === def.body && d.params?.join() === def.params?.join())) list.push(def);
      macros.set(def.name, list);
    }
    for (const fn of scan.functions) defined.add(fn);
  }
  const rc = { libcFunctions: options.libcFunctions, macros, defined, arch: options.arch ?? 'x86_64', syscalls: options.syscalls };
  for (const { file, scan, defines } of scans) guardDepth(file, bag, () => resolveFileFacts(file, scan, { ...rc, macros: withCommandLineMacros(macros, defines) }, bag));
  return { facts: bag.facts() };
}

/** Runs one file's step; a stack overflow on a hostile nesting becomes an unknown for that file, and the scan goes on. */
function guardDepth<T>(file: string, bag: FactBag, step: () => T): T | null {
  try {
    return step();
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    bag.add(tooDeepFact(file, 'c.source'));
    return null;
  }
}

/** The file's own flags first, then the command line's, later flags winning as in the compiler. */
function fileDefines(input: CSourceInput, o: CExtractOptions): { defines: Map<string, string>; undefs: Set<string> } {
  const defines = new Map(Object.entries(input.defines ?? {}));
  const undefs = new Set(input.undefs ?? []);
  for (const [k, v] of Object.entries(o.defines ?? {})) { defines.set(k, v); undefs.delete(k); }
  for (const u of o.undefs ?? []) { defines.delete(u); undefs.add(u); }
  return { defines, undefs };
}

function scanFile(c: CParser, input: CSourceInput, flags: ReturnType<typeof fileDefines>, keep: NameFilter, o: CExtractOptions, bag: FactBag): FileScan | null {
  const path = input.path;
  const note = (reason: 'skipped-file' | 'bad-file' | 'limit-exceeded', message: string): void =>
    bag.add({ kind: 'unknown', reason, message, evidence: [{ artifact: path, extractor: 'c.source' }] });
  const loaded = readSource(path, o.maxFileBytes ?? 64 * MiB, o.boundedFileBytes ?? 16 * MiB);
  if ('skip' in loaded) { note(loaded.reason, loaded.skip); return null; }
  if (loaded.truncatedFrom !== undefined) {
    note('limit-exceeded', `only the first ${loaded.text.length} of ${loaded.truncatedFrom} bytes were analysed`);
  }
  const budget = o.parseTimeoutMs ?? 30_000;
  const t0 = performance.now();
  const tree = parseBounded(c, loaded.text, budget);
  if (!tree) { note('limit-exceeded', 'parse timed out; file not analysed'); return null; }
  try {
    const scan = scanCTree(c, tree, loaded.text, envFromFlags(flags.defines, flags.undefs), keep, Math.max(1000, budget - (performance.now() - t0)));
    if (scan.stoppedAt !== undefined) note('limit-exceeded', `syntax tree query timed out at byte ${scan.stoppedAt}; sites after it are not analysed`);
    return scan;
  } finally {
    tree.delete();
  }
}
