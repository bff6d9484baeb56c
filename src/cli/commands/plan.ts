import { ARCHES, FILESYSTEM_STACKS, isOneOf, type Arch, type FilesystemStack } from '../../model/index.js';
import type { Command, OptionValues } from '../command.js';
import { REPORT_OPTIONS, REPORT_OPTIONS_HELP, readReportOptions, type ReportSettings } from '../report-options.js';
import type { CommandIo } from '../command.js';
import { runPipeline } from '../analyse.js';
import { emitFindingsText } from '../../emit/text.js';
import { emitterFor } from '../../emit/registry.js';
import { emitPlanText } from '../../emit/plan-text.js';
import { UkportError } from '../../errors.js';
import { loadTables } from '../../data/tables.js';
import { pickRelease } from '../../plan/releases.js';

/** Options shared by `plan` and `manifest`. */
export const PLAN_OPTIONS = {
  ...REPORT_OPTIONS,
  unikraft: { type: 'string' },
  arch: { type: 'string' },
  tables: { type: 'string' },
  fs: { type: 'string' },
} as const;

export const PLAN_OPTIONS_HELP = `${REPORT_OPTIONS_HELP}
      --unikraft TAG      Unikraft release to plan for (v0.17.0, 0.17.0; default: the newest shipped table)
      --arch ARCH         x86_64 or aarch64 (arm64); default: the binaries' architecture, else x86_64
      --tables DIR        coverage tables directory (default: the shipped syscall-tables/)
      --fs STACK          file-system stack on v0.20+: posix-vfs (default) or vfscore (deprecated since v0.21.0)`;

/** Report settings with planning switched on (the plan's mode: --mode, else native for sources and binary-compat for binaries). */
export function readPlanOptions(values: OptionValues, paths: string[], io: CommandIo): ReportSettings {
  const settings = readReportOptions(values, paths, io);
  const explicitMode = values.mode !== undefined || values.libc !== undefined;
  const rawArch = values.arch as string | undefined;
  const arch = rawArch === 'arm64' ? 'aarch64' : rawArch;
  if (arch !== undefined && !isOneOf(ARCHES, arch)) throw new UkportError('usage', `--arch must be one of ${ARCHES.join(', ')} (or arm64), got '${rawArch}'`);
  const fs = values.fs as string | undefined;
  if (fs !== undefined && !isOneOf(FILESYSTEM_STACKS, fs)) throw new UkportError('usage', `--fs must be one of ${FILESYSTEM_STACKS.join(', ')}, got '${fs}'`);
  settings.pipeline.plan = {
    ...(fs ? { filesystem: fs as FilesystemStack } : {}),
    ...(values.unikraft ? { release: values.unikraft as string } : {}),
    ...(arch ? { arch: arch as Arch } : {}),
    ...(settings.pipeline.libc ? { libc: settings.pipeline.libc } : {}),
    ...(explicitMode && settings.pipeline.mode ? { mode: settings.pipeline.mode } : {}),
    ...(values.tables ? { tablesDir: values.tables as string } : {}),
  };
  // an unknown release is a usage error: say so before analysing anything
  if (values.unikraft) pickRelease(loadTables(values.tables as string | undefined).unikraft, values.unikraft as string);
  return settings;
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'plan the port: libc, minimal micro-library set with reasons, Kconfig, what stays uncovered',
  help: `Usage: ukport plan [options] PATH...

Analyses the inputs like \`scan\`, then plans the port to one Unikraft release: musl or newlib (with the
reasons; --libc forces one and lists what it leaves uncovered), the smallest set of micro-libraries and
external library ports that serves every needed syscall and shared library, closed over Kconfig
select/depends on, each with the needs that pull it in; the Kconfig lines; the needs nothing serves
(syscalls classified required / stubbable / fakeable from Loupe data, missing libc functions, shared
libraries with no port or the wrong version, dlopen); and the oldest release that covers the app.
Without --mode, sources are planned as a native port (rebuilt on Unikraft's libc) and binaries in
binary-compat mode (the Linux ELF under app-elfloader); --mode native on a binary maps its libc calls
through the chosen libc's function summaries.

Options:
${PLAN_OPTIONS_HELP}
`,
  options: PLAN_OPTIONS,
  positionals: true,
  async run(values, paths, io) {
    const settings = readPlanOptions(values, paths, io);
    const report = await runPipeline(settings.pipeline);
    if (settings.format === 'text') {
      io.stdout(emitPlanText(report.plan!, { color: io.color, verbose: settings.verbose, ...(report.verdict ? { verdict: report.verdict } : {}) }));
      const findings = emitFindingsText(report.findings, { color: io.color, verbose: settings.verbose });
      if (findings) io.stdout('\n' + findings);
      return 0;
    }
    const emit = emitterFor(settings.format);
    if (!emit) throw new UkportError('usage', `--format ${settings.format} is not available for plan yet`);
    io.stdout(emit(report, { color: io.color, verbose: settings.verbose }));
    return 0;
  },
};
