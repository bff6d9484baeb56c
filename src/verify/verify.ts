import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Arch, BuildProblem, Mode, Plan, UnikraftTable, Verification, VerifyStage } from '../model/index.js';
import { parseBuildLog, unmetKconfig } from './build-errors.js';
import { planLookup } from './plan-lookup.js';
import { findImage, kraftfileTemplate, makefileApp, missingArchiveProblems, neededArchives, resolveManifestLibs, runMake, stageArchives, writeSeedConfig, type MakeLayout } from './build.js';
import { parseDotConfig } from './fetches.js';
import { networkAdjustment, randomAdjustment, tracingAdjustment, type Adjustment } from './environment.js';
import { gitCommit, type SourceTree } from './sources.js';
import { writeCpio, type CpioEntry } from './cpio.js';
import { parseProbe, pickAccel } from './qemu.js';
import { freePort } from './probe.js';
import { bootImage } from './boot.js';
import { parseBootLog } from './boot-log.js';
import { compareSyscalls } from './compare.js';
import { verificationSummary } from './summary.js';

/** Everything one `ukport verify` run needs. */
export interface VerifyRequest {
  /** The emitted manifest (defconfig, Config.uk, Makefile.uk, Makefile, lib-*-compat/). */
  manifestDir: string;
  plan?: Plan;
  /** Syscalls the analysis predicted for the app. */
  predicted?: Set<string>;
  mode?: Mode;
  arch: Arch;
  sources: SourceTree;
  out: string;
  offline: boolean;
  accel?: 'kvm' | 'tcg';
  expectOutput?: string;
  /** `tcp:PORT[:SEND:EXPECT]`. */
  probe?: string;
  appArgs: string[];
  /** Files of the binary-compat root filesystem, packed as the initrd. */
  rootfs?: CpioEntry[];
  buildSeconds: number;
  bootSeconds: number;
  guestMemoryMiB: number;
  /** Address-space bound per build process (bytes). */
  makeMemoryBytes: number;
  jobs: number;
  /** The release's coverage table: which library provides a missing symbol. */
  table?: UnikraftTable;
  progress(message: string): void;
}

const stage = (name: VerifyStage['stage'], ok: boolean, seconds: number, log: string | undefined, out: string, detail?: string): VerifyStage =>
  ({ stage: name, ok, seconds: Math.round(seconds * 10) / 10, ...(log ? { log: relative(out, log) } : {}), ...(detail ? { detail } : {}) });

