import { join } from 'node:path';
import type { Provenance } from '../model/coverage.js';
import type { Arch } from '../model/vocab.js';
import { DEFAULT_TABLES_DIR, loadTableFile } from './validate.js';

/** syscall-tables/linux/<arch>.json: Linux syscall names (as strace prints them) and numbers. */
export interface LinuxSyscallTable {
  provenance: Provenance;
  arch: Arch;
  syscalls: Record<string, number>;
}

/** Both directions of one architecture's Linux syscall table. */
export interface LinuxSyscalls {
  byName: ReadonlyMap<string, number>;
  byNumber: ReadonlyMap<number, string>;
  provenance: Provenance;
}

const cache = new Map<string, LinuxSyscalls>();

/** Loads (once per process and directory) the Linux syscall table of ARCH, validated against its schema. */
export function loadLinuxSyscalls(arch: Arch, dir: string = DEFAULT_TABLES_DIR): LinuxSyscalls {
  const key = `${dir}\0${arch}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const file = join(dir, 'linux', `${arch}.json`);
  const table = loadTableFile<LinuxSyscallTable>(join(dir, 'linux-syscalls.schema.json'), file);
  const byName = new Map<string, number>();
  const byNumber = new Map<number, string>();
  for (const [name, nr] of Object.entries(table.syscalls)) {
    byName.set(name, nr);
    if (!byNumber.has(nr)) byNumber.set(nr, name);
  }
  const out = { byName, byNumber, provenance: table.provenance };
  cache.set(key, out);
  return out;
}
