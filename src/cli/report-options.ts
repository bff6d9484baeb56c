import { isOneOf, LIBCS, MODES, OUTPUT_FORMATS, type Libc, type Mode, type OutputFormat } from '../model/index.js';
import { UkportError } from '../errors.js';
import { formatBytes } from '../emit/units.js';
import type { CommandIo, OptionSpec, OptionValues } from './command.js';
import type { PipelineOptions } from '../pipeline.js';

/** Options shared by every command that scans and reports. */
export const REPORT_OPTIONS: OptionSpec = {
  format: { type: 'string', short: 'f' },
  sysroot: { type: 'string' },
  nsswitch: { type: 'string' },
  mode: { type: 'string' },
  libc: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'no-debug-symbols': { type: 'boolean' },
  'no-libc-models': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  'max-file-size': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  jobs: { type: 'string', short: 'j' },
  'max-code-size': { type: 'string' },
  'max-functions': { type: 'string' },
  'max-chain-depth': { type: 'string' },
  'time-budget': { type: 'string' },
  'max-image-size': { type: 'string' },
  'max-layers': { type: 'string' },
};

export const REPORT_OPTIONS_HELP = `  -f, --format FMT        text (default), json, sarif or markdown
      --sysroot DIR       resolve shared libraries inside DIR (a root filesystem), never outside it
      --nsswitch FILE     the image's nsswitch.conf: which NSS modules glibc loads for user, group and host lookups
                          (default: the scanned root's /etc/nsswitch.conf)
      --mode MODE         binary-compat (default: what app-elfloader must serve) or native (rebuilt on Unikraft's libc)
      --libc LIBC         musl or newlib (native mode; also forces the plan's libc)
      --no-cache          do not read or write the library summary cache ($XDG_CACHE_HOME/ukport)
      --no-debug-symbols  ignore installed separate debug files (/usr/lib/debug/.build-id, debuginfod's cache),
                          which otherwise bound a stripped library's functions and objects more tightly
      --no-libc-models    count glibc code that runs only after a call the program never makes (ld.so's command
                          mode, priority-ceiling mutexes, ...): see docs and src/extract/elf/libc-models.ts
      --max-file-size N   largest file to read, in bytes (suffixes k, M, G; default 512M)
  -j, --jobs N            analyse binaries on N worker threads (default: cores, once there are 32+ binaries)
      --max-code-size N   most executable bytes decoded per binary or library (default 256M)
      --max-functions N   most functions per binary or library (default 2000000)
      --max-chain-depth N deepest call chain followed (default 2000)
      --time-budget SEC   wall-clock budget per binary (default 300); over a limit: an unknown, never a silent cut
      --max-image-size N  most bytes a container image decompresses to, all layers together (default 4G)
      --max-layers N      most layer references in an image's manifest (default 256)
  -v, --verbose           list every item in text output
  -q, --quiet             no progress on stderr`;

function parseSize(text: string, flag = '--max-file-size'): number {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!m) throw new UkportError('usage', `${flag}: expected a size like 100M, got '${text}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

function parseCount(values: OptionValues, flag: string, min = 1): number | undefined {
  const text = values[flag] as string | undefined;
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UkportError('usage', `--${flag}: expected a whole number >= ${min}, got '${text}'`);
  return Number(text);
}

/** Limits and parallelism flags → pipeline options (only the ones given). */
function readScaleOptions(values: OptionValues): Pick<PipelineOptions, 'jobs' | 'limits'> {
  const jobs = parseCount(values, 'jobs');
  const budget = parseCount(values, 'time-budget');
  const limits = {
    ...(values['max-code-size'] ? { maxCodeBytes: parseSize(values['max-code-size'] as string, '--max-code-size') } : {}),
    ...(parseCount(values, 'max-functions') !== undefined ? { maxFunctions: parseCount(values, 'max-functions') } : {}),
    ...(parseCount(values, 'max-chain-depth') !== undefined ? { maxChainDepth: parseCount(values, 'max-chain-depth') } : {}),
    ...(budget !== undefined ? { timeBudgetMs: budget * 1000 } : {}),
  };
  return { ...(jobs !== undefined ? { jobs } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
}

/** Container image bounds → pipeline options (only the ones given). */
function readImageLimits(values: OptionValues): Pick<PipelineOptions, 'imageLimits'> {
  const maxLayers = parseCount(values, 'max-layers');
  const imageLimits = {
    ...(values['max-image-size'] ? { maxImageBytes: parseSize(values['max-image-size'] as string, '--max-image-size') } : {}),
    ...(maxLayers !== undefined ? { maxLayers } : {}),
  };
  return Object.keys(imageLimits).length ? { imageLimits } : {};
}

/** A progress bar on stderr: `[#####-----] 123/887 binaries  45.1 MiB  12.3/s`. */
function progressLine(done: number, total: number, bytes: number, started: number): string {
  const width = 24;
  const fill = total > 0 ? Math.round((done / total) * width) : width;
  const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
  return `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${total} files  ${formatBytes(bytes)}  ${rate.toFixed(1)}/s`;
}

/** Validated report options. */
export interface ReportSettings {
  format: OutputFormat;
  pipeline: PipelineOptions;
  verbose: boolean;
}

/** Turns parsed argv into pipeline options and an output format; throws usage errors. */
export function readReportOptions(values: OptionValues, paths: string[], io: CommandIo, defaultFormat: OutputFormat = 'text'): ReportSettings {
  if (paths.length === 0) throw new UkportError('usage', 'no PATH given');
  const format = (values.format as string | undefined) ?? defaultFormat;
  if (!isOneOf(OUTPUT_FORMATS, format)) throw new UkportError('usage', `--format must be one of ${OUTPUT_FORMATS.join(', ')}, got '${format}'`);
  const mode = values.mode as string | undefined;
  if (mode !== undefined && !isOneOf(MODES, mode)) throw new UkportError('usage', `--mode must be one of ${MODES.join(', ')}, got '${mode}'`);
  const libc = values.libc as string | undefined;
  if (libc !== undefined && !isOneOf(LIBCS, libc)) throw new UkportError('usage', `--libc must be one of ${LIBCS.join(', ')}, got '${libc}'`);
  const showProgress = !values.quiet && process.stderr.isTTY === true;
  let last = 0;
  let started = 0;
  return {
    format,
    verbose: Boolean(values.verbose),
    pipeline: {
      paths,
      sysroot: values.sysroot as string | undefined,
      ...(values.nsswitch ? { nsswitch: values.nsswitch as string } : {}),
      // unset: the pipeline decides (binary-compat for binaries, native for sources alone)
      ...(mode || libc ? { mode: (mode as Mode | undefined) ?? 'native' } : {}),
      libc: libc as Libc | undefined,
      noCache: Boolean(values['no-cache']),
      debugSymbols: !values['no-debug-symbols'],
      libcModels: !values['no-libc-models'],
      maxFileBytes: values['max-file-size'] ? parseSize(values['max-file-size'] as string) : undefined,
      ...readImageLimits(values),
      ...readScaleOptions(values),
      onProgress: showProgress ? (done, total, bytes) => {
        const now = Date.now();
        if (done === 0 || started === 0) started = now;
        if (done < total && now - last < 100) return;
        last = now;
        io.stderr(`\r\u001b[K${progressLine(done, total, bytes, started)}${done === total ? '\n' : ''}`);
      } : undefined,
    },
  };
}
