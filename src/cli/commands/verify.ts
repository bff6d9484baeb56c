import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { Command } from '../command.js';
import { PLAN_OPTIONS_HELP, PLAN_OPTIONS, readPlanOptions } from './plan.js';
import { runPipeline } from '../../pipeline.js';
import { emitManifest } from '../../emit/manifest.js';
import { emitterFor } from '../../emit/registry.js';
import { verdictLines } from '../../emit/verdict-text.js';
import { makeStyle } from '../../emit/style.js';
import { withEscapedStrings } from '../../emit/terminal-safe.js';
import { verdictResultOf } from '../../match/need-status.js';
import { emitContextFor } from '../emit-context.js';
import { UkportError } from '../../errors.js';
import { TOOL_VERSION } from '../../version.js';
import { loadTables } from '../../data/tables.js';
import { pickRelease } from '../../plan/releases.js';
import { readSourceTree } from '../../verify/sources.js';
import { verifyPort } from '../../verify/verify.js';
import { rootfsEntries, rootfsFromImage } from '../../verify/rootfs-files.js';
import { verificationText } from '../../verify/summary.js';
import { parseProbe, splitCommand } from '../../verify/qemu.js';
import { emptyReport, reportFromJson } from '../../verify/report-file.js';
import { predictedSyscalls } from '../../verify/compare.js';
import type { OutputFormat, Report, Verification } from '../../model/index.js';

const positiveNumber = (values: Record<string, unknown>, name: string, fallback: number): number => {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UkportError('usage', `--${name} must be a positive number, got '${String(raw)}'`);
  return n;
};

const VERIFY_FORMATS: readonly OutputFormat[] = ['text', 'json', 'markdown', 'sarif'];

