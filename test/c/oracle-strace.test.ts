import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCSources } from '../../src/extract/c/extract-c-sources.js';
import { findCSources } from '../../src/extract/c/find-c-sources.js';
import type { Fact } from '../../src/model/index.js';
import { PROJECTS, kernelSyscalls, muslFunctions } from './c-helpers.js';
import { tempDir } from '../helpers/temp-dirs.js';

// Oracle: syscalls predicted from the source under musl (each called libc function → its musl summary,
// plus syscall() / asm facts, plus musl start-up and exit) ⊇ syscalls strace sees from the musl-static build.
const SUMMARY = join(process.cwd(), 'syscall-tables', 'libc-summaries', 'musl-x86_64.json');
const BUILD = join(process.cwd(), 'fixtures', 'build', 'c-projects');
const haveSummary = existsSync(SUMMARY);
const suite = haveSummary ? describe : describe.skip;

function straced(binary: string): Set<string> {
  const out = join(tempDir('ukport-strace-'), 'trace');
  spawnSync('strace', ['-f', '-qq', '-o', out, binary], { timeout: 20_000 });
  const names = new Set<string>();
  const lines = readFileSync(out, 'utf8').split('\n');
  // the first line is strace's own execve of the program
  for (const l of lines.slice(1)) {
    const m = /^(?:\d+\s+)?([a-z_0-9]+)\(/.exec(l);
    if (m) names.add(m[1]);
  }
  return names;
}

// musl start-up: __libc_start_main, exit after main returns, and the TLS set-up (arch_prctl) that a static
// binary does in __init_tls and that libc.so, where the summaries come from, does in the loader stages __dls2b/__dls3
const STARTUP = ['__libc_start_main', 'exit', '__dls2b', '__dls3'];

function predicted(facts: Fact[], summary: Record<string, string[]>): Set<string> {
  const out = new Set<string>(STARTUP.flatMap((f) => summary[f] ?? []));
  for (const f of facts) {
    if (f.kind === 'syscall') out.add(f.name);
    if (f.kind === 'symbol') for (const s of summary[f.name] ?? []) out.add(s);
  }
  return out;
}

suite('source prediction under musl covers strace of the musl-static build', () => {
  const summary = haveSummary ? (JSON.parse(readFileSync(SUMMARY, 'utf8')) as { functions: Record<string, string[]> }).functions : {};
  const build = (): void => { execFileSync('make', ['-s', '-C', join(process.cwd(), 'fixtures'), 'c-projects']); };

  test('raw-syscalls: everything but the syscall made through a variable number', async () => {
    build();
    const { facts } = await extractCSources(findCSources([join(PROJECTS, 'raw-syscalls')]).files, { libcFunctions: muslFunctions(), syscalls: { x86_64: kernelSyscalls() } });
    const seen = straced(join(BUILD, 'raw-syscalls.musl'));
    const missing = [...seen].filter((s) => !predicted(facts, summary).has(s)).sort();
    // getppid is reached only through `syscall(nr)` and asm with "a"(nr): both reported as unknowns
    expect(missing).toEqual(['getppid']);
    expect(facts.filter((f) => f.kind === 'unknown').map((f) => f.kind === 'unknown' && f.reason).sort()).toEqual(['dlopen', 'indirect-syscall', 'inline-asm']);
  });

  test('mqtt-broker', async () => {
    build();
    const { facts } = await extractCSources(findCSources([join(PROJECTS, 'mqtt-broker')]).files, { libcFunctions: muslFunctions() });
    const seen = straced(join(BUILD, 'mqtt-broker.musl'));
    expect([...seen].filter((s) => !predicted(facts, summary).has(s)).sort()).toEqual([]);
  });
});