/** Builds the port with Unikraft's make, boots it under qemu and reads the log against the prediction. */
export async function verifyPort(req: VerifyRequest): Promise<Verification> {
  const { sources, out } = req;
  mkdirSync(join(out, 'logs'), { recursive: true });
  const stages: VerifyStage[] = [];
  const buildProblems: BuildProblem[] = [];
  const usedSources: Verification['sources'] = [{ name: 'unikraft', path: sources.unikraft, ...(sources.commit ? { commit: sources.commit } : {}) }];
  const adjustments: Adjustment[] = [];
  const base = { release: sources.release, sources: usedSources, stages, buildProblems };
  const finish = (v: Omit<Verification, 'summary' | 'adjustments' | keyof typeof base>): Verification => {
    const full = { ...base, ...v, adjustments: adjustments.map((a) => a.reason), summary: '' } as Verification;
    full.summary = verificationSummary(full);
    return full;
  };

  // sources: the manifest's libraries found by name in --sources
  const makefile = existsSync(join(req.manifestDir, 'Makefile')) ? readFileSync(join(req.manifestDir, 'Makefile'), 'utf8') : '';
  const libs = resolveManifestLibs(makefile, req.manifestDir, sources);
  for (const l of libs.libs) if (!l.startsWith(req.manifestDir)) usedSources.push({ name: l.split('/').pop()!, path: l, ...(gitCommit(l) ? { commit: gitCommit(l)! } : {}) });
  if (libs.missing.length) {
    stages.push(stage('sources', false, 0, undefined, out, `missing in ${sources.root}: ${libs.missing.join(', ')} (expected libs/<name>/ or apps/<name>/)`));
    return finish({ outcome: 'missing-sources' });
  }
  const libraryDirs = new Map<string, string>();
  for (const dir of libs.libs) {
    const name = dir.split('/').pop()!;
    libraryDirs.set(name, dir);
    libraryDirs.set(`${name} (build)`, join(out, 'build', `lib${name.replace(/^lib-?/, '').replace(/-/g, '_')}`));
  }
  const lookup = planLookup(req.plan, req.table, libraryDirs);
  // a template app (binary-compat: app-elfloader, named by the Makefile's A= or the Kraftfile's template) is the
  // application make builds; the manifest configures it
  const kraftfile = existsSync(join(req.manifestDir, 'Kraftfile')) ? readFileSync(join(req.manifestDir, 'Kraftfile'), 'utf8') : '';
  const template = makefileApp(makefile) ?? kraftfileTemplate(kraftfile);
  const app = template ? sources.find('app', template) : req.manifestDir;
  if (!app) {
    stages.push(stage('sources', false, 0, undefined, out, `missing in ${sources.root}: the template app ${template} (expected apps/${template!.replace(/^app-/, '')}/)`));
    return finish({ outcome: 'missing-sources' });
  }
  if (template) usedSources.push({ name: template, path: app, ...(gitCommit(app) ? { commit: gitCommit(app)! } : {}) });
  const layout: MakeLayout = { unikraft: sources.unikraft, app, libs: libs.libs, buildDir: join(out, 'build'), config: join(out, '.config') };
  const accel = req.accel ?? pickAccel(req.arch);
  const probe = req.probe ? parseProbe(req.probe) : undefined;

  // configure: the emitted defconfig + verify's own lines, completed by make olddefconfig
  const defconfig = readFileSync(join(req.manifestDir, 'defconfig'), 'utf8');
  adjustments.push(tracingAdjustment(req.mode), ...[randomAdjustment(sources.unikraft, accel)].filter((a): a is Adjustment => !!a));
  const configLog = join(out, 'logs', 'configure.log');
  writeFileSync(configLog, '');
  const configure = async () => {
    writeSeedConfig(layout, defconfig, adjustments.flatMap((a) => a.kconfig));
    return runMake(layout, 'olddefconfig', configLog, { seconds: 300, memoryBytes: req.makeMemoryBytes, nice: 10 }, 1);
  };
  let conf = await configure();
  const net = conf.ok ? networkAdjustment(parseDotConfig(readFileSync(layout.config, 'utf8')), !!probe) : undefined;
  if (net) { adjustments.push(net); if (net.kconfig.length) conf = await configure(); }
  const dotConfig = existsSync(layout.config) ? readFileSync(layout.config, 'utf8') : '';
  buildProblems.push(...parseBuildLog(readFileSync(configLog, 'utf8'), lookup), ...unmetKconfig(defconfig, dotConfig, req.plan, (sym) =>
    // what verify itself left out for the test VM, and the manifest's own app symbol when a template app is built instead
    adjustments.some((a) => a.kconfig.includes(`# CONFIG_${sym} is not set`)) || (!!template && /^APP[A-Z0-9_]+$/.test(sym) && !sym.startsWith('APPELFLOADER'))));
  // app-elfloader loads the ELF from the root file system: without an initrd mount it stops at boot
  // ("/etc: Not a directory" from its conffile), whatever else the plan got right
  if (req.rootfs && !/^CONFIG_LIBVFSCORE_(?:AUTOMOUNT_CI_INITRD|ROOTFS_INITRD)=y$/m.test(dotConfig)) {
    buildProblems.push({ kind: 'kconfig-unmet', symbol: 'LIBVFSCORE_AUTOMOUNT_CI_INITRD', planEntry: 'rootfs',
      message: 'the configuration mounts no initrd as the root file system (LIBVFSCORE_AUTOMOUNT_CI_INITRD, or LIBVFSCORE_ROOTFS_INITRD before v0.16): app-elfloader cannot load the program' });
  }
  stages.push(stage('configure', conf.ok, conf.seconds, configLog, out, conf.detail));
  if (!conf.ok) return finish({ outcome: 'config-failed' });

  // build: archives staged where Unikraft's fetch rule looks first, then make
  const archives = neededArchives(layout, sources);
  stageArchives(archives);
  const missing = missingArchiveProblems(archives, sources);
  if (missing.length && req.offline) {
    buildProblems.push(...missing);
    stages.push(stage('build', false, 0, undefined, out, `--offline: ${missing.length} archive(s) missing`));
    return finish({ outcome: 'build-failed' });
  }
  const buildLog = join(out, 'logs', 'build.log');
  writeFileSync(buildLog, '');
  req.progress(`building with Unikraft ${sources.release}'s make (log: ${relative(process.cwd(), buildLog)})`);
  const built = await runMake(layout, undefined, buildLog, { seconds: req.buildSeconds, memoryBytes: req.makeMemoryBytes, nice: 10 }, req.jobs);
  const image = findImage(layout.buildDir, req.arch);
  if (!built.ok || !image) {
    buildProblems.push(...parseBuildLog(readFileSync(buildLog, 'utf8'), lookup));
    stages.push(stage('build', false, built.seconds, buildLog, out, built.detail ?? 'no image produced'));
    return finish({ outcome: 'build-failed' });
  }
  stages.push(stage('build', true, built.seconds, buildLog, out));

  // boot: the image under qemu, the rootfs as a cpio initrd, forwards on 127.0.0.1 only
  let initrd: string | undefined;
  if (req.rootfs) { initrd = join(out, 'rootfs.cpio'); writeFileSync(initrd, writeCpio(req.rootfs)); }
  const hostPort = probe ? await freePort() : 0;
  const bootLog = join(out, 'logs', 'boot.log');
  writeFileSync(bootLog, '');
  req.progress(`booting under qemu (${accel}${probe ? `, 127.0.0.1:${hostPort} → guest ${probe.port}` : ''}; log: ${relative(process.cwd(), bootLog)})`);
  const run = await bootImage({
    qemu: {
      arch: req.arch, kernel: image, ...(initrd ? { initrd } : {}), memoryMiB: req.guestMemoryMiB, accel,
      forwards: probe ? [{ host: hostPort, guest: probe.port }] : [],
      kernelParams: adjustments.flatMap((a) => a.kernelParams), appArgs: req.appArgs,
    },
    log: bootLog, cwd: out, seconds: req.bootSeconds, memoryBytes: (req.guestMemoryMiB + 2048) * 1024 * 1024,
    ...(req.expectOutput ? { expectOutput: req.expectOutput } : {}),
    ...(probe ? { probe: { spec: req.probe!, tcp: probe, hostPort } } : {}),
  });
  const log = parseBootLog(readFileSync(bootLog, 'latin1'), { mode: req.mode === 'binary-compat' ? 'binary-compat' : 'native' });
  const answered = (!req.expectOutput || run.expectSeen) && (!probe || run.probe?.ok);
  const ran = run.end !== 'crashed' && !log.crash;
  stages.push(stage('boot', ran, run.seconds, bootLog, out, log.crash ?? `qemu ${run.end}`));
  if (run.probe) stages.push(stage('probe', run.probe.ok, 0, undefined, out, run.probe.detail));
  const tracing = req.mode === 'binary-compat' ? 'strace' : 'shim-debug';
  const outcome = !ran ? 'boot-failed' : (req.expectOutput || probe) ? (answered ? 'verified' : 'probe-failed') : 'booted';
  return finish({
    outcome, image: relative(out, image),
    boot: { accel, command: run.argv, end: run.end, ...(log.crash ? { crash: log.crash } : {}), output: log.output },
    ...(run.probe ? { probe: run.probe } : {}),
    syscalls: compareSyscalls(log, req.predicted ?? new Set(), req.plan, tracing),
  });
}
