import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evidence, Fact } from '../../src/model/index.js';
import type { SyscallNames } from '../../src/extract/c/resolve-c-facts.js';

export const PROJECTS = join(process.cwd(), 'fixtures', 'c-projects');

/** Functions the real musl libc.so exports (T/W/i symbols), the set a LibcTable would carry. */
export function muslFunctions(): Set<string> {
  const out = execFileSync('nm', ['-D', '--defined-only', '/usr/lib/x86_64-linux-musl/libc.so'], { encoding: 'utf8' });
  return new Set(out.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 3 && /^[TWi]$/.test(p[1])).map((p) => p[2]));
}

/** x86-64 syscall numbers from the installed kernel UAPI header (an oracle independent of our tables). */
export function kernelSyscalls(): SyscallNames {
  const text = readFileSync('/usr/include/x86_64-linux-gnu/asm/unistd_64.h', 'utf8');
  const byName = new Map<string, number>();
  const byNumber = new Map<number, string>();
  for (const m of text.matchAll(/^#define __NR_(\w+)\s+(\d+)/gm)) {
    byName.set(m[1], Number(m[2]));
    byNumber.set(Number(m[2]), m[1]);
  }
  return { byName, byNumber };
}

/** 1-based line of the first line of FILE containing NEEDLE (the way grep -n counts). */
export function lineOf(file: string, needle: string, nth = 1): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`${needle} not in ${file}`);
}

/** 1-based column of NEEDLE on that line. */
export function columnOf(file: string, line: number, needle: string): number {
  return readFileSync(file, 'utf8').split('\n')[line - 1].indexOf(needle) + 1;
}

export function symbol(facts: Fact[], name: string, role: 'call' | 'address-taken' = 'call'): Extract<Fact, { kind: 'symbol' }>[] {
  return facts.filter((f): f is Extract<Fact, { kind: 'symbol' }> => f.kind === 'symbol' && f.name === name && f.role === role);
}

/** All evidence of the facts, as `file:line` (basename) strings. */
export function where(facts: Fact[]): string[] {
  return facts.flatMap((f) => f.evidence).map((e: Evidence) => `${e.location?.file.split('/').pop()}:${e.location?.line}`).sort();
}
