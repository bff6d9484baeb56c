import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';

/** Limits every child process of `ukport verify` runs under. */
export interface Bounds {
  /** Wall-clock seconds before the whole process group is killed. */
  seconds: number;
  /** Address-space limit per process (bytes), applied with prlimit(1). */
  memoryBytes: number;
  /** Scheduling niceness (default 10: builds share the machine). */
  nice?: number;
}

/** What a bounded run ended with. */
export interface BoundedResult {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  seconds: number;
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find(existsSync);

/** argv wrapped in prlimit (address space) and nice, when those tools exist. */
export function boundedArgv(argv: string[], bounds: Bounds): string[] {
  const wrapped = PRLIMIT ? [PRLIMIT, `--as=${Math.floor(bounds.memoryBytes)}`, '--', ...argv] : argv;
  return bounds.nice ? ['nice', '-n', String(bounds.nice), ...wrapped] : wrapped;
}

/** A child started in its own process group, so that a timeout kills make's and qemu's children too. */
export interface BoundedChild {
  child: ChildProcess;
  done: Promise<BoundedResult>;
  /** Kills the whole group now. */
  kill(): void;
}

/**
 * Starts ARGV in CWD with the bounds; stdout and stderr both go to LOG (appended). The process group
 * is killed with SIGKILL when the time bound passes.
 */
export function startBounded(argv: string[], options: { cwd: string; log: string; bounds: Bounds; env?: NodeJS.ProcessEnv; stdin?: 'ignore' | 'pipe' }): BoundedChild {
  const full = boundedArgv(argv, options.bounds);
  const log = createWriteStream(options.log, { flags: 'a' });
  log.write(`$ ${argv.join(' ')}\n`);
  const started = Date.now();
  const child = spawn(full[0]!, full.slice(1), { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let timedOut = false;
  const killGroup = () => {
    try { if (child.pid) process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  const timer = setTimeout(() => { timedOut = true; killGroup(); }, options.bounds.seconds * 1000);
  const done = new Promise<BoundedResult>((resolveDone) => {
    const finish = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      killGroup(); // nothing of the group outlives its leader
      const result = { code, signal, timedOut, seconds: (Date.now() - started) / 1000 };
      log.end(`\n[ukport: exit ${code ?? signal}${timedOut ? ', time bound reached' : ''} after ${result.seconds.toFixed(1)} s]\n`, () => resolveDone(result));
    };
    child.on('error', () => finish(127, null));
    child.on('close', finish);
  });
  return { child, done, kill: killGroup };
}

/** Runs ARGV to its end under the bounds (see startBounded). */
export function runBounded(argv: string[], options: { cwd: string; log: string; bounds: Bounds; env?: NodeJS.ProcessEnv }): Promise<BoundedResult> {
  return startBounded(argv, options).done;
}
