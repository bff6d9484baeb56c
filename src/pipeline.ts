import type { Artifact, BinaryInfo, Fact, Mode, Libc, Report, ScanStats } from './model/index.js';
import { UkportError } from './errors.js';
import { TOOL_VERSION } from './version.js';
import { walkPaths } from './inputs/walk.js';
import { mergeFacts } from './extract/merge-facts.js';
import { loadTables } from './data/tables.js';
import { partialUse } from './data/table-lookup.js';
import { loadLinuxSyscalls } from './data/linux-syscalls.js';
import type { PlanRequest } from './plan/plan-report.js';
import { archOfReport } from './model/report-arch.js';
import { loadRules } from './data/rules.js';
import { compileRules, type CompiledRule } from './match/compile.js';
import { matchFindings } from './match/match-findings.js';
import { releaseTable } from './match/match-context.js';
import { judgeReport } from './match/judge-report.js';
import { libcCallSyscalls } from './extract/c/libc-call-syscalls.js';

let rulesCache: CompiledRule[] | undefined;
/** The shipped rules, loaded and compiled once per process. */
function compiledRules(): CompiledRule[] {
  return (rulesCache ??= compileRules(loadRules()));
}
import type { AnalysisLimits } from './extract/limits.js';
import { attachSystemScan, systemScanOptions, useSystemScan } from './scale/pipeline-hook.js';
import { inShard, shardInfo, shardOfPath, type Shard } from './scale/shard.js';
import type { ImageLimits } from './inputs/image/open-image.js';
import { readNsswitch, readNsswitchFile, type NssService } from './inputs/nsswitch.js';
import { observeDuring } from './inputs/fs-observe.js';
import type { LoadedElf } from './extract/elf/resolve-libraries.js';
import type { ProgramSettings, ProgramsResult } from './extract/programs.js';

/** What one run analyses and how. */
export interface PipelineOptions {
  paths: string[];
  sysroot?: string;
  /** The image's nsswitch.conf (--nsswitch); default: the scanned root's (or each container image's own). */
  nsswitch?: string;
  mode?: Mode;
  libc?: Libc;
  noCache?: boolean;
  /** Use stripped libraries' separate debug files when installed (default true). */
  debugSymbols?: boolean;
  /** Apply the glibc models (default true). */
  libcModels?: boolean;
  /** Library summary cache directory (default $XDG_CACHE_HOME/ukport). */
  cacheDir?: string;
  maxFileBytes?: number;
  /** Progress callback (files and bytes analysed); the CLI prints it on stderr. */
  onProgress?: (done: number, total: number, bytes: number, path: string) => void;
  /** Also plan the port (`ukport plan`, `ukport manifest`). */
  plan?: PlanRequest & { tablesDir?: string };
  /** Worker threads for many binaries (src/scale; default: cores once there are many binaries). */
  jobs?: number;
  /** Per-binary resource bounds (extract/limits.ts defaults). */
  limits?: Partial<AnalysisLimits>;
  /** Bounds for container images (bytes decompressed in all, layer references). */
  imageLimits?: ImageLimits;
  /** Unikraft release of the per-binary verdicts of a system scan (default: newest). */
  release?: string;
  /** Analyse only this part of the inputs (`--shard I/N`, src/scale/shard.ts); `ukport merge` joins the parts. */
  shard?: Shard;
}

function badFileFact(path: string, error: UkportError): Fact {
  return { kind: 'unknown', reason: error.code === 'too-large' ? 'limit-exceeded' : 'bad-file', message: error.message, evidence: [{ artifact: path, extractor: 'inputs.walk', detail: error.code }] };
}

const C_KINDS = new Set(['c-source', 'c-header', 'compile-db']);

/**
 * Facts from the C sources among the inputs, libc calls recognised against every shipped libc's function list; in
 * native mode also the syscalls those calls make under the chosen libc (default musl), as the planner counts them.
 */
