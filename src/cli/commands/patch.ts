import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { checkOutDir, writeFilesConfined } from '../write-files.js';
import { dirname, join, resolve, sep } from 'node:path';
import { EXIT_OK, type Command, type CommandIo, type OptionValues } from '../command.js';
import { UkportError } from '../../errors.js';
import { isOneOf, LIBCS, type Finding, type Libc } from '../../model/index.js';
import { findCSources } from '../../extract/c/find-c-sources.js';
import { extractCSources } from '../../extract/c/extract-c-sources.js';
import { loadLinuxSyscalls } from '../../data/linux-syscalls.js';
import { readBounded } from '../../inputs/read-file.js';
import { loadTables } from '../../data/tables.js';
import { pickRelease } from '../../plan/releases.js';
import { loadRules } from '../../data/rules.js';
import { loadPatches } from '../../data/patches.js';
import { compileRules } from '../../match/compile.js';
import { matchFindings } from '../../match/match-findings.js';
import { emitPatchSet } from '../../emit/patchset.js';
import { TOOL_VERSION } from '../../version.js';
import { plural } from '../../emit/units.js';

const HELP = `Usage: ukport patch PATH... --out DIR [--libc musl|newlib] [--unikraft TAG] [--tables DIR]

Scans the C sources under PATH (files or directories), runs the porting rules in native mode and
writes a git format-patch series (0001-<subject>.patch, ...) for the findings whose remedy is a patch
template and whose source text matches the template's pattern. The sources are never modified;
apply the series with 'git apply' or 'git am' from the scanned directory.

Options:
      --out DIR          directory for the series (created; must not already hold a series)
      --libc LIBC        musl (default) or newlib: Linux-only header patches are made for newlib
      --unikraft TAG     Unikraft release the rules check against (default: the newest table;
                         --release is an old name for it)
      --tables DIR       coverage tables directory (default: the shipped syscall-tables/)
`;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Directory the diff paths are relative to: the deepest directory containing every PATH. */
function commonRoot(paths: string[]): string {
  const dirs = paths.map((p) => {
    const abs = resolve(p);
    return existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
  });
  let root = dirs[0]!;
  while (!dirs.every((d) => d === root || d.startsWith(root.endsWith(sep) ? root : root + sep))) root = dirname(root);
  return root;
}

/** Writes the series under OUT: each file to a temp name, then renamed; nothing outside OUT. */
function writeSeries(out: string, files: Map<string, string>, io: CommandIo): void {
  const dir = resolve(out);
  // the same rules as manifest: --out a real directory, no link on the way, temporary names created exclusively
  checkOutDir(dir);
  if (existsSync(dir) && readdirSync(dir).some((f) => /^\d{4}-.*\.patch$/.test(f))) {
    throw new UkportError('file-exists', 'already holds a patch series; choose an empty directory', dir);
  }
  writeFilesConfined(dir, files, { record: false });
  for (const name of files.keys()) io.stdout(`${join(out, name)}\n`);
}

/** What `ukport patch` computes before writing: the series, the root it applies from, the findings. */
export interface PatchSeries {
  series: Map<string, string>;
  root: string;
  findings: Finding[];
  /** C files scanned. */
  files: number;
}

/** Scans the C sources under PATHS, matches the rules in native mode and builds the patch series. */
export async function buildPatchSeries(paths: string[], opts: { libc: Libc; release?: string; tablesDir?: string }): Promise<PatchSeries> {
  const tables = loadTables(opts.tablesDir);
  // functions a port declares but does not build are still calls worth reporting (and patching)
  const libcFunctions = new Set(tables.libc.flatMap((t) => [...t.functions, ...(t.declaredNotBuilt ?? [])]));
  const { files } = findCSources(paths);
  const { facts } = await extractCSources(files, {
    libcFunctions, syscalls: { x86_64: loadLinuxSyscalls('x86_64'), aarch64: loadLinuxSyscalls('aarch64') },
  });
  const rules = loadRules();
  const findings = matchFindings(facts, { tables, libc: opts.libc, release: opts.release, arch: 'x86_64', mode: 'native', rules: compileRules(rules) });
  const root = commonRoot(paths);
  const realRoot = realpathSync(root);
  const sources = new Map<string, string>();
  for (const f of findings) {
    if (!f.remedy.patch) continue;
    for (const fact of f.facts) {
      for (const ev of fact.evidence) {
        const file = ev.location?.file;
        // only C files inside the scanned tree are read, and only they can be patched
        if (!file || sources.has(file) || !/\.(c|h)$/.test(file) || !resolve(file).startsWith(root + sep) || !insideTree(file, realRoot)) continue;
        sources.set(file, readBounded(file).toString('utf8'));
      }
    }
  }
  // diff paths are relative to ROOT, in the same form (absolute or cwd-relative) as the evidence paths
  const series = emitPatchSet({
    findings, sources, root: [...sources.keys()].some((k) => k.startsWith('/')) ? root : relativeRoot(root, process.cwd()),
    templates: loadPatches(), summaries: new Map(rules.map((r) => [r.id, r.summary])), version: TOOL_VERSION,
  });
  return { series, root, findings, files: files.length };
}

async function runPatch(values: OptionValues, paths: string[], io: CommandIo): Promise<number> {
  const out = str(values['out']);
  if (!out) throw new UkportError('usage', 'patch: --out DIR is required');
  if (paths.length === 0) throw new UkportError('usage', 'patch: give at least one PATH');
  const libc = str(values['libc']) ?? 'musl';
  if (!isOneOf(LIBCS, libc)) throw new UkportError('usage', `--libc: expected musl or newlib, got '${libc}'`);
  if (values['release'] !== undefined) io.stderr(`ukport: warning: patch --release is deprecated; use --unikraft (as every other command does)\n`);
  const asked = str(values['unikraft']) ?? str(values['release']);
  // an unknown release is a usage error before anything is scanned
  const release = asked ? pickRelease(loadTables(str(values['tables'])).unikraft, asked).release : undefined;
  const { series, root, findings, files } = await buildPatchSeries(paths, { libc, release, tablesDir: str(values['tables']) });
  if (series.size === 0) {
    // a clean tree is a result, not an error
    const why = files === 0 ? 'no C sources found' : `${plural(files, 'C file')} scanned, ${plural(findings.length, 'finding')}, none with a patch that fits the source`;
    io.stderr(`ukport patch: nothing to patch (${why}); nothing written\n`);
    return EXIT_OK;
  }
  writeSeries(out, series, io);
  io.stderr(`ukport: wrote ${series.size} patch${series.size === 1 ? '' : 'es'}; apply them in ${root} with 'git apply' (or 'git am', with --directory=<that path> when it is below the repository top)\n`);
  return EXIT_OK;
}

/** Whether FILE, every link on its way resolved, lies inside REAL_ROOT: a link in the tree to a file outside is never read into a patch. */
function insideTree(file: string, realRoot: string): boolean {
  try {
    return realpathSync(file).startsWith(realRoot + sep);
  } catch {
    return false;
  }
}

function relativeRoot(root: string, cwd: string): string {
  const base = resolve(cwd);
  if (root === base) return '.';
  return root.startsWith(base + sep) ? root.slice(base.length + 1) : root;
}

export const patchCommand: Command = {
  name: 'patch',
  summary: 'write a git patch series fixing porting problems in C sources',
  help: HELP,
  options: { out: { type: 'string', short: 'o' }, libc: { type: 'string' }, unikraft: { type: 'string' }, release: { type: 'string' }, tables: { type: 'string' } },
  positionals: true,
  run: runPatch,
};
