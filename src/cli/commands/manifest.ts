import { basename, extname, relative, resolve } from 'node:path';
import type { Command } from '../command.js';
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, readPlanOptions } from './plan.js';
import { runPipeline } from '../analyse.js';
import { emitManifest } from '../../emit/manifest.js';
import { writeFilesConfined } from '../write-files.js';
import { UkportError } from '../../errors.js';
import { TOOL_VERSION } from '../../version.js';

export const manifestCommand: Command = {
  name: 'manifest',
  summary: 'write build files for the port: Kraftfile, Config.uk, Makefile.uk, defconfig, compat library',
  help: `Usage: ukport manifest [options] --out DIR PATH...

Plans the port like \`ukport plan\` and writes, under DIR only:
  Kraftfile                 KraftKit spec v0.6: Unikraft version and Kconfig, libraries, targets, rootfs, cmd
  kraft.yaml                with --legacy: the 2020-era file of the Python kraft tool
  Config.uk, Makefile.uk    the app as a Unikraft application, selecting every planned library
  Makefile                  make-based build: unikraft and library checkouts passed as A= and L=
  defconfig                 a fragment for \`make defconfig\`
  lib-<app>-compat/         stubs (UK_SYSCALL_R_DEFINE) for syscalls the release does not provide
Files are written atomically. A file that differs from what ukport last wrote there is never replaced
without --force; the command names those files and writes nothing.

Options:
      --out DIR           output directory (required; nothing is written outside it)
      --name NAME         app name (default: the first PATH's base name)
      --cmd=ARGS          the Kraftfile's cmd, split on spaces (use the = form when ARGS starts with -; default: a placeholder)
      --legacy            also write kraft.yaml
      --force             replace files edited since ukport wrote them
${PLAN_OPTIONS_HELP}
`,
  options: { ...PLAN_OPTIONS, out: { type: 'string', short: 'o' }, name: { type: 'string' }, cmd: { type: 'string' }, legacy: { type: 'boolean' }, force: { type: 'boolean' } },
  positionals: true,
  async run(values, paths, io) {
    const out = values.out as string | undefined;
    if (!out) throw new UkportError('usage', 'manifest: --out DIR is required');
    const settings = readPlanOptions(values, paths, io);
    const report = await runPipeline(settings.pipeline);
    const outAbs = resolve(io.cwd, out);
    const name = (values.name as string | undefined) ?? basename(paths[0]!.replace(/\/+$/, ''), extname(paths[0]!));
    const cmd = values.cmd !== undefined ? (values.cmd as string).split(/\s+/).filter(Boolean) : undefined;
    const sources = report.inputs.filter((a) => a.kind === 'c-source').map((a) => relative(outAbs, resolve(io.cwd, a.path)));
    const files = emitManifest({ name, plan: report.plan!, generator: `ukport ${TOOL_VERSION}`, ...(cmd ? { cmd } : {}), sources }, { legacy: Boolean(values.legacy) });
    const result = writeFilesConfined(outAbs, files, { force: Boolean(values.force) });
    for (const f of result.written) io.stdout(`wrote ${relative(io.cwd, resolve(outAbs, f)) || f}\n`);
    for (const f of result.unchanged) io.stdout(`unchanged ${relative(io.cwd, resolve(outAbs, f)) || f}\n`);
    const plan = report.plan!;
    const errors = plan.uncovered.filter((u) => u.severity === 'error').length;
    io.stderr(`plan: Unikraft ${plan.release} ${plan.arch}, libc ${plan.libc}, ${plan.libraries.length} libraries, ${plan.uncovered.length} uncovered (${errors} errors)\n`);
    return 0;
  },
};
