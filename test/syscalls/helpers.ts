import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { loadElf, resolveDlopen, resolveLibraries } from '../../src/extract/elf/resolve-libraries.js';
import { readNsswitch } from '../../src/inputs/nsswitch.js';
import { extractSyscalls, type SyscallOptions } from '../../src/extract/syscalls.js';
import type { SyscallFact, UnknownFact } from '../../src/model/index.js';

export const FIXTURES = new URL('../../fixtures/build/syscalls/', import.meta.url).pathname;

/** Builds the syscall fixtures when missing (cheap: a few seconds). */
export function ensureFixtures(): void {
  if (existsSync(join(FIXTURES, 'raw_syscalls.a64-dyn')) && existsSync(join(FIXTURES, 'multicall.a64-static-stripped')) && existsSync(join(FIXTURES, 'syscall_table.a64-musl-stripped')) && existsSync(join(FIXTURES, 'threads.a64-musl'))) return;
  const r = spawnSync('make', ['-s', '-C', new URL('../../fixtures/', import.meta.url).pathname, 'syscalls'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fixture build failed: ${r.stderr}`);
}

/** A cache directory private to one test file, removed by the caller. */
export function tempCache(): string {
  return mkdtempSync(join(tmpdir(), 'ukport-sc-'));
}

/** Runs the extractor on PATH and returns the syscall facts by name. */
export function predict(path: string, cacheDir: string, opts: Partial<SyscallOptions> = {}, sysroot?: string): { syscalls: Map<string, SyscallFact>; unknowns: number; unknownFacts: UnknownFact[] } {
  const main = loadElf(path);
  const closure = resolveLibraries([main], { sysroot });
  const r = extractSyscalls(main, closure, {
    mode: 'binary-compat', cacheDir, resolveDlopen: (name, from) => resolveDlopen(name, from, main, { sysroot }), nssServices: () => readNsswitch(sysroot ?? '/'), ...opts,
  });
  const syscalls = new Map<string, SyscallFact>();
  for (const f of r.facts) if (f.kind === 'syscall') syscalls.set(f.name, f);
  const unknownFacts = r.facts.filter((f): f is UnknownFact => f.kind === 'unknown');
  return { syscalls, unknowns: unknownFacts.length, unknownFacts };
}

/**
 * Syscall names in an `strace -f -o FILE` log. The launch execve (made before the program exists) is dropped. With
 * OWNPROGRAM, a process that execs another program stops counting once the exec succeeded, and so do the processes it
 * starts afterwards (a pager or `stty` a program runs is not that program).
 */
export function parseStrace(text: string, ownProgram = false): Set<string> {
  const out = new Set<string>();
  const foreign = new Set<string>();
  let first = true;
  for (const line of text.split('\n')) {
    const pid = /^(?:\[pid\s+)?(\d+)\]?\s+/.exec(line)?.[1] ?? '';
    const body = line.replace(/^(\[pid\s+\d+\]\s+|\d+\s+)/, '');
    if (body.startsWith('+++') || body.startsWith('---') || body === '') continue;
    const m = /^<\.\.\. ([a-z_0-9]+) resumed>/.exec(body) ?? /^([a-z_0-9]+)\(/.exec(body);
    if (!m) continue;
    // the kernel, not the program, makes restart_syscall: it resumes a sleep a signal interrupted (man 2 restart_syscall)
    if (m[1] === 'restart_syscall') continue;
    if (first && m[1] === 'execve') { first = false; continue; }
    first = false;
    if (ownProgram && foreign.has(pid)) {
      const child = /^(?:<\.\.\. )?(?:clone3?|vfork|fork)\b.*= (\d+)$/.exec(body);
      if (child) foreign.add(child[1]);
      continue;
    }
    out.add(m[1]);
    if (ownProgram && m[1] === 'execve' && / = 0$/.test(body)) foreign.add(pid);
  }
  return out;
}

/**
 * Runs CMD under `strace -f -qq -e trace=all`; DRIVE interacts with the child (e.g. connects to it). ENV is added
 * to the child's environment; exit codes other than 0 and OKCODES fail.
 */
export async function observe(cmd: string, args: string[], drive?: (stdout: NodeJS.ReadableStream) => Promise<void>, tracer: 'strace' | 'qemu' = 'strace',
  run: { env?: Record<string, string>; okCodes?: number[]; ownProgram?: boolean } = {}): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ukport-strace-'));
  const log = join(dir, 'trace');
  try {
    const child = tracer === 'strace'
      ? spawn('strace', ['-f', '-qq', '-e', 'trace=all', '-o', log, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...run.env } })
      : spawn('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', '-strace', '-D', log, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    if (drive) await drive(child.stdout!); else child.stdout!.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await done;
    clearTimeout(timer);
    if (code !== 0 && !run.okCodes?.includes(code)) throw new Error(`${cmd} exited with ${code}`);
    return tracer === 'strace' ? parseStrace(readFileSync(log, 'utf8'), run.ownProgram) : parseQemuStrace(readFileSync(log, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Syscall names in a `qemu-aarch64 -strace` log (`PID name(args) = ret`). */
export function parseQemuStrace(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\d+ ([a-z_0-9]+)\(/.exec(line);
    if (m) out.add(m[1]);
  }
  return out;
}

/** Observed names missing from the prediction. */
export function missing(predicted: Map<string, unknown>, observed: Set<string>): string[] {
  return [...observed].filter((s) => !predicted.has(s)).sort();
}

/** Drives the echo_server fixture: waits for `ready PORT`, sends a line and expects it back. */
export async function serveOnce(stdout: NodeJS.ReadableStream): Promise<void> {
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    stdout.on('data', (d: Buffer) => { buf += d.toString(); const m = /ready (\d+)/.exec(buf); if (m) resolve(Number(m[1])); });
    stdout.on('end', () => reject(new Error('server ended before ready')));
  });
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('hello ukport'));
    s.on('data', (d) => { expect(d.toString()).toBe('hello ukport'); s.end(); });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}
