import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

// Issue #20: no function in src/ longer than about 150 lines (declarations, methods, arrows, function expressions;
// a function's lines run from its first to its last, comments included). Every function of src/ holds to it.
const SRC = new URL('../src/', import.meta.url).pathname;
const LIMIT = 150;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Every function of src/ with its length in lines, longest first. */
function functionLengths(): { where: string; name: string; lines: number }[] {
  const out: { where: string; name: string; lines: number }[] = [];
  for (const file of files(SRC)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n) && 'body' in n && n.body) {
        const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line, last = sf.getLineAndCharacterOfPosition(n.end).line;
        const named = (n as ts.FunctionLikeDeclaration).name ?? (ts.isVariableDeclaration(n.parent) || ts.isPropertyAssignment(n.parent) ? n.parent.name : undefined);
        out.push({ where: `${relative(SRC, file)}:${first + 1}`, name: named ? named.getText(sf) : '(anonymous)', lines: last - first + 1 });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out.sort((a, b) => b.lines - a.lines);
}

describe('function length', () => {
  const all = functionLengths();
  test('the measure sees the functions of src/', () => expect(all.length).toBeGreaterThan(1000));
  // the longest ones are listed, to see which are next to split
  test('the longest functions of src/ are listed', () => {
    console.log(`longest functions of src/:\n${all.slice(0, 10).map((f) => `${f.lines} ${f.name} ${f.where}`).join('\n')}`);
    expect(all[0].lines).toBeGreaterThan(50);
  });
  test(`no function of src/ is longer than ${LIMIT} lines`, () => {
    expect(all.filter((f) => f.lines > LIMIT).map((f) => `${f.lines} ${f.name} ${f.where}`)).toEqual([]);
  });
});
