import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Arch } from '../model/vocab.js';
import type { LinuxSyscallTable } from '../data/linux-syscalls.js';
import { UkportError } from '../errors.js';
import { makeProvenance } from './git-provenance.js';

/** strace's per-arch entry tables; names there are exactly what strace prints. */
const ENTRY_FILES: Record<Arch, string> = {
  x86_64: 'src/linux/x86_64/syscallent.h',
  aarch64: 'src/linux/aarch64/syscallent.h',
};

// `[ 12] = { 1, TM|SI, SEN(brk), "brk" },` or `[BASE_NR + 435] = { ... "clone3" },`
const ENTRY = /^\[\s*(?:BASE_NR\s*\+\s*)?(\d+)\s*\]\s*=\s*\{[^"]*"([A-Za-z0-9_]+)"\s*\}/;
const INCLUDE = /^#\s*include\s+"([^"]+)"/;

/** Parses one strace syscallent.h (following its #include "…" chain) into name → number. */
export function parseSyscallent(
  file: string,
  includeDirs: string[] = [],
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (path: string, depth: number): void => {
    if (depth > 8) throw new UkportError('limit-exceeded', 'include chain too deep', path);
    for (const raw of read(path).split('\n')) {
      const line = raw.trim();
      const inc = INCLUDE.exec(line);
      if (inc) {
        // like the C preprocessor: the including file's directory first, then -I dirs (strace: src/linux/generic)
        const cands = [dirname(path), ...includeDirs].map((d) => resolve(d, inc[1]!));
        const found = cands.find((c) => existsSync(c));
        if (!found) throw new UkportError('not-found', `#include "${inc[1]}"`, path);
        visit(found, depth + 1);
        continue;
      }
      const m = ENTRY.exec(line);
      if (!m) continue;
      const nr = Number(m[1]);
      const name = m[2]!;
      // x86_64: only the 64-bit ABI; x32 entries live at 512+ in a separate file anyway
      if (nr >= 512) continue;
      // strace names a few unimplemented slots like "afs_syscall"; keep the first number for a name
      if (!out.has(name)) out.set(name, nr);
    }
  };
  visit(file, 0);
  return out;
}

/** Builds the x86_64 and aarch64 Linux syscall tables from a strace checkout. */
export function syncLinuxSyscalls(straceDir: string, over: { tag?: string; commit?: string } = {}): LinuxSyscallTable[] {
  return (Object.keys(ENTRY_FILES) as Arch[]).map((arch) => {
    const map = parseSyscallent(join(straceDir, ENTRY_FILES[arch]), [join(straceDir, 'src/linux/generic')]);
    const syscalls: Record<string, number> = {};
    for (const [name, nr] of [...map].sort((a, b) => a[1] - b[1])) syscalls[name] = nr;
    const provenance = makeProvenance(straceDir, 'https://github.com/strace/strace', over, 'linux-syscalls');
    return { provenance, arch, syscalls };
  });
}
