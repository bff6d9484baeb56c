import { expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/tools.js';

/** What one hostile run of the CLI did. */
export interface HostileRun { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs the built CLI on a hostile input with at most 10 s of CPU (RLIMIT_CPU: past it the kernel sends SIGXCPU, which
 * the check below reports) and 60 s of wall time (a blocking read uses no CPU: the timeout's SIGTERM reports it).
 * CPU time, not wall time, so that a loaded 2-core machine does not fail a bound the code keeps.
 */
export function runHostile(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): HostileRun {
  const r = spawnSync('prlimit', ['--cpu=10', process.execPath, join(ROOT, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, timeout: 60_000, maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The run ended by itself with exit 0, 1 or 2 (no signal, no internal error); an exit 2 says why in one line. */
export function expectClean(r: HostileRun, codes: number[] = [0, 1, 2]): void {
  expect({ signal: r.signal, internal: /internal error/.test(r.stderr) }).toEqual({ signal: null, internal: false });
  expect(codes).toContain(r.status);
  if (r.status === 2) expect(r.stderr.trim().split('\n')).toHaveLength(1);
}