async function sourceFacts(options: PipelineOptions, inputs: Artifact[], mode: Mode): Promise<Fact[]> {
  const roots = [...new Set(inputs.filter((a) => C_KINDS.has(a.kind)).map((a) => a.root ?? a.path))];
  if (roots.length === 0) return [];
  const tables = loadTables(options.plan?.tablesDir);
  // Declared-but-not-built names (execvp, syscall…) are still libc calls the app makes.
  const libcFunctions = new Set(tables.libc.flatMap((t) => [...t.functions, ...(t.declaredNotBuilt ?? [])]));
  // the C front end (tree-sitter's wasm) loads only when there are C inputs
  const [{ findCSources }, { extractCSources }] = await Promise.all([import('./extract/c/find-c-sources.js'), import('./extract/c/extract-c-sources.js')]);
  const { files } = findCSources(roots);
  const result = await extractCSources(files, {
    libcFunctions,
    syscalls: { x86_64: loadLinuxSyscalls('x86_64'), aarch64: loadLinuxSyscalls('aarch64') },
    maxFileBytes: options.maxFileBytes,
  });
  if (mode !== 'native') return result.facts;
  const libc = options.plan?.libc ?? options.libc ?? 'musl';
  const arch = options.plan?.arch ?? 'x86_64';
  const summary = tables.libcSummaries.find((s) => s.libc === libc && s.arch === arch);
  return [...result.facts, ...libcCallSyscalls(result.facts, libc, arch, summary, loadLinuxSyscalls(arch))];
}

/** The report's mode: the one asked for, else native for sources alone (they are rebuilt), else binary-compat. */
function reportMode(options: PipelineOptions, inputs: Artifact[]): Mode {
  if (options.mode) return options.mode;
  const binaries = inputs.some((a) => a.kind === 'elf' || a.kind === 'container-image');
  return !binaries && inputs.some((a) => C_KINDS.has(a.kind)) ? 'native' : 'binary-compat';
}

/**
 * The host ELF programs of a run: from the programs cache (src/extract/programs-cache.ts) when nothing they were
 * analysed from changed, else analysed (extract/programs.ts, loaded only then) and kept there.
 */
async function hostPrograms(elfs: Artifact[], settings: ProgramSettings, onProgress: PipelineOptions['onProgress']): Promise<ProgramsResult & { mains?: LoadedElf[] }> {
  if (elfs.length === 0) {
    onProgress?.(0, 0, 0, '');
    return { facts: [], binaries: [], edges: [], bytesRead: 0, indirectCalls: 0, addressTakenFunctions: 0, scriptMains: [], mains: [] };
  }
  const cache = settings.noCache ? undefined : await import('./extract/programs-cache.js');
  const key = cache?.programsKey(elfs, settings);
  const hit = key === undefined ? undefined : cache!.readPrograms(key, settings.cacheDir);
  if (hit) {
    onProgress?.(elfs.length, elfs.length, hit.bytesRead, '');
    return hit;
  }
  const { analysePrograms } = await import('./extract/programs.js');
  const { value, observed } = observeDuring(() => analysePrograms(elfs, settings, badFileFact, onProgress));
  if (key !== undefined) cache!.writePrograms(key, value, observed, settings.cacheDir);
  return value;
}

const SCRIPT_KINDS = new Set(['python', 'javascript', 'typescript', 'package-manifest']);

/** Whether scriptFacts can find anything: script or manifest inputs, programs to look at, or compiled modules among the ELF inputs. */
function hasScriptInputs(inputs: Artifact[], mains: LoadedElf[]): boolean {
  return mains.length > 0 || inputs.some((a) => SCRIPT_KINDS.has(a.kind) || (a.kind === 'elf' && /\.(so|node)$/.test(a.path)));
}

/** Loads the programs at PATHS again (a cached result names the few the interpreted-language stage reads). */
async function loadPrograms(paths: string[]): Promise<LoadedElf[]> {
  if (paths.length === 0) return [];
  const { loadElf } = await import('./extract/elf/resolve-libraries.js');
  return paths.map((p) => loadElf(p));
}

