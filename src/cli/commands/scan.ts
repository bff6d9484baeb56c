import type { Command } from '../command.js';
import { REPORT_OPTIONS, REPORT_OPTIONS_HELP, readReportOptions } from '../report-options.js';
import { runPipeline } from '../analyse.js';
import { emitterFor } from '../../emit/registry.js';
import { UkportError } from '../../errors.js';
import { parseShard } from '../../scale/shard.js';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'scan ELF binaries, C sources and apps; report what they need from Unikraft',
  help: `Usage: ukport scan [options] PATH...

Scans ELF files and directories (walked recursively; non-ELF files skipped and counted) and reports,
per binary, its ELF facts, shared libraries (resolved like ld.so), imported symbols with versions,
the syscalls it can make, and what could not be resolved. Nothing scanned is ever executed.

Many binaries (a whole /usr/bin, a --sysroot tree) are analysed on worker threads, one library closure
at a time, with a summary table per binary (syscalls, unknowns, verdict for one Unikraft release) and the
missing syscalls that block the most binaries.

Options:
${REPORT_OPTIONS_HELP}
      --unikraft TAG      release the per-binary verdicts are given for (default: the newest shipped table)
      --shard I/N         analyse only part I of N (binaries and images split by a hash of their path, other
                          inputs in part 1), on as many machines; \`ukport merge\` joins the JSON reports
                          (docs/sharding.md)
`,
  options: { ...REPORT_OPTIONS, unikraft: { type: 'string' }, shard: { type: 'string' } },
  positionals: true,
  async run(values, paths, io) {
    const settings = readReportOptions(values, paths, io);
    if (values.unikraft) settings.pipeline.release = values.unikraft as string;
    if (values.shard !== undefined) settings.pipeline.shard = parseShard(values.shard as string);
    const report = await runPipeline(settings.pipeline);
    const emit = emitterFor(settings.format);
    if (!emit) throw new UkportError('usage', `--format ${settings.format} is not available for scan yet`);
    io.stdout(emit(report, { color: io.color, verbose: settings.verbose }));
    return 0;
  },
};
