import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LibcSummaryTable } from '../../model/index.js';
import type { Arch, Libc } from '../../model/vocab.js';
import { DEFAULT_TABLES_DIR, loadTableFile } from '../../data/validate.js';
import { UkportError } from '../../errors.js';
import type { LoadedElf } from '../elf/resolve-libraries.js';
import type { ImportOverride } from '../elf/reach/types.js';

/** Sonames of the Linux libc family that a native port replaces with Unikraft's libc. */
const LIBC_FAMILY = /^(libc|libm|libpthread|libdl|librt|libutil|libresolv|libcrypt|ld-linux[-\w.]*|ld-musl[-\w.]*)\.so/;

/** Native mode: which closure members the chosen libc replaces, and how imports map to its summaries. */
export interface NativeOverride {
  replaces(lib: LoadedElf, isInterp: boolean): boolean;
  lookup: ImportOverride;
}

/** Path of the shipped summary table of LIBC on ARCH. */
export function summaryFile(libc: Libc, arch: Arch, dir = DEFAULT_TABLES_DIR): string {
  return join(dir, 'libc-summaries', `${libc}-${arch}.json`);
}

/** Loads syscall-tables/libc-summaries/<libc>-<arch>.json, validated against libc-summary.schema.json. */
export function loadLibcSummary(libc: Libc, arch: Arch, dir = DEFAULT_TABLES_DIR): LibcSummaryTable {
  const file = summaryFile(libc, arch, dir);
  if (!existsSync(file)) {
    // the newlib summaries come from an x86-64 build of lib-newlib's sources (legacy libc, no aarch64 build)
    const how = libc === 'newlib' && arch !== 'x86_64' ? `newlib is summarised for x86_64 only; plan ${arch} programs with --libc musl`
      : `run ukport tables sync ${libc === 'musl' ? '--musl-so FILE' : '--newlib-summaries DIR'}, see syscall-tables/README.md`;
    throw new UkportError('not-found', `no ${libc} function summaries for ${arch}: ${how}`, file);
  }
  const t = loadTableFile<LibcSummaryTable>(join(dir, 'libc-summary.schema.json'), file);
  if (t.libc !== libc || t.arch !== arch) throw new UkportError('bad-table', `summaries are for ${t.libc} on ${t.arch}`, file);
  return t;
}

// glibc ABI details a rebuild against another libc does not call: errno/ctype accessors, the stack protector's
// failure hook (Unikraft's own), the DSO destructor hook.
const NO_SYSCALL_GLIBC = new Set(['__errno_location', '__ctype_b_loc', '__ctype_tolower_loc', '__ctype_toupper_loc', '__stack_chk_fail', '__cxa_finalize']);

/**
 * The names a glibc import has in the rebuilt program, most specific first: itself, then the plain function
 * behind glibc's ABI variants (`__printf_chk` → printf with fortify off, `fopen64` → fopen where off_t is
 * 64-bit, `__isoc99_sscanf` → sscanf, `__cxa_atexit` → atexit).
 */
export function rebuiltNames(name: string): string[] {
  const out = [name];
  const chk = /^__(\w+)_chk$/.exec(name);
  if (chk) out.push(chk[1]!);
  const iso = /^__isoc(?:99|23)_(\w+)$/.exec(name);
  if (iso) out.push(iso[1]!);
  if (/[a-z]64$/.test(name)) out.push(name.slice(0, -2));
  if (name === '__cxa_atexit') out.push('atexit');
  return out;
}

/** Builds the native-mode override for LIBC on ARCH. */
export function nativeOverride(libc: Libc, arch: Arch): NativeOverride {
  const table = loadLibcSummary(libc, arch);
  const source = summaryFile(libc, arch);
  // '(startup)': what the libc's own start-up makes (see sync/libc-summaries.ts)
  const startup = table.functions['(startup)'] ?? table.functions['__libc_start_main'] ?? [];
  const wrappers = new Map((table.functions['(syscall-wrappers)'] ?? []).map((w) => [w.replace(/:.*$/, ''), Number(w.replace(/^.*:/, ''))]));
  return {
    replaces: (lib, isInterp) => isInterp || LIBC_FAMILY.test(lib.decoded.info.soname ?? lib.path.replace(/^.*\//, '')),
    lookup: (name) => {
      const plain = name.replace(/@.*$/, '');
      // start-up is libc's: its own start-up stands in for glibc's
      if (plain === '__libc_start_main') return { syscalls: startup, source };
      for (const name of rebuiltNames(plain)) {
        const hit = table.functions[name];
        if (hit) return { syscalls: hit, source, wrapperParam: wrappers.get(name) };
      }
      if (NO_SYSCALL_GLIBC.has(plain)) return { syscalls: [], source: `${source} (glibc ABI detail ${plain}: no call once rebuilt)` };
      return undefined;
    },
  };
}
