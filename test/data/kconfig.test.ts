import { describe, expect, test } from '@jest/globals';
import { parseKconfig, symbolsOf } from '../../src/data/kconfig.js';

describe('parseKconfig', () => {
  test('entries, attributes, if/menu/choice nesting, help blocks, sources', () => {
    const text = [
      '# comment',
      'menuconfig LIBFOO',
      '\tbool "foo: a library # not a comment"',
      '\tdefault y if HAVE_X',
      '\tselect LIBBAR',
      '\tselect LIBNOLIBC if !HAVE_LIBC',
      '\timply LIBBAZ',
      '\tdepends on ARCH_X86_64 || \\',
      '\t\tARCH_ARM_64',
      '\thelp',
      '\t  Long help. config NOT_A_SYMBOL',
      '\t  select NOT_SELECTED',
      '',
      '\t  still help after a blank line',
      '',
      'if LIBFOO',
      'menu "Foo options"',
      '\tdepends on HAVE_SCHED',
      'config LIBFOO_OPT',
      '\tint "An option"',
      '\tdefault 4',
      'choice',
      '\tprompt "Mode"',
      '\tdefault LIBFOO_FAST',
      'config LIBFOO_FAST',
      '\tbool "fast"',
      'config LIBFOO_SAFE',
      '\tbool "safe"',
      'endchoice',
      'endmenu',
      'endif',
      'config AFTER',
      '\tdef_bool y',
      'source "$(UK_BASE)/lib/Config.uk"',
    ].join('\n');
    const { symbols, sources } = parseKconfig(text);
    expect(symbols.map((s) => s.name)).toEqual(['LIBFOO', 'LIBFOO_OPT', 'LIBFOO_FAST', 'LIBFOO_SAFE', 'AFTER']);
    expect(symbols[0]).toEqual({
      name: 'LIBFOO', type: 'bool', prompt: 'foo: a library # not a comment', menuconfig: true, line: 2,
      select: [{ symbol: 'LIBBAR' }, { symbol: 'LIBNOLIBC', cond: '!HAVE_LIBC' }], imply: [{ symbol: 'LIBBAZ' }],
      dependsOn: ['ARCH_X86_64 || ARCH_ARM_64'], defaults: [{ value: 'y', cond: 'HAVE_X' }],
    });
    expect(symbols[1]).toMatchObject({ type: 'int', prompt: 'An option', dependsOn: ['LIBFOO', 'HAVE_SCHED'], defaults: [{ value: '4' }] });
    expect(symbols[2]).toMatchObject({ choice: 'Mode', dependsOn: ['LIBFOO', 'HAVE_SCHED'] });
    expect(symbols[4]).toMatchObject({ type: 'bool', dependsOn: [], defaults: [{ value: 'y' }] });
    expect(sources).toEqual(['$(UK_BASE)/lib/Config.uk']);
  });

  test('symbolsOf lists the symbols of an expression', () => {
    expect(symbolsOf('HAVE_SCHED && (LIBUKTIME || !HAVE_LIBC) && X = y')).toEqual(['HAVE_SCHED', 'LIBUKTIME', 'HAVE_LIBC', 'X']);
  });
});