/** Text: the judge's verdict (with the run's "verified running on …" line) when there is a plan, then the verification. */
function verifyText(report: Report, verification: Verification, color: boolean): string {
  if (!report.plan) return verificationText(verification);
  return [...verdictLines(withEscapedStrings(verdictResultOf(report)), makeStyle(color), false), '', verificationText(verification)].join('\n');
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: "build the port with Unikraft's own make, boot it under qemu, and check what ran against the prediction",
  help: `Usage: ukport verify --sources DIR --out DIR [options] (PATH... | PLAN.json | MANIFEST_DIR)

Builds the port with Unikraft's own Make build, boots it under qemu and reads the boot log back into the
report. The input is the app (ELF binaries or C sources: planned first, for the release of the source tree,
and the manifest written to OUT/manifest), a plan (\`ukport plan --format json > plan.json\`), or a manifest
directory written by \`ukport manifest\` (then --plan FILE gives the prediction).

  1. configure  the emitted defconfig, plus verify's tracing options, through \`make olddefconfig\`;
                Kconfig symbols that did not survive are mapped back to the plan entry
  2. build      Unikraft's make (A=manifest, L=the libraries found in --sources, O and C under OUT);
                \`undefined reference to X\`, missing headers and compile errors mapped to the plan
  3. boot       qemu-system-x86_64 (KVM when usable, else TCG), the binary-compat root filesystem packed
                as a cpio initrd, TCP forwarded from 127.0.0.1 only, within --boot-timeout
  4. compare    syscalls the log shows (the shim's debug and strace-like output) against the predicted
                ones: one seen but not predicted is a soundness bug; each predicted gap is hit or not hit

Nothing is downloaded by ukport. Unikraft's make downloads a library's archive (musl-1.2.3.tar.gz, lwip's
zip) only when it is not already under the build directory: ukport copies it there from DIR/archives/.
With --offline a missing archive stops the run with its name, where to put it, and its URL.
The app runs only inside the VM, never on the host. docs/verify.md explains how to get the sources with git.

Sources (--sources DIR): unikraft/ (the core tree at a release: its version.mk names it), libs/<name>/
(musl, lwip, libelf, ... with or without the lib- prefix), apps/<name>/ (elfloader), archives/; or
KraftKit's layout: .unikraft/unikraft, .unikraft/libs/<name>, .unikraft/apps/<name>.

Options:
      --sources DIR       Unikraft sources (required)
      --out DIR           build directory, logs, image, initrd (required; nothing is written outside it)
      --plan FILE         with a manifest directory: the plan JSON that predicted it
      --probe SPEC        tcp:PORT[:SEND:EXPECT]: connect to the guest's PORT through 127.0.0.1, send SEND
                          (\\n, \\r escapes), expect EXPECT in the answer
      --expect-output T   text the app prints when it runs
      --cmd=ARGS          the app's arguments (binary-compat: the program's path in the rootfs first;
                          default: the program's own path)
      --rootfs-add PATHS  binary-compat: more host paths for the initrd, comma-separated (the app's configuration and
                          data, e.g. /etc/nginx,/var/www/html); the program, its libraries and /etc basics are always in
      --offline           fail when an archive make would download is missing, listing them
      --accel A           kvm or tcg (default: kvm when /dev/kvm is usable)
      --memory MIB        guest memory (default 256)
      --boot-timeout S    seconds the guest may run (default 120)
      --build-timeout S   seconds the build may take (default 5400)
      --make-memory MIB   address-space bound per build process (default 4096)
      --jobs N            make -j (default 2)
      --format F          text (the verdict, then the verification), or the report with its "verification"
                          field as json, markdown or sarif; the verdict says "verified running on vX with probe P"
                          when the port built, booted and answered
${PLAN_OPTIONS_HELP}

Exit codes: 0 verified (or booted when no probe was asked), 1 the build, boot or probe failed or a
syscall was seen that the analysis did not predict, 2 usage or input error.
`,
  options: {
    ...PLAN_OPTIONS, sources: { type: 'string' }, out: { type: 'string', short: 'o' }, plan: { type: 'string' }, probe: { type: 'string' },
    'expect-output': { type: 'string' }, cmd: { type: 'string' }, offline: { type: 'boolean' }, accel: { type: 'string' },
    memory: { type: 'string' }, 'boot-timeout': { type: 'string' }, 'build-timeout': { type: 'string' }, 'make-memory': { type: 'string' }, jobs: { type: 'string' },
    name: { type: 'string' }, 'rootfs-add': { type: 'string', multiple: true },
  },
  positionals: true,
  async run(values, paths, io) {
    const sourcesDir = values.sources as string | undefined;
    const outDir = values.out as string | undefined;
    if (!sourcesDir || !outDir) throw new UkportError('usage', 'verify: --sources DIR and --out DIR are required');
    if (paths.length === 0) throw new UkportError('usage', 'verify: give the app paths, a plan JSON file or a manifest directory');
    const format = (values.format as string | undefined) ?? 'text';
    if (!VERIFY_FORMATS.includes(format as OutputFormat)) throw new UkportError('usage', `--format must be one of ${VERIFY_FORMATS.join(', ')}, got '${format}'`);
    if (values.probe && !parseProbe(values.probe as string)) throw new UkportError('usage', `--probe must be tcp:PORT[:SEND:EXPECT], got '${values.probe}'`);
    const accel = values.accel as string | undefined;
    if (accel !== undefined && accel !== 'kvm' && accel !== 'tcg') throw new UkportError('usage', `--accel must be kvm or tcg, got '${accel}'`);
    const sources = readSourceTree(resolve(io.cwd, sourcesDir));
    const tables = loadTables(values.tables as string | undefined);
    if (values.unikraft && pickRelease(tables.unikraft, values.unikraft as string).release !== pickRelease(tables.unikraft, sources.release).release) {
      throw new UkportError('usage', `--unikraft ${values.unikraft}: the sources are Unikraft ${sources.release}; verify plans for the release of the tree`);
    }
    const table = pickRelease(tables.unikraft, sources.release); // a tree with no shipped table is a usage error here
    const out = resolve(io.cwd, outDir);
    mkdirSync(out, { recursive: true });
    const first = resolve(io.cwd, paths[0]!);
    const isManifest = paths.length === 1 && existsSync(first) && statSync(first).isDirectory() && existsSync(join(first, 'defconfig')) && existsSync(join(first, 'Makefile.uk'));
    const isPlanFile = paths.length === 1 && /\.json$/i.test(first) && existsSync(first) && statSync(first).isFile();
    const name = (values.name as string | undefined) ?? basename(paths[0]!.replace(/\/+$/, ''), extname(paths[0]!));
    let report: Report;
    let manifestDir: string;
    if (isManifest) {
      manifestDir = first;
      report = values.plan ? reportFromJson(readFileSync(resolve(io.cwd, values.plan as string), 'utf8'), values.plan as string) : emptyReport();
    } else {
      if (isPlanFile) report = reportFromJson(readFileSync(first, 'utf8'), paths[0]!);
      else {
        const settings = readPlanOptions({ ...values, unikraft: table.release }, paths, io);
        io.stderr(`planning for Unikraft ${table.release} (the release of ${relative(io.cwd, sources.unikraft) || '.'})\n`);
        report = await runPipeline(settings.pipeline);
      }
      if (!report.plan) throw new UkportError('bad-json', 'the plan file has no plan (write it with `ukport plan --format json`)', paths[0]);
      manifestDir = join(out, 'manifest');
      const cmd = values.cmd !== undefined ? (values.cmd as string).split(/\s+/).filter(Boolean) : undefined;
      const srcs = report.inputs.filter((a) => a.kind === 'c-source').map((a) => relative(manifestDir, resolve(io.cwd, a.path)));
      const files = emitManifest({ name, plan: report.plan, generator: `ukport ${TOOL_VERSION}`, ...(cmd ? { cmd } : {}), sources: srcs });
      for (const [p, c] of files) { mkdirSync(join(manifestDir, p, '..'), { recursive: true }); writeFileSync(join(manifestDir, p), c); }
    }
    const mode = report.plan?.mode ?? report.mode;
    const binaryCompat = mode === 'binary-compat' && report.binaries.length > 0;
    let appArgs = values.cmd !== undefined ? splitCommand(values.cmd as string) : [];
    const extra = ((values['rootfs-add'] as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((p) => p.trim()).filter(Boolean);
    for (const p of extra) if (!p.startsWith('/')) throw new UkportError('usage', `--rootfs-add: '${p}' is not an absolute path`);
    // the initrd is what the manifest's Dockerfile copies (the plan's image), the app runs as the Kraftfile's cmd;
    // a plan without an image (an older plan file): each program at its absolute host path, with what it loads
    const image = binaryCompat ? report.plan?.image : undefined;
    const hostReport = { ...report, binaries: report.binaries.map((b) => ({ ...b, path: resolve(io.cwd, b.path) })) };
    if (binaryCompat && values.cmd === undefined) appArgs = [image?.entry ?? hostReport.binaries[0]!.path];
    const rootfs = image ? rootfsFromImage(image, undefined, extra) : binaryCompat ? rootfsEntries(hostReport, '/', undefined, extra) : undefined;
    if (rootfs?.skipped.length) io.stderr(`rootfs: left out ${rootfs.skipped.slice(0, 5).join(', ')}${rootfs.skipped.length > 5 ? ', …' : ''}\n`);
    const verification = await verifyPort({
      manifestDir, ...(report.plan ? { plan: report.plan } : {}), predicted: predictedSyscalls(report),
      mode, arch: report.plan?.arch ?? 'x86_64', sources, out, offline: Boolean(values.offline), ...(accel ? { accel: accel as 'kvm' | 'tcg' } : {}),
      ...(values['expect-output'] ? { expectOutput: values['expect-output'] as string } : {}), ...(values.probe ? { probe: values.probe as string } : {}),
      appArgs, ...(rootfs ? { rootfs: rootfs.entries } : {}), table,
      buildSeconds: positiveNumber(values, 'build-timeout', 5400), bootSeconds: positiveNumber(values, 'boot-timeout', 120),
      guestMemoryMiB: positiveNumber(values, 'memory', 256), makeMemoryBytes: positiveNumber(values, 'make-memory', 4096) * 1024 * 1024,
      jobs: Math.floor(positiveNumber(values, 'jobs', 2)), progress: (m) => io.stderr(`${m}\n`),
    });
    report.verification = verification;
    writeFileSync(join(out, 'verification.json'), JSON.stringify(verification, null, 2) + '\n');
    if (format === 'text') io.stdout(verifyText(report, verification, io.color));
    else io.stdout(emitterFor(format as OutputFormat)!(report, emitContextFor(io, false)));
    const failed = verification.outcome !== 'verified' && verification.outcome !== 'booted';
    return failed || (verification.syscalls?.unpredicted.length ?? 0) > 0 ? 1 : 0;
  },
};
