import { spawnSync } from 'node:child_process';
import type { LibcSummaryTable, Provenance } from '../model/index.js';
import type { Libc } from '../model/vocab.js';
import { UkportError } from '../errors.js';
import { loadLinuxSyscalls } from '../data/linux-syscalls.js';
import { buildModuleGraph, scannerFor } from '../extract/elf/call-graph.js';
import { numbersOf, summarizeFunctions } from '../extract/libc/export-summaries.js';
import { loadElf } from '../extract/elf/resolve-libraries.js';
import { SHN_UNDEF, STT_OBJECT, STT_TLS } from '../extract/elf/symbols.js';
import { TOOL_VERSION } from '../version.js';

/** Pseudo-function holding the start-up syscalls of the libc. */
export const STARTUP_KEY = '(startup)';
/** Pseudo-function listing exported syscall wrappers as `name:parameterIndex`. */
export const WRAPPERS_KEY = '(syscall-wrappers)';

/** Where the summarised libc binary came from (a Debian package, by default looked up with dpkg). */
export interface LibcOrigin { packageName: string; packageVersion: string }

/**
 * Function → syscall summaries of a real libc binary (e.g. Debian's musl libc.so): for every exported
 * function, the syscalls reachable from it in the libc's own call graph; once an indirect call is reachable,
 * every function whose address the libc stores in data counts as well (sound, as in binary analysis).
 */
export function summarizeLibc(path: string, libc: Libc, origin?: LibcOrigin | Provenance): LibcSummaryTable {
  const mod = loadElf(path);
  const scanner = scannerFor(mod.elf.machine, mod.elf.class);
  if (!scanner) throw new UkportError('unsupported-input', `no syscall analysis for ${mod.decoded.info.machine}`, path);
  const g = buildModuleGraph(mod, scanner);
  const names = loadLinuxSyscalls(scanner.arch).byNumber;
  const sets = summarizeFunctions(g);
  const named = (nrs: Iterable<number>): string[] => [...new Set([...nrs].map((n) => names.get(n) ?? `#${n}`))].sort();
  const functions: Record<string, string[]> = {};
  for (const key of Object.keys(g.exports).sort()) {
    if (!key.includes('@')) functions[key] = named(numbersOf(sets[g.exports[key]]));
  }
  // Process start-up as a static link would run it: the libc's own entry (musl's libc.so starts as the
  // dynamic linker and sets up TLS there), its constructors and __libc_start_main.
  // musl's dynamic-linker stages (__dls2/__dls2b/__dls3) find each other by symbol name, not by a call.
  const stages = ['__libc_start_main', '__dls2', '__dls2b', '__dls3'].map((k) => g.exports[k] ?? -1);
  const roots = [g.entry, ...g.initRoots, ...stages].filter((i) => i >= 0);
  functions[STARTUP_KEY] = named(roots.flatMap((r) => numbersOf(sets[r])));
  // Exported syscall wrappers (`syscall`): callers' constant arguments name the syscall (native mode).
  functions[WRAPPERS_KEY] = Object.entries(g.exports).filter(([k, f]) => !k.includes('@') && g.wrapperParam[f] >= 0)
    .map(([k, f]) => `${k}:${g.wrapperParam[f]}`).sort();
  // exported data objects (stdout, environ, optarg): what an app's object imports find in this libc
  const objects = [...new Set(mod.decoded.dynsym.filter((s) => s.shndx !== SHN_UNDEF && s.bind !== 0 && (s.type === STT_OBJECT || s.type === STT_TLS) && !s.name.includes('@')).map((s) => s.name))].sort();
  if (origin && 'repo' in origin) return { libc, arch: scanner.arch, provenance: origin, functions, objects };
  const o = origin ?? dpkgOrigin(path);
  return {
    libc, arch: scanner.arch,
    provenance: {
      // a package is not a git commit: the binary's sha256 goes into `extra`
      repo: `deb:${o.packageName}`, tag: o.packageVersion, commit: 'unknown',
      generator: `ukport ${TOOL_VERSION} libc-summaries`, date: new Date().toISOString().slice(0, 10),
      extra: [{ repo: `file:${path}`, tag: 'sha256', commit: mod.decoded.info.sha256 }],
    },
    functions,
    objects,
  };
}

/** Package owning PATH and its version, from dpkg (Debian). */
function dpkgOrigin(path: string): LibcOrigin {
  // merged-/usr systems: dpkg knows /lib/... where the file is reached as /usr/lib/...
  let s = spawnSync('dpkg-query', ['-S', path], { encoding: 'utf8' });
  if (s.status !== 0 && path.startsWith('/usr/')) s = spawnSync('dpkg-query', ['-S', path.slice(4)], { encoding: 'utf8' });
  // `musl:amd64: /lib/...`: query the owning package with its architecture (musl:arm64 may be installed too)
  const owner = s.status === 0 ? s.stdout.split('\n')[0].split(': ')[0].trim() : 'unknown';
  const pkg = owner.split(':')[0];
  const v = pkg === 'unknown' ? undefined : spawnSync('dpkg-query', ['-W', '-f', '${Version}', owner], { encoding: 'utf8' });
  return { packageName: pkg, packageVersion: v?.status === 0 ? v.stdout.trim() : 'unknown' };
}

/** The shipped form of a summary table: pretty JSON with one function per line (reviewable, small diffs). */
export function formatSummaryTable(table: LibcSummaryTable): string {
  const { functions, objects, ...head } = table;
  const body = Object.entries(functions).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  const objectsLine = objects ? `,\n  "objects": ${JSON.stringify(objects)}` : '';
  return JSON.stringify(head, null, 2).replace(/\n}$/, `${objectsLine},\n  "functions": {\n${body}\n  }\n}\n`);
}
