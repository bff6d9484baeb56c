import { syncLinuxSyscalls } from './linux-syscalls.js';
import { syncUnikraft } from './unikraft.js';
import { syncLibc } from './libc.js';
import { syncLoupe } from './loupe.js';
import { mergeExternalLibs, syncExternalLibs } from './external-libs.js';
import type { ExternalLibsFile } from '../data/tables.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadLinuxSyscalls } from '../data/linux-syscalls.js';
import { DEFAULT_TABLES_DIR } from '../data/validate.js';
import { loadTables } from '../data/tables.js';
import { syncPythonPort } from './python-port.js';
import { UkportError } from '../errors.js';
import { formatSummaryTable, summarizeLibc } from './libc-summaries.js';
import { summarizeNewlib } from './newlib-summaries.js';
import { syncPorts } from './unikraft-ports.js';
import { syncKraftfileSchema } from './kraftfile-schema.js';

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
  libPython3?: string;
  /** A musl libc.so (Debian's) → libc-summaries/musl-<arch>.json. */
  muslLibrary?: string;
  /** A unikraft repository (headers at lib-newlib's tag): with libNewlib and newlib → libc-summaries/newlib-x86_64.json. */
  newlibSummaries?: string;
  /** Repositories outside the core tree (lib-musl, lib-lwip, lib-libelf, app-elfloader, lib-nginx) → unikraft-ports.json. */
  ports?: string[];
  /** KraftKit's Kraftfile schema files (kraftkit schema/v0.6.json, unikraft-cloud/x kraftfile/schema.json) → kraftfile-<spec>.schema.json. */
  kraftfileSchemas?: string[];
}

/** Pretty JSON with a trailing newline: the one format of every shipped table. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/** Runs every requested sync; returns relative path → file text (the CLI writes them). */
export async function syncTables(o: SyncOptions, log: (m: string) => void, outDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const dir of [o.strace, o.unikraft, ...o.extra, o.libMusl, o.musl, o.libNewlib, o.newlib, ...o.extPorts, ...(o.ports ?? []), o.loupedb, o.libPython3, o.newlibSummaries]) {
    if (dir !== undefined && !(existsSync(dir) && statSync(dir).isDirectory())) throw new UkportError('not-found', 'source checkout directory', dir);
  }
  // Linux names/numbers: from the output directory when it has them, else the shipped ones
  const linuxDir = existsSync(join(outDir, 'linux', 'x86_64.json')) ? outDir : DEFAULT_TABLES_DIR;
  if (o.strace) {
    for (const t of syncLinuxSyscalls(o.strace)) {
      files.set(`linux/${t.arch}.json`, toJson(t));
      log(`linux ${t.arch}: ${Object.keys(t.syscalls).length} syscalls from strace ${t.provenance.tag}`);
    }
  }
  if (o.unikraft) {
    // plain C functions worth recording: syscall names, and libc functions a libc port declares but does not build
    // (Unikraft core libraries provide those: posix-environ's getenv, vfscore's opendir)
    const names = new Set([...loadLinuxSyscalls('x86_64', linuxDir).byName.keys(), ...loadLinuxSyscalls('aarch64', linuxDir).byName.keys()]);
    for (const l of loadTables(linuxDir).libc) for (const n of l.declaredNotBuilt ?? []) names.add(n);
    const t = await syncUnikraft(o.unikraft, { ...(o.tag ? { release: o.tag } : {}), extras: o.extra, isSyscallName: (n) => names.has(n) });
    const counts = Object.values(t.syscalls).reduce<Record<string, number>>((a, s) => ((a[s.status] = (a[s.status] ?? 0) + 1), a), {});
    files.set(`unikraft/${t.release}.json`, toJson(t));
    log(`unikraft ${t.release} (${t.provenance.commit.slice(0, 12)}): ${JSON.stringify(counts)}, ${Object.keys(t.libraries).length} libraries, ${t.disagreements?.length ?? 0} disagreements`);
  }
  for (const [target, port, up] of [['musl', o.libMusl, o.musl], ['newlib', o.libNewlib, o.newlib]] as const) {
    if (!port && !up) continue;
    if (!port || !up) throw new UkportError('usage', `tables sync: --lib-${target} and --${target} go together`);
    const t = await syncLibc(target, port, up, log);
    files.set(`libc/${target}-${t.version}.json`, toJson(t));
  }
  if (o.extPorts.length > 0) {
    // merged into the table already in OUT: the repos synced now replace their own entries only
    const prevPath = join(outDir, 'external-libs.json');
    const prev = existsSync(prevPath) ? (JSON.parse(readFileSync(prevPath, 'utf8')) as ExternalLibsFile) : undefined;
    const t = mergeExternalLibs(prev, syncExternalLibs(o.extPorts), o.extPorts.map((d) => basename(d.replace(/\/+$/, ''))));
    files.set('external-libs.json', toJson(t));
    log(`external libs: ${t.ports.length} sonames from ${new Set(t.ports.map((p) => p.port)).size} ports, ${t.placeholders?.length ?? 0} placeholders`);
  }
  if (o.loupedb) {
    // Loupe ran on x86_64: its rows are x86_64 syscall numbers
    const x86 = loadLinuxSyscalls('x86_64', linuxDir);
    const t = syncLoupe(o.loupedb, (nr) => x86.byNumber.get(nr));
    files.set('loupe-priors.json', toJson(t));
    log(`loupe: ${t.apps.length} apps, ${Object.keys(t.priors).length} syscalls`);
  }
  if (o.muslLibrary) {
    if (!existsSync(o.muslLibrary)) throw new UkportError('not-found', 'musl libc.so', o.muslLibrary);
    const t = summarizeLibc(o.muslLibrary, 'musl');
    files.set(`libc-summaries/musl-${t.arch}.json`, formatSummaryTable(t));
    log(`musl summaries: ${Object.keys(t.functions).length} functions from ${o.muslLibrary} (${t.provenance.repo} ${t.provenance.tag})`);
  }
  if (o.newlibSummaries) {
    if (!o.libNewlib || !o.newlib) throw new UkportError('usage', 'tables sync: --newlib-summaries needs --lib-newlib and --newlib');
    const t = await summarizeNewlib({ libNewlib: o.libNewlib, newlib: o.newlib, unikraft: o.newlibSummaries, log });
    files.set(`libc-summaries/newlib-${t.arch}.json`, formatSummaryTable(t));
    log(`newlib summaries: ${Object.keys(t.functions).length} functions (${t.provenance.repo} ${t.provenance.tag})`);
  }
  if (o.ports?.length) {
    const t = syncPorts(o.ports);
    files.set('unikraft-ports.json', toJson(t));
    log(`unikraft ports: ${t.ports.map((p) => `${p.name} (${p.provenance.commit.slice(0, 12)}, ${Object.keys(p.kconfig).length} symbols)`).join(', ')}`);
  }
  for (const file of o.kraftfileSchemas ?? []) {
    if (!existsSync(file)) throw new UkportError('not-found', 'Kraftfile schema file', file);
    const t = syncKraftfileSchema(file);
    files.set(`kraftfile-${t.spec}.schema.json`, toJson(t));
    log(`kraftfile schema ${t.spec}: ${t.provenance.repo} ${t.path} @ ${t.provenance.commit.slice(0, 12)} (${t.dialect})`);
  }
  if (o.libPython3) {
    const t = syncPythonPort(o.libPython3);
    files.set('python-port.json', toJson(t));
    log(`lib-python3: ${t.releases.length} refs`);
  }
  return files;
}
