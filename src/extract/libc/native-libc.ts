import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LibcSummaryTable } from '../../model/index.js';
import type { Arch, Libc } from '../../model/vocab.js';
import { DEFAULT_TABLES_DIR, readJson } from '../../data/validate.js';
import { UkportError } from '../../errors.js';
import type { LoadedElf } from '../elf/resolve-libraries.js';
import type { ImportOverride } from '../elf/summaries.js';

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

/** Loads syscall-tables/libc-summaries/<libc>-<arch>.json (checked: functions map to string arrays). */
export function loadLibcSummary(libc: Libc, arch: Arch, dir = DEFAULT_TABLES_DIR): LibcSummaryTable {
  const file = summaryFile(libc, arch, dir);
  if (!existsSync(file)) throw new UkportError('not-found', `no ${libc} function summaries for ${arch} (run: ukport tables summarize-libc)`, file);
  const t = readJson(file) as LibcSummaryTable;
  const ok = t && t.libc === libc && t.arch === arch && t.provenance && typeof t.functions === 'object'
    && Object.values(t.functions).every((l) => Array.isArray(l) && l.every((s) => typeof s === 'string'));
  if (!ok) throw new UkportError('bad-table', 'not a libc summary table', file);
  return t;
}

/** Builds the native-mode override for LIBC on ARCH. */
export function nativeOverride(libc: Libc, arch: Arch): NativeOverride {
  const table = loadLibcSummary(libc, arch);
  const source = summaryFile(libc, arch);
  const startup = table.functions['__libc_start_main'] ?? [];
  return {
    replaces: (lib, isInterp) => isInterp || LIBC_FAMILY.test(lib.decoded.info.soname ?? lib.path.replace(/^.*\//, '')),
    lookup: (name) => {
      const plain = name.replace(/@.*$/, '');
      const hit = table.functions[plain];
      if (hit) return { syscalls: hit, source };
      // start-up is libc's: the summary of its entry stands in for glibc's
      if (plain === '__libc_start_main') return { syscalls: startup, source };
      return undefined;
    },
  };
}
