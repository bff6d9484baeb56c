import { basename, extname, relative, resolve } from 'node:path';
import type { Command } from '../command.js';
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, readPlanOptions } from './plan.js';
import { runPipeline } from '../analyse.js';
import { emitManifestWithCopies } from '../../emit/manifest.js';
import { KRAFTFILE_SPECS, type KraftfileSpec } from '../../emit/manifest-app.js';
import { isMakeSafePath } from '../../emit/makefile-uk.js';
import { readBounded } from '../../inputs/read-file.js';
import { isOneOf } from '../../model/index.js';
import { writeFilesConfined } from '../write-files.js';
import { UkportError } from '../../errors.js';
import { TOOL_VERSION } from '../../version.js';
import { plural } from '../../emit/units.js';

// What a binary-compat image may copy from the scanned system in one run.
const MAX_IMAGE_BYTES = 1024 * 1024 * 1024;

export const manifestCommand: Command = {
  name: 'manifest',
  summary: 'write build files for the port: Kraftfile, Config.uk, Makefile.uk, defconfig, compat library',
  help: `Usage: ukport manifest [options] --out DIR PATH...

Plans the port like \`ukport plan\` and writes, under DIR only:
  Kraftfile                 KraftKit spec v0.6 (or --kraftfile-spec v0.7). Binary compatibility: the catalog's
                            app-elfloader runtime (runtime: base:latest) with rootfs: ./Dockerfile; --template builds
                            app-elfloader from source with the plan's Kconfig instead. Native: Unikraft version and
                            Kconfig, the libraries with their pinned versions, targets, rootfs, cmd
  Dockerfile, rootfs/       binary compatibility: FROM scratch, the program, its interpreter, its whole load-time
                            library closure, the configuration it names and an nsswitch.conf, copied to rootfs/
  kraft.yaml                with --legacy: the 2020-era file of the Python kraft tool
  Config.uk, Makefile.uk    the app as a Unikraft application, selecting every planned library
  Makefile                  make-based build as catalog-core writes it (A= the app or app-elfloader, L= libraries)
  defconfig, defconfigs/    fragments for \`make defconfig\`: the first target, and one per target (qemu, fc)
  lib-<app>-compat/         stubs (UK_LLSYSCALL_R_DEFINE) for syscalls the release does not provide
Files are written atomically. A file that differs from what ukport last wrote there is never replaced
without --force; the command names those files and writes nothing.

Options:
      --out DIR           output directory (required; nothing is written outside it)
      --name NAME         app name (default: the first PATH's base name)
      --cmd=ARGS          the Kraftfile's cmd, split on spaces (use the = form when ARGS starts with -; default: a placeholder)
      --legacy            also write kraft.yaml
      --template          binary compatibility: build app-elfloader from source (template:) with the plan's Kconfig
      --kraftfile-spec V  v0.6 (default, what the catalog writes) or v0.7
      --force             replace files edited since ukport wrote them
${PLAN_OPTIONS_HELP}
`,
  options: { ...PLAN_OPTIONS, out: { type: 'string', short: 'o' }, name: { type: 'string' }, cmd: { type: 'string' }, legacy: { type: 'boolean' }, force: { type: 'boolean' }, template: { type: 'boolean' }, 'kraftfile-spec': { type: 'string' } },
  positionals: true,
  async run(values, paths, io) {
    const out = values.out as string | undefined;
    if (!out) throw new UkportError('usage', 'manifest: --out DIR is required');
    const spec = (values['kraftfile-spec'] as string | undefined) ?? 'v0.6';
    if (!isOneOf(KRAFTFILE_SPECS, spec)) throw new UkportError('usage', `--kraftfile-spec must be one of ${KRAFTFILE_SPECS.join(', ')}, got '${spec}'`);
    const settings = readPlanOptions(values, paths, io);
    const report = await runPipeline(settings.pipeline);
    const outAbs = resolve(io.cwd, out);
    const name = (values.name as string | undefined) ?? basename(paths[0]!.replace(/\/+$/, ''), extname(paths[0]!));
    const cmd = values.cmd !== undefined ? (values.cmd as string).split(/\s+/).filter(Boolean) : undefined;
    const sources = report.inputs.filter((a) => a.kind === 'c-source').map((a) => relative(outAbs, resolve(io.cwd, a.path)));
    for (const s of sources.filter((x) => !isMakeSafePath(x))) {
      io.stderr(`ukport: warning: ${JSON.stringify(s)} is not in Makefile.uk: make would expand or split its name ($, #, spaces, newlines, quotes…); rename it and add it by hand\n`);
    }
    const { files, copies } = emitManifestWithCopies({
      name, plan: report.plan!, generator: `ukport ${TOOL_VERSION}`, ...(cmd ? { cmd } : {}), sources, spec: spec as KraftfileSpec, template: Boolean(values.template),
    }, { legacy: Boolean(values.legacy) });
    const all = new Map<string, string | Buffer>(files);
    let bytes = 0;
    for (const [staged, source] of copies) {
      const buf = readBounded(source);
      bytes += buf.length;
      if (bytes > MAX_IMAGE_BYTES) throw new UkportError('too-large', `the image's files pass ${MAX_IMAGE_BYTES >> 20} MB at ${source}`, source);
      all.set(staged, buf);
    }
    const result = writeFilesConfined(outAbs, all, { force: Boolean(values.force) });
    for (const f of result.written) io.stdout(`wrote ${relative(io.cwd, resolve(outAbs, f)) || f}\n`);
    for (const f of result.unchanged) io.stdout(`unchanged ${relative(io.cwd, resolve(outAbs, f)) || f}\n`);
    const plan = report.plan!;
    const errors = plan.uncovered.filter((u) => u.severity === 'error').length;
    io.stderr(`plan: Unikraft ${plan.release} ${plan.arch}, ${plan.mode === 'binary-compat' ? 'app-elfloader' : `libc ${plan.libc}`}, ${plural(plan.libraries.length, 'library', 'libraries')}, ${plan.uncovered.length} uncovered (${plural(errors, 'error')})\n`);
    return 0;
  },
};
