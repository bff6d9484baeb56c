import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCSources, type CExtractOptions } from '../../src/extract/c/extract-c-sources.js';
import type { Evidence } from '../../src/model/index.js';
import { tempDir } from '../helpers/temp-dirs.js';

const libcFunctions = new Set(['fork', 'vfork', 'getpid', 'getppid', 'kill', 'pause', 'sleep', 'alarm']);

/** Scans one source text; returns `name → [condition, detail]` for each call. */
async function callsIn(src: string, extra: Partial<CExtractOptions> = {}): Promise<Record<string, [string | null, string | null][]>> {
  const file = join(tempDir('ukport-cond-'), 't.c');
  writeFileSync(file, src);
  const { facts } = await extractCSources([file], { libcFunctions, ...extra });
  const out: Record<string, [string | null, string | null][]> = {};
  for (const f of facts) if (f.kind === 'symbol') out[f.name] = f.evidence.map((e: Evidence) => [e.condition ?? null, e.detail ?? null]);
  return out;
}

describe('preprocessor branches', () => {
  test('#ifdef / #elif / #else chains get each branch its own condition', async () => {
    const r = await callsIn([
      'void f(void) {',
      '#ifdef __linux__',
      '  fork();',
      '#elif defined(__APPLE__) || defined(__FreeBSD__)',
      '  vfork();',
      '#else',
      '  getpid();',
      '#endif',
      '}',
    ].join('\n'));
    expect(r).toEqual({
      fork: [['defined(__linux__)', 'linux-only']],
      vfork: [['!defined(__linux__) && (defined(__APPLE__) || defined(__FreeBSD__))', null]],
      // the #else is the non-Linux fallback: not linux-only
      getpid: [['!(defined(__linux__) || defined(__APPLE__) || defined(__FreeBSD__))', null]],
    });
  });

  test('nested branches join with &&; #ifndef _WIN32 is not linux-only', async () => {
    const r = await callsIn(['#ifndef _WIN32', '#if defined(__linux__) && !defined(NO_SIGNALS)', 'void f(void) { kill(1, 9); }', '#endif', 'void g(void) { pause(); }', '#endif'].join('\n'));
    expect(r).toEqual({
      kill: [['!defined(_WIN32) && defined(__linux__) && !defined(NO_SIGNALS)', 'linux-only']],
      pause: [['!defined(_WIN32)', null]],
    });
  });

  test('#if 0 is dead; #if 1 is not a condition; -D values decide comparisons', async () => {
    const src = ['#if 0', 'void a(void) { fork(); }', '#endif', '#if 1', 'void b(void) { getpid(); }', '#endif',
      '#if VERSION >= 3', 'void c(void) { sleep(1); }', '#else', 'void d(void) { alarm(1); }', '#endif'].join('\n');
    expect(await callsIn(src)).toEqual({ getpid: [[null, null]], sleep: [['VERSION >= 3', null]], alarm: [['!(VERSION >= 3)', null]] });
    expect(await callsIn(src, { defines: { VERSION: '2' } })).toEqual({ getpid: [[null, null]], alarm: [[null, null]] });
    expect(await callsIn(src, { defines: { VERSION: '0x10' } })).toEqual({ getpid: [[null, null]], sleep: [[null, null]] });
  });

  test('an undecided && keeps only the undecided part deciding nothing', async () => {
    const src = ['#if defined(A) && defined(B)', 'void f(void) { fork(); }', '#endif'].join('\n');
    expect(await callsIn(src, { undefs: ['A'] })).toEqual({});
    expect(await callsIn(src, { defines: { A: '1' } })).toEqual({ fork: [['defined(A) && defined(B)', null]] });
  });
});
