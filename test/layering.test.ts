import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './helpers/tools.js';

// One direction (DESIGN.md): a module may import its own layer or a lower one, never a later stage.
const RANK: Record<string, number> = {
  model: 0, errors: 0, version: 0, data: 1, inputs: 1, extract: 2, match: 3, plan: 4, emit: 5, tui: 6, scale: 6,
  pipeline: 7, sync: 7, verify: 7, cli: 8,
};

function layerOf(file: string): string {
  const rel = relative(join(ROOT, 'src'), file).replace(/\.(ts|tsx)$/, '');
  const top = rel.split('/')[0];
  return top === 'cli' && rel === 'cli' ? 'cli' : top;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

describe('layering', () => {
  const files = sourceFiles(join(ROOT, 'src'));
  test('every top-level module of src/ has a rank', () => {
    expect(files.map(layerOf).filter((l) => !(l in RANK))).toEqual([]);
  });
  test('no stage imports a later one; model imports nothing outside model', () => {
    const violations: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
        const target = resolve(dirname(f), m[1] ?? m[2]);
        const to = layerOf(target);
        if (RANK[to] > RANK[from] || (from === 'model' && to !== 'model')) violations.push(`${relative(ROOT, f)} (${from}) → ${m[1] ?? m[2]} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });
  test('emitters and the TUI do no file I/O', () => {
    const io = files.filter((f) => ['emit', 'tui'].includes(layerOf(f)) && /from 'node:fs'|from 'fs'|child_process/.test(readFileSync(f, 'utf8')));
    expect(io.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
