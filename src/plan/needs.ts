import type { Fact, Mode } from '../model/index.js';
import { isOffLinux } from '../match/subjects.js';

/** What the app needs, keyed by name, with the fact ids (`kind:name`) that show it. */
export interface Needs {
  /** Syscall name → `program` or `startup` (program wins when both). */
  syscalls: Map<string, 'program' | 'startup'>;
  /** Functions the app calls or imports (ELF imports, C calls, address-taken functions). */
  functions: Set<string>;
  /** Imports bound to a glibc symbol version: known libc functions even when no libc table lists them. */
  glibcImports: Set<string>;
  /** System headers the sources include. */
  headers: Set<string>;
  /** Shared libraries (DT_NEEDED sonames) with the version in their name. */
  sonames: Map<string, string | undefined>;
  /** dlopen/dlsym sites: the plugin mechanism a static build must replace. */
  dynamicLoading: string[];
  /** Absolute file paths the app names (config files, static content). */
  paths: string[];
  /** The binaries are dynamically linked (an interpreter / NEEDED entries). */
  dynamic: boolean;
}

// Paths served by Unikraft's pseudo file systems or the console, not a rootfs.
const PSEUDO_PATHS = /^\/(dev|proc|sys)\//;

/** Reduces facts to the needs the planner serves; in native mode start-up syscalls of glibc do not apply. */
export function collectNeeds(facts: Fact[], mode: Mode): Needs {
  const dlopenSymbols: string[] = [];
  const needs: Needs = { syscalls: new Map(), functions: new Set(), glibcImports: new Set(), headers: new Set(), sonames: new Map(), dynamicLoading: [], paths: [], dynamic: false };
  for (const f of facts) {
    // a site only a non-Linux build compiles (`#if BSD >= 199103`, `#ifdef __i386__`) is not a need of the port
    if (isOffLinux(f)) continue;
    switch (f.kind) {
      case 'syscall':
        // native: glibc's loader and start-up code are replaced by Unikraft's boot, so only program syscalls count
        if (f.class === 'startup' && mode === 'native') break;
        if (needs.syscalls.get(f.name) !== 'program') needs.syscalls.set(f.name, f.class);
        break;
      case 'symbol':
        if (f.role !== 'export' && f.type !== 'object') needs.functions.add(f.name);
        if (f.role === 'import' && f.version?.startsWith('GLIBC_')) needs.glibcImports.add(f.name);
        if (f.role !== 'export' && (f.name === 'dlopen' || f.name === 'dlmopen')) dlopenSymbols.push(`${f.name}() (${f.evidence[0]?.artifact ?? 'app'})`);
        break;
      case 'header':
        if (f.system) needs.headers.add(f.name);
        break;
      case 'library':
        needs.sonames.set(f.soname, f.version);
        needs.dynamic = true;
        break;
      case 'unknown':
        if (f.reason === 'dlopen') needs.dynamicLoading.push(f.message);
        break;
      case 'string':
        if (f.value.startsWith('/') && !PSEUDO_PATHS.test(f.value) && !/\s/.test(f.value)) needs.paths.push(f.value);
        break;
      default:
        break;
    }
  }
  // the extractors' dlopen unknowns say more (the argument) than the imported/called symbol; use the symbol only without them
  if (needs.dynamicLoading.length === 0) needs.dynamicLoading.push(...dlopenSymbols);
  needs.dynamicLoading = [...new Set(needs.dynamicLoading)].sort();
  needs.paths = [...new Set(needs.paths)].sort();
  return needs;
}
