import type { BinaryInfo, Mode } from '../model/index.js';

/**
 * Programs measured on Unikraft: what a real run showed, as calibration the judge may use. A need the analysis finds
 * (fork, exec, dlopen, an unresolved syscall number, …) but the measured run never reached, under a configuration the
 * run names, is a gap of that configuration, not work to do first: the run proves the program boots and serves with
 * it absent. Each run was built, booted and probed by `ukport verify` (docs/verify.md "Integration tier"); its boot log
 * is kept in fixtures/verify/boot-logs, and the syscalls Unikraft answered -ENOSYS are the `missing` below.
 */
export interface MeasuredRun {
  /** File name of the program as the run started it (argv[0]'s base name decides what a multi-call binary does). */
  program: string;
  /** Libraries the measured build loads (DT_NEEDED): a program of that name without them is another build. */
  needed: string[];
  build: string;
  release: string;
  mode: Mode;
  /** The run's command line: the configuration that keeps the program off the paths it did not reach. */
  cmd: string;
  /** What the configuration turns off, in words a porter acts on. */
  configuration: string;
  probe: string;
  /** Syscalls Unikraft answered -ENOSYS during the run (each one already a tolerated gap for the judge). */
  missing: string[];
  /** Where the run is recorded. */
  source: string;
}

export const MEASURED_RUNS: readonly MeasuredRun[] = [
  {
    program: 'nginx',
    needed: ['libc.so.6', 'libcrypt.so.1', 'libcrypto.so.3', 'libpcre2-8.so.0', 'libssl.so.3', 'libz.so.1'],
    build: "Debian 12's nginx 1.22.1 (dynamic, glibc 2.36)",
    release: 'v0.16.3',
    mode: 'binary-compat',
    cmd: "nginx -c nginx.conf -g 'daemon off; master_process off;'",
    configuration: 'one process in the foreground (daemon off, master_process off, as unikraft/catalog library/nginx runs it), no dynamic modules, sendfile and tcp_nopush off',
    probe: 'GET / → HTTP/1.1 200',
    missing: ['rseq', 'set_robust_list'],
    source: 'docs/verify.md, fixtures/verify/boot-logs/nginx-elfloader-v0.16.3-tcg.log, fixtures/verify/apps/nginx.conf',
  },
  {
    program: 'redis-server',
    needed: ['libatomic.so.1', 'libc.so.6', 'libcrypto.so.3', 'libjemalloc.so.2', 'liblzf.so.1', 'libm.so.6', 'libssl.so.3', 'libsystemd.so.0'],
    build: "Debian 12's redis-server 7.0.15 (dynamic, glibc 2.36)",
    release: 'v0.16.3',
    mode: 'binary-compat',
    cmd: "redis-server --port 6379 --protected-mode no --save '' --appendonly no",
    configuration: "no persistence (--save '' --appendonly no: no background save, whose fork is the only one redis makes), no modules",
    probe: 'PING → +PONG',
    missing: ['clone3', 'rseq', 'set_robust_list'],
    source: 'docs/verify.md, fixtures/verify/boot-logs/redis-elfloader-v0.16.3-tcg.log',
  },
];

const parts = (r: string) => (r.match(/\d+/g) ?? []).map(Number);
/** RELEASE is the measured one or newer (a snapshot such as `staging` counts as newer). */
function atOrAfter(release: string, measured: string): boolean {
  const a = parts(release), b = parts(measured);
  if (a.length === 0) return true;
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The measured run that stands for this program in this mode and release, when there is one. */
export function measuredRunOf(program: Pick<BinaryInfo, 'path' | 'needed'> | undefined, mode: Mode, release: string | undefined): MeasuredRun | undefined {
  if (!program || !release) return undefined;
  const needed = new Set(program.needed);
  return MEASURED_RUNS.find((r) => r.program === baseName(program.path) && r.mode === mode && atOrAfter(release, r.release) && r.needed.every((n) => needed.has(n)));
}

/** The run in one line, for the verdict. */
export function describeRun(run: MeasuredRun): string {
  return `${run.build} ran on Unikraft ${run.release} (${run.mode}; probe ${run.probe}; Unikraft answered ENOSYS only for ${run.missing.join(', ')}) with ${run.configuration}: \`${run.cmd}\` (${run.source})`;
}

/** Why a need the run did not reach is a gap of the measured configuration. */
export function measuredReason(run: MeasuredRun): string {
  return `not reached in the measured run of ${run.build} on Unikraft ${run.release} (\`${run.cmd}\`)`;
}
