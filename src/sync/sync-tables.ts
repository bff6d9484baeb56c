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
import { readReleaseNotes, releaseOfCommit, type ReleaseNotes } from './release-notes.js';
import { readGitInfo } from './git-provenance.js';
import { readIndexedFiles } from './indexed-files.js';
import { deriveReleases } from './release-derive.js';
import { readTreeSnapshot, type TreeSnapshot } from './tree-snapshot.js';
import type { UnikraftTable } from '../model/coverage.js';

/** Sources given to `ukport tables sync`. */
export interface SyncOptions {
  strace?: string;
  unikraft?: string;
  tag?: string;
  /** Repository URL the --unikraft checkout came from, when not unikraft/unikraft (a fork). */
  repo?: string;
  /** A unikraft/docs checkout: its release notes name release commits, dates and changes. Without --unikraft:
   *  derive partial tables for every release after the newest exact table. */
  releaseNotes?: string;
  /** Unikraft trees at dated commits between releases (upstream staging or a pull request's branch). */
  snapshots?: string[];
  /** Repository URL of each snapshot, in order. */
  snapshotRepos?: string[];
  /** A directory of files copied from the search index (index.json + files/<repo>/<commit>/<path>). */
  indexed?: string;
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

/** The release note naming the checkout's HEAD as its release commit; a checkout at no release commit is refused. */
function noteOfTree(notes: ReleaseNotes, tree: string): { release: string; repo: string; path: string; commit: string } {
  const head = readGitInfo(tree)?.commit;
  const note = head ? releaseOfCommit(notes, head) : undefined;
  if (!note) throw new UkportError('unsupported-input', `HEAD ${head ?? '(no git)'} is no release commit the release notes name`, tree);
  return { release: note.release, repo: notes.repo, path: note.path, commit: notes.commit };
}

/** Partial tables for the releases the notes name after the newest exact table (in OUT, else the shipped ones). */
async function derivePartialTables(o: SyncOptions, outDir: string, isSyscall: (n: string) => boolean, log: (m: string) => void): Promise<UnikraftTable[]> {
  const tablesDir = existsSync(join(outDir, 'unikraft.schema.json')) ? outDir : DEFAULT_TABLES_DIR;
  const basis = loadTables(tablesDir).unikraft.filter((t) => !t.partial).at(-1);
  if (!basis) throw new UkportError('usage', 'tables sync --release-notes: no exact Unikraft table to start from', tablesDir);
  const repos = o.snapshotRepos ?? [];
  if ((o.snapshots ?? []).length !== repos.length) throw new UkportError('usage', 'tables sync: give one --snapshot-repo per --snapshot');
  const trees: TreeSnapshot[] = [];
  for (const [i, dir] of (o.snapshots ?? []).entries()) {
    trees.push(await readTreeSnapshot(dir, repos[i]!, { isSyscallName: isSyscall }));
    log(`snapshot ${repos[i]} ${trees.at(-1)!.commit.slice(0, 12)} (${trees.at(-1)!.date}, ${trees.at(-1)!.ref})`);
  }
  const indexed = o.indexed ? readIndexedFiles(o.indexed) : [];
  const { tables, unplaced } = deriveReleases({ basis, notes: readReleaseNotes(o.releaseNotes!), trees, indexed, isSyscall });
  for (const t of tables) {
    const c = t.partial!.counts;
    log(`unikraft ${t.release} (partial from ${basis.release}): ${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  for (const u of unplaced) log(`unplaced: ${u.library}: ${u.what} (${u.source.kind})`);
  return tables;
}

/** Pretty JSON with a trailing newline: the one format of every shipped table. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/** Runs every requested sync; returns relative path → file text (the CLI writes them). */
export async function syncTables(o: SyncOptions, log: (m: string) => void, outDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const dir of [o.strace, o.unikraft, o.releaseNotes, o.indexed, ...(o.snapshots ?? []), ...o.extra, o.libMusl, o.musl, o.libNewlib, o.newlib, ...o.extPorts, ...(o.ports ?? []), o.loupedb, o.libPython3, o.newlibSummaries]) {
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
  // Linux syscall names (both arches): what release notes and C files may name
  const names = new Set([...loadLinuxSyscalls('x86_64', linuxDir).byName.keys(), ...loadLinuxSyscalls('aarch64', linuxDir).byName.keys()]);
  if (o.unikraft) {
    // plain C functions worth recording: syscall names, and libc functions a libc port declares but does not build
    // (Unikraft core libraries provide those: posix-environ's getenv, vfscore's opendir)
    const fnNames = new Set(names);
    for (const l of loadTables(linuxDir).libc) for (const n of l.declaredNotBuilt ?? []) fnNames.add(n);
    const releaseNote = o.releaseNotes ? noteOfTree(readReleaseNotes(o.releaseNotes), o.unikraft) : undefined;
    const t = await syncUnikraft(o.unikraft, {
      ...(o.tag ? { release: o.tag } : {}), ...(o.repo ? { repo: o.repo } : {}), ...(releaseNote ? { releaseNote } : {}),
      extras: o.extra, isSyscallName: (n) => fnNames.has(n),
    });
    const counts = Object.values(t.syscalls).reduce<Record<string, number>>((a, s) => ((a[s.status] = (a[s.status] ?? 0) + 1), a), {});
    files.set(`unikraft/${t.release}.json`, toJson(t));
    log(`unikraft ${t.release} (${t.provenance.commit.slice(0, 12)}): ${JSON.stringify(counts)}, ${Object.keys(t.libraries).length} libraries, ${t.disagreements?.length ?? 0} disagreements`);
  }
  if (o.releaseNotes && !o.unikraft) {
    for (const t of await derivePartialTables(o, outDir, (n) => names.has(n), log)) files.set(`unikraft/${t.release}.json`, toJson(t));
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
