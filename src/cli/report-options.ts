import { isOneOf, LIBCS, MODES, OUTPUT_FORMATS, type Libc, type Mode, type OutputFormat } from '../model/index.js';
import { UkportError } from '../errors.js';
import type { CommandIo, OptionSpec, OptionValues } from './command.js';
import type { PipelineOptions } from '../pipeline.js';

/** Options shared by every command that scans and reports. */
export const REPORT_OPTIONS: OptionSpec = {
  format: { type: 'string', short: 'f' },
  sysroot: { type: 'string' },
  mode: { type: 'string' },
  libc: { type: 'string' },
  'no-cache': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  'max-file-size': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
};

export const REPORT_OPTIONS_HELP = `  -f, --format FMT        text (default), json, sarif or markdown
      --sysroot DIR       resolve shared libraries inside DIR (a root filesystem), never outside it
      --mode MODE         binary-compat (default: what app-elfloader must serve) or native (rebuilt on Unikraft's libc)
      --libc LIBC         musl or newlib (native mode; also forces the plan's libc)
      --no-cache          do not read or write the library summary cache ($XDG_CACHE_HOME/ukport)
      --max-file-size N   largest file to read, in bytes (suffixes k, M, G; default 512M)
  -v, --verbose           list every item in text output
  -q, --quiet             no progress on stderr`;

function parseSize(text: string): number {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!m) throw new UkportError('usage', `--max-file-size: expected a size like 100M, got '${text}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
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
  return {
    format,
    verbose: Boolean(values.verbose),
    pipeline: {
      paths,
      sysroot: values.sysroot as string | undefined,
      mode: (mode as Mode | undefined) ?? (libc ? 'native' : 'binary-compat'),
      libc: libc as Libc | undefined,
      noCache: Boolean(values['no-cache']),
      maxFileBytes: values['max-file-size'] ? parseSize(values['max-file-size'] as string) : undefined,
      onProgress: showProgress ? (done, total, bytes) => {
        const now = Date.now();
        if (done < total && now - last < 100) return;
        last = now;
        io.stderr(`\r\u001b[Kanalysing ${done}/${total} files, ${(bytes / 1048576).toFixed(1)} MiB${done === total ? '\n' : ''}`);
      } : undefined,
    },
  };
}