/** Runs inputs → extract → merge and returns the Report (matching, planning and emitting come after). */
export async function runPipeline(options: PipelineOptions): Promise<Report> {
  // an nsswitch.conf named on the command line is read before anything is analysed: a bad one is an input error (exit 2)
  const named = options.nsswitch ? readNsswitchFile(options.nsswitch) : undefined;
  const walked = walkPaths(options.paths, { maxFileBytes: options.maxFileBytes });
  const stats: ScanStats = { filesSeen: walked.seen, filesSkipped: walked.skipped, bytesRead: 0, indirectCalls: 0, addressTakenFunctions: 0 };
  const shard = options.shard;
  // every shard walks everything (cheap) and keeps its part: the split is the same on every machine
  const problems = shard ? walked.problems.filter((p) => shardOfPath(p.path, shard.count) === shard.index) : walked.problems;
  const facts: Fact[] = problems.map((p) => badFileFact(p.path, p.error));
  const inputs: Artifact[] = shard ? walked.artifacts.filter((a) => inShard(a, shard)) : walked.artifacts;
  const elfs = inputs.filter((a) => a.kind === 'elf');
  const system = useSystemScan(options, elfs.length) ? await (await import('./scale/system-scan.js')).scanBinaries(elfs, systemScanOptions(options)) : undefined;
  // how every program is analysed, on the host or in an image
  const mode = reportMode(options, inputs);
  const settings: ProgramSettings = { sysroot: options.sysroot, ...(named ? { nsswitch: named } : {}), mode, libc: options.libc, noCache: options.noCache, cacheDir: options.cacheDir,
    debugSymbols: options.debugSymbols, libcModels: options.libcModels, limits: options.limits };
  const programs = system ? undefined : await hostPrograms(elfs, settings, options.onProgress);
  stats.bytesRead += programs?.bytesRead ?? 0;
  stats.indirectCalls += programs?.indirectCalls ?? 0;
  stats.addressTakenFunctions += programs?.addressTakenFunctions ?? 0;
  facts.push(...(programs?.facts ?? []));
  const binaries: BinaryInfo[] = [...(programs?.binaries ?? [])];
  const edges = [...(programs?.edges ?? [])];
  // the interpreted-language stage reads the programs that are Python extensions or Node addons
  const mains = programs ? programs.mains ?? await loadPrograms(programs.scriptMains) : [];
  let nssServices: NssService[] | undefined = named; // the root's /etc/nsswitch.conf, read once when an image needs it
  const nss = (): NssService[] => (nssServices ??= readNsswitch(options.sysroot ?? '/'));
  const analysis = { mode, libc: options.libc, noCache: options.noCache, cacheDir: options.cacheDir, debugSymbols: options.debugSymbols, libcModels: options.libcModels, limits: options.limits } as const;
  // the interpreted-language stage (Python, JS and their compiled modules) loads only when there is something for it
  if (hasScriptInputs(inputs, mains)) facts.push(...(await import('./extract/script-facts.js')).scriptFacts(inputs, mains, { maxFileBytes: options.maxFileBytes }));
  // Container images: each resolved in its own root, its libraries never mixed with the host's.
  const images = inputs.filter((x) => x.kind === 'container-image');
  const imageScanner = images.length ? await import('./extract/image/scan-image.js') : undefined;
  const { extractSyscalls } = images.length ? await import('./extract/syscalls.js') : {} as Partial<typeof import('./extract/syscalls.js')>;
  const { resolveDlopen } = images.length ? await import('./extract/elf/resolve-libraries.js') : {} as Partial<typeof import('./extract/elf/resolve-libraries.js')>;
  for (const a of images) {
    const { annotateLayers, scanImage } = imageScanner!;
    try {
      const img = await scanImage(a.path, options.imageLimits);
      a.image = img.image.name;
      inputs.push(...img.artifacts);
      edges.push(...img.closure.edges);
      let imageNss: NssService[] | undefined; // the image's /etc/nsswitch.conf, read once
      for (const m of img.mains) {
        const found = extractSyscalls!(m, img.closure, { ...analysis,
          resolveDlopen: (name, from) => resolveDlopen!(name, from, m, { rootFs: img.image.root }), nssServices: () => (imageNss ??= options.nsswitch ? nss() : readNsswitch(img.image.root)) });
        img.facts.push(...found.facts);
        edges.push(...found.dlopenEdges);
        binaries.push(found.libcModels.length ? { ...m.decoded.info, libcModels: found.libcModels } : m.decoded.info);
        stats.indirectCalls += found.stats.indirectCalls;
      }
      facts.push(...annotateLayers(img.facts, img));
    } catch (e) {
      if (!(e instanceof UkportError) || a.root === a.path) throw e;
      facts.push(badFileFact(a.path, e));
    }
  }
  facts.push(...(await sourceFacts(options, inputs, options.plan?.mode ?? mode)));
  const report: Report = {
    tool: { name: 'ukport', version: TOOL_VERSION },
    mode,
    ...(options.libc ? { libc: options.libc } : {}),
    inputs,
    binaries,
    libraryGraph: edges,
    facts: mergeFacts(facts),
    findings: [],
    tables: [],
    stats,
  };
  if (system || shard) attachSystemScan(report, system);
  if (shard) report.shard = shardInfo(shard, walked.artifacts.length);
  return concludeReport(report, options);
}

