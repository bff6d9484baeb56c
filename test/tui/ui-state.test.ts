import { describe, expect, test } from '@jest/globals';
import type { Fact, Report } from '../../src/model/index.js';
import { reportLists } from '../../src/tui/view-model.js';
import { initialUi, reduceInput, reduceKey, view, type UiEnv } from '../../src/tui/ui-state.js';
import { wrapDetail } from '../../src/tui/detail-pane.js';
import { kvserverReport } from '../emit/kvserver-report.js';

function bigEnv(n: number): UiEnv {
  const r: Report = kvserverReport();
  r.facts = Array.from({ length: n }, (_, i): Fact => ({ kind: 'syscall', name: `s${String(i).padStart(4, '0')}`, nr: i, arch: 'x86_64', class: 'program', evidence: [] }));
  r.plan!.uncovered = [];
  return { lists: reportLists(r), body: 20, detailLineCount: 30 };
}

describe('key handling', () => {
  test('page keys move by a window and clamp at both ends; the window follows the cursor', () => {
    const env = bigEnv(100);
    let s = initialUi(env.lists);
    s = reduceKey(s, '', { pageDown: true }, env);
    expect(view(s, env).sel).toBe(19);
    expect(view(s, env).top).toBe(1);
    s = reduceKey(s, 'G', {}, env);
    expect(view(s, env)).toMatchObject({ sel: 99, top: 81 });
    s = reduceKey(s, 'j', {}, env);
    expect(view(s, env).sel).toBe(99);
    s = reduceKey(reduceKey(s, '', { pageUp: true }, env), '', { pageUp: true }, env);
    expect(view(s, env)).toMatchObject({ sel: 61, top: 62 });
    s = reduceKey(s, '', { home: true }, env);
    expect(view(s, env)).toMatchObject({ sel: 0, top: 0 });
    expect(reduceKey(s, 'k', {}, env)).toEqual(s);
  });
  test('the detail pane halves the list window and scrolls with J/K within its lines', () => {
    const env = bigEnv(10);
    let s = reduceKey(initialUi(env.lists), '', { return: true }, env);
    expect(view(s, env)).toMatchObject({ listHeight: 10, detailHeight: 10 });
    for (let i = 0; i < 40; i++) s = reduceKey(s, 'J', {}, env);
    expect(s.detailScroll).toBe(30 - 8);
    s = reduceKey(s, 'K', {}, env);
    expect(s.detailScroll).toBe(21);
    s = reduceKey(s, 'j', {}, env);
    expect(s.detailScroll).toBe(0);
  });
  test('in filter mode keys are text: q types, it does not quit', () => {
    const env = bigEnv(10);
    let s = reduceKey(initialUi(env.lists), '/', {}, env);
    s = reduceKey(reduceKey(s, 'q', {}, env), 'j', {}, env);
    expect(s).toMatchObject({ filter: 'qj', filtering: true, quit: false });
    s = reduceKey(reduceKey(s, '', { return: true }, env), 'q', {}, env);
    expect(s.quit).toBe(true);
  });
});

describe('chunked input and wrapping', () => {
  test('a chunk of keys is the same as the keys one by one', () => {
    const env = bigEnv(100);
    const one = ['j', 'j', 'j', '/', '0', '0', '4'].reduce((st, k) => reduceKey(st, k, {}, env), initialUi(env.lists));
    expect(reduceInput(initialUi(env.lists), 'jjj/004', {}, env)).toEqual(one);
    expect(view(reduceInput(initialUi(env.lists), 'jjjjj', {}, env), env).sel).toBe(5);
    // Enter and Tab inside a chunk are keys too
    const enter = reduceInput(initialUi(env.lists), 'jj\r', {}, env);
    expect(enter.detail).toBe(true);
    expect(reduceInput(initialUi(env.lists), 'q', {}, env).quit).toBe(true);
  });
  test('detail lines wrap at spaces with a hanging indent; no text is lost', () => {
    const long = '    call chain: main → serve → handle_client → read_request → parse_header → sendfile';
    const wrapped = wrapDetail([{ text: long, dim: true }], 30);
    expect(wrapped.length).toBeGreaterThan(2);
    expect(wrapped.every((l) => [...l.text].length <= 30 && l.dim)).toBe(true);
    expect(wrapped.slice(1).every((l) => l.text.startsWith('      '))).toBe(true);
    expect(wrapped.map((l) => l.text.trim()).join(' ')).toBe(long.trim());
    expect(wrapDetail([{ text: 'x'.repeat(70) }], 30).map((l) => l.text.trim()).join('')).toBe('x'.repeat(70));
  });
});
