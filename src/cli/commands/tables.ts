import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EXIT_OK, type Command, type CommandIo, type OptionValues } from '../command.js';
import { UkportError } from '../../errors.js';
import { DEFAULT_TABLES_DIR, validateTable } from '../../data/validate.js';
import { syncTables, type SyncOptions } from '../../sync/sync-tables.js';
import { loadTables } from '../../data/tables.js';
import { formatShow, formatTableList, showJson } from '../tables-format.js';

const HELP = `Usage:
  ukport tables list [--tables DIR]
  ukport tables show SYSCALL|LIB|KCONFIG|SONAME... [--format text|json] [--tables DIR]
                          (KCONFIG with or without CONFIG_; --json is short for --format json)
  ukport tables sync [--out DIR] SOURCES...

Sources for sync (each writes its tables under --out, default the shipped syscall-tables/):
  --strace DIR            strace checkout → linux/x86_64.json, linux/aarch64.json
  --unikraft DIR          unikraft checkout → unikraft/<tag>.json
  --tag TAG               release name for --unikraft (default: git describe)
  --repo URL              repository the --unikraft checkout came from, when a fork (default unikraft/unikraft)
  --release-notes DIR     unikraft/docs checkout: with --unikraft, HEAD must be a release commit its notes name
                          (sets the release and records the note); without --unikraft, writes PARTIAL tables for
                          every release the notes name after the newest exact table, from the inputs below
  --snapshot DIR          a Unikraft checkout at a dated commit between releases (upstream staging, or a pull
                          request's branch), with --snapshot-repo URL (one per --snapshot, in order)
  --indexed DIR           files copied from the search index: DIR/index.json ({files: [{repo, path, commit}]})
                          and DIR/files/<repo>/<commit>/<path> (Makefile.uk, Config.uk)
  --extra DIR             external library or app repo merged into the unikraft table (repeatable)
  --lib-musl DIR --musl DIR          lib-musl port + pinned musl sources → libc/musl-<ver>.json
  --lib-newlib DIR --newlib DIR      lib-newlib port + pinned newlib sources → libc/newlib-<ver>.json
  --musl-so FILE          a musl libc.so (Debian's package) → libc-summaries/musl-<arch>.json (native mode)
  --newlib-summaries DIR  with --lib-newlib/--newlib: a unikraft repository for the headers; builds newlib as
                          lib-newlib does (gcc, patch) → libc-summaries/newlib-x86_64.json (native mode)
  --ext-port DIR          a unikraft lib-* port repo for external-libs.json (repeatable)
  --loupedb DIR           loupedb checkout → loupe-priors.json
  --port DIR              a repository outside the core tree (lib-musl, lib-lwip, lib-libelf, app-elfloader,
                          lib-nginx, ...; a checkout or a bare mirror) → unikraft-ports.json: its Kconfig, RELEASE
                          tags and stable/staging branches, and the programs an application port builds (repeatable)
  --kraftfile-schema FILE KraftKit's Kraftfile schema in a checkout (kraftkit schema/v0.6.json, unikraft-cloud/x
                          kraftfile/schema.json) → kraftfile-<spec>.schema.json with its repo, path and commit (repeatable)
  --lib-python3 DIR       unikraft/lib-python3 checkout → python-port.json (the port's Python version and built-in extension modules per ref)
`;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** The schema a generated table file is checked against (syscall-tables/*.schema.json), if it has one. */
const SCHEMA_OF: [RegExp, string][] = [
  [/^linux\//, 'linux-syscalls'], [/^unikraft\//, 'unikraft'], [/^libc\//, 'libc'], [/^libc-summaries\//, 'libc-summary'],
  [/^external-libs\.json$/, 'external-libs'], [/^loupe-priors\.json$/, 'loupe-priors'], [/^unikraft-ports\.json$/, 'unikraft-ports'],
];

/** Checks every generated table against its schema before anything is written: shipped tables are not validated at run time. */
function validateGenerated(files: Map<string, string>): void {
  for (const [rel, text] of files) {
    const schema = SCHEMA_OF.find(([re]) => re.test(rel))?.[1];
    if (schema) validateTable(join(DEFAULT_TABLES_DIR, `${schema}.schema.json`), JSON.parse(text), rel, true);
  }
}

/** Writes every file of the map under OUT atomically (temp file, then rename). */
function writeAll(out: string, files: Map<string, string>, io: CommandIo): void {
  for (const [rel, text] of files) {
    const path = join(out, rel);
    if (!resolve(path).startsWith(resolve(out))) throw new UkportError('path-escape', rel, path);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
    io.stderr(`wrote ${path}\n`);
  }
}

async function runSync(values: OptionValues, io: CommandIo): Promise<number> {
  const opts: SyncOptions = {
    strace: str(values['strace']),
    unikraft: str(values['unikraft']),
    tag: str(values['tag']),
    repo: str(values['repo']),
    releaseNotes: str(values['release-notes']),
    snapshots: strs(values['snapshot']),
    snapshotRepos: strs(values['snapshot-repo']),
    indexed: str(values['indexed']),
    extra: strs(values['extra']),
    libMusl: str(values['lib-musl']),
    musl: str(values['musl']),
    libNewlib: str(values['lib-newlib']),
    newlib: str(values['newlib']),
    extPorts: strs(values['ext-port']),
    loupedb: str(values['loupedb']),
    libPython3: str(values['lib-python3']),
    muslLibrary: str(values['musl-so']),
    newlibSummaries: str(values['newlib-summaries']),
    ports: strs(values['port']),
    kraftfileSchemas: strs(values['kraftfile-schema']),
  };
  const out = str(values['out']) ?? DEFAULT_TABLES_DIR;
  let files: Map<string, string>;
  try {
    files = await syncTables(opts, (m) => io.stderr(m + '\n'), out);
  } catch (e) {
    if (e instanceof UkportError) throw e;
    // a checkout that is not what the option names (git fails, files missing) is an input error
    throw new UkportError('unsupported-input', `tables sync failed: ${String((e as Error).message ?? e).split('\n')[0]}`);
  }
  if (files.size === 0) throw new UkportError('usage', 'tables sync: give at least one source (--strace, --unikraft, --lib-musl, --ext-port, --port, --kraftfile-schema, --loupedb, --lib-python3, --musl-so)');
  validateGenerated(files);
  writeAll(out, files, io);
  return EXIT_OK;
}

export const tablesCommand: Command = {
  name: 'tables',
  summary: 'list, show or regenerate the coverage tables',
  help: HELP,
  options: {
    tables: { type: 'string' },
    out: { type: 'string' },
    strace: { type: 'string' },
    unikraft: { type: 'string' },
    tag: { type: 'string' },
    repo: { type: 'string' },
    'release-notes': { type: 'string' },
    snapshot: { type: 'string', multiple: true },
    'snapshot-repo': { type: 'string', multiple: true },
    indexed: { type: 'string' },
    extra: { type: 'string', multiple: true },
    'lib-musl': { type: 'string' },
    musl: { type: 'string' },
    'lib-newlib': { type: 'string' },
    newlib: { type: 'string' },
    'musl-so': { type: 'string' },
    'newlib-summaries': { type: 'string' },
    'ext-port': { type: 'string', multiple: true },
    port: { type: 'string', multiple: true },
    'kraftfile-schema': { type: 'string', multiple: true },
    loupedb: { type: 'string' },
    'lib-python3': { type: 'string' },
    format: { type: 'string', short: 'f' },
    json: { type: 'boolean' },
  },
  positionals: true,
  async run(values, positionals, io) {
    const [sub, ...rest] = positionals;
    const dir = str(values['tables']) ?? DEFAULT_TABLES_DIR;
    if (sub === 'sync') return runSync(values, io);
    if (sub === 'list') {
      io.stdout(formatTableList(loadTables(dir), dir));
      return EXIT_OK;
    }
    if (sub === 'show') {
      if (rest.length === 0) throw new UkportError('usage', 'tables show: name a syscall, micro-library or soname');
      const format = values['json'] ? 'json' : (str(values['format']) ?? 'text');
      if (format !== 'text' && format !== 'json') throw new UkportError('usage', `tables show: --format must be text or json, got '${format}'`);
      const tables = loadTables(dir);
      for (const q of rest) io.stdout(format === 'json' ? showJson(tables, q, dir) : formatShow(tables, q, dir));
      return EXIT_OK;
    }
    throw new UkportError('usage', `tables: expected list, show or sync${sub ? `, not '${sub}'` : ''}`);
  },
};