/** What concludes a report once its facts are in: interpreted apps, the plan, findings, tables and the judge's verdict. */
export type ConcludeOptions = Pick<PipelineOptions, 'plan' | 'libc' | 'release'> & Partial<Pick<PipelineOptions, 'paths' | 'sysroot'>>;

/**
 * The stages after extraction, on a report whose inputs, binaries and facts are known (from a run, or from the
 * shards `ukport merge` joins): interpreted-app description, the plan, rule findings, the tables used, the verdict.
 */
export async function concludeReport(report: Report, options: ConcludeOptions): Promise<Report> {
  const tables = loadTables(options.plan?.tablesDir);
  if (report.facts.some((f) => f.kind === 'module' || f.kind === 'package')) {
    const interpreted = (await import('./plan/interpreted-app.js')).describeInterpretedApp(report, tables.externalLibs);
    if (interpreted) report.interpreted = interpreted;
  }
  // the paths the user named and the root they were resolved in: the plan reads the image's files from it
  if (options.plan) report.plan = (await import('./plan/plan-report.js')).planReport(report, tables, { ...options.plan, ...(options.paths ? { paths: options.paths } : {}), ...(options.sysroot ? { sysroot: options.sysroot } : {}) });
  // scan --unikraft names the release of a many-binary scan's verdicts: the findings are judged on it too
  const release = report.plan?.release ?? options.plan?.release ?? options.release;
  report.findings = matchFindings(report.facts, {
    tables, rules: compiledRules(), libc: report.plan?.libc ?? options.libc, arch: report.plan?.arch ?? archOfReport(report), mode: report.plan?.mode ?? report.mode,
    ...(release ? { release } : {}),
  });
  const target = releaseTable({ tables, ...(release ? { release } : {}) });
  report.tables = [...(target ? [target.provenance] : []), ...tables.libc.map((t) => t.provenance)];
  // a partial release table: say what of the app rests on it (every format prints it)
  // the syscalls the plan rests on (served or uncovered; native plans map libc calls to syscalls), else the facts'
  const planned = report.plan ? [...report.plan.libraries.flatMap((l) => l.because), ...report.plan.uncovered.map((u) => (u.kind === 'syscall' ? `syscall:${u.name}` : ''))]
    .flatMap((b) => (b.startsWith('syscall:') ? [b.slice(8)] : [])) : [];
  const needed = planned.length ? planned : report.facts.flatMap((f) => (f.kind === 'syscall' ? [f.name] : []));
  const partial = target ? partialUse(target, needed) : undefined;
  if (partial) {
    report.partialTable = partial;
    if (report.plan?.release === partial.release) report.plan.partial = partial;
  }
  judgeReport(report, target ? { tables, table: target, mode: report.plan?.mode ?? report.mode, arch: report.plan?.arch ?? archOfReport(report) } : undefined, compiledRules());
  return report;
}
