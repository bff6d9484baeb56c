import { syncLinuxSyscalls } from './linux-syscalls.js';

/** Sources given to `ukport tables sync`. */
export interface SyncOptions {
  strace?: string;
  unikraft?: string;
  tag?: string;
  extra: string[];
  libMusl?: string;
  musl?: string;
  libNewlib?: string;
  newlib?: string;
  extPorts: string[];
  loupedb?: string;
}

/** Pretty JSON with a trailing newline: the one format of every shipped table. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/** Runs every requested sync; returns relative path → file text (the CLI writes them). */
export async function syncTables(o: SyncOptions, log: (m: string) => void, _outDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (o.strace) {
    for (const t of syncLinuxSyscalls(o.strace)) {
      files.set(`linux/${t.arch}.json`, toJson(t));
      log(`linux ${t.arch}: ${Object.keys(t.syscalls).length} syscalls from strace ${t.provenance.tag}`);
    }
  }
  return files;
}
