import { describe, expect, test } from '@jest/globals';
import { expandMacroCalls, expandObjectText, makeMacroDef, type MacroDef } from '../../src/extract/c/macros.js';

const table = (...defs: MacroDef[]) => {
  const m = new Map<string, MacroDef[]>();
  for (const d of defs) m.set(d.name, [...(m.get(d.name) ?? []), d]);
  return m;
};

describe('macro expansion', () => {
  test('function-like macros substitute arguments, including a parameter used as callee', () => {
    const t = table(makeMacroDef('CHECK', '(x)', 'do { if ((x) < 0) die(strerror(errno)); } while (0)'), makeMacroDef('APPLY', '(f, a)', 'f(a, 0)'));
    expect(expandMacroCalls(t, 'CHECK', ['fd']).calls.map((c) => c.chain.join('>'))).toEqual(['CHECK>die', 'CHECK>strerror']);
    expect(expandMacroCalls(t, 'APPLY', ['kill', 'pid']).calls).toEqual([{ callee: 'kill', chain: ['APPLY', 'kill'], args: ['pid', '0'] }]);
  });

  test('nested and object-like macros are followed; an object-like alias of a function is a call of it', () => {
    const t = table(makeMacroDef('PID', null, 'GETPID()'), makeMacroDef('GETPID', '()', 'getpid()'), makeMacroDef('my_fork', null, 'fork'));
    expect(expandMacroCalls(t, 'PID', null).calls.map((c) => c.chain)).toEqual([['PID', 'GETPID', 'getpid']]);
    expect(expandMacroCalls(t, 'my_fork', []).calls.map((c) => c.chain)).toEqual([['my_fork', 'fork']]);
  });

  test('## makes a macro opaque, # does not (it only makes a string); recursion terminates', () => {
    const t = table(makeMacroDef('CAT', '(a, b)', 'a ## b()'), makeMacroDef('STR', '(x)', 'puts(#x)'), makeMacroDef('LOOP', '(x)', 'LOOP(x) + close(x)'));
    expect(expandMacroCalls(t, 'CAT', ['get', 'pid'])).toEqual({ calls: [], opaque: ['CAT'] });
    expect(expandMacroCalls(t, 'STR', ['hi'])).toEqual({ calls: [{ callee: 'puts', chain: ['STR', 'puts'], args: ['# hi'] }], opaque: [] });
    expect(expandMacroCalls(t, 'LOOP', ['fd']).calls.map((c) => c.callee)).toEqual(['LOOP', 'close']);
  });

  test('variadic macros pass __VA_ARGS__ through', () => {
    const t = table(makeMacroDef('LOG', '(fmt, ...)', 'fprintf(stderr, fmt, __VA_ARGS__)'));
    expect(expandMacroCalls(t, 'LOG', ['"%d"', 'x', 'y']).calls).toEqual([{ callee: 'fprintf', chain: ['LOG', 'fprintf'], args: ['stderr', '"%d"', 'x', 'y'] }]);
  });

  test('object-like chains expand to their final text', () => {
    const t = table(makeMacroDef('DOMAIN', null, 'NL_DOMAIN'), makeMacroDef('NL_DOMAIN', null, 'AF_NETLINK'));
    expect(expandObjectText(t, 'DOMAIN')).toBe('AF_NETLINK');
    expect(expandObjectText(t, 'x + 1')).toBe('x + 1');
  });
});
