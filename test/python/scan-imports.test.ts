import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanPythonImports } from '../../src/extract/python/scan-imports.js';
import { ROOT, hasTool, run } from '../helpers/tools.js';

const ORACLE = join(ROOT, 'test', 'python', 'oracle.py');
const APP = join(ROOT, 'fixtures', 'python-app', 'app');

/** Python's ast module as the oracle: every import statement, with its line. */
function astImports(files: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const l of run('python3', [ORACLE, ...files]).split('\n').filter(Boolean)) {
    const [file, module, member, line] = l.split('\t');
    if (module === '!syntax') { out.delete(file!); continue; }
    out.get(file!)!.push(`${module}|${member}|${line}`);
  }
  return out;
}

function ours(file: string): string[] {
  return scanPythonImports(readFileSync(file, 'utf8')).filter((u) => u.how === 'import' || u.how === 'from').map((u) => `${u.module}|${u.member ?? ''}|${u.line}`);
}

const sorted = (a: string[]): string[] => [...a].sort();

describe('Python import scanner agrees with Python\'s ast', () => {
  const py = hasTool('python3');
  test('fixture app', () => {
    if (!py) return;
    const files = readdirSync(APP).filter((f) => f.endsWith('.py')).map((f) => join(APP, f));
    for (const [f, want] of astImports(files)) expect(sorted(ours(f))).toEqual(sorted(want));
  });
  test('the interpreter\'s own standard library (first 120 modules)', () => {
    if (!py) return;
    const lib = run('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])']).trim();
    const files = readdirSync(lib).filter((f) => f.endsWith('.py')).sort().slice(0, 120).map((f) => join(lib, f));
    const oracle = astImports(files);
    expect(oracle.size).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const [f, want] of oracle) {
      const got = sorted(ours(f));
      if (JSON.stringify(got) !== JSON.stringify(sorted(want))) wrong.push(f);
    }
    expect(wrong).toEqual([]);
  });
  test('tricky forms', () => {
    const src = [
      'import a.b.c as d, e',          // 1
      'from x.y import (p,',           // 2
      '   q as r)  # ) comment',        // 3
      's = "import nope"; import f',    // 4
      'if True: from g import h',       // 5
      'x = """',                        // 6
      'import inside_string',           // 7
      '"""',                            // 8
      'd.member()',                     // 9
      'from . import local',            // 10
      'e \\',                           // 11
      '  .attr',                        // 12
      'rb"\\" import z"',               // 13
    ].join('\n');
    const uses = scanPythonImports(src).map((u) => `${u.how} ${u.module} ${u.member ?? '-'} ${u.line}`);
    expect(uses).toEqual([
      'import a.b.c - 1', 'import e - 1', 'from x.y p 2', 'from x.y q 3', 'import f - 4', 'from g h 5',
      'attribute a.b.c member 9', 'attribute e attr 11',
    ]);
  });
});
