import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalMakefile } from '../../src/sync/makefile-eval.js';
import { buildNewlib, type NewlibBuild } from '../../src/sync/newlib-build.js';
import { summarizeLibc } from '../../src/sync/libc-summaries.js';
import type { LibcSummaryTable } from '../../src/model/index.js';

const MINI = new URL('../../fixtures/newlib-mini/', import.meta.url).pathname;

describe('Makefile.uk evaluation', () => {
  test('conditional lists, ifeq/else, continuations, variables and Unikraft helpers', () => {
    const text = [
      'A-y += one \\', '  two', 'A-$(CONFIG_X) += three', 'A-$(CONFIG_NOPE) += four',
      'ifeq ($(CONFIG_X),y)', 'B += x-set', 'else', 'B += x-unset', 'endif',
      'ifneq ($(CONFIG_NOPE),y)', 'B += nope-unset', 'endif',
      'DIR = $(BASE)/sub', 'C-y += $(DIR)/f.c|variant # comment', 'D-$(call have_gcc) += dropped',
      '$(eval $(call addlib_s,libx,$(CONFIG_X)))', 'E := $(call uc,x) kept',
    ].join('\n');
    const mk = evalMakefile(text, { CONFIG_X: 'y' }, { BASE: '/base' });
    expect(mk.words('A-y')).toEqual(['one', 'two', 'three']);
    expect(mk.words('A-n')).toEqual(['four']);
    expect(mk.words('B')).toEqual(['x-set', 'nope-unset']);
    expect(mk.words('C-y')).toEqual(['/base/sub/f.c|variant']);
    expect(mk.words('D-y')).toEqual([]);
    expect(mk.words('E')).toEqual(['kept']);
    expect(evalMakefile(text, {}).words('B')).toEqual(['x-unset', 'nope-unset']);
  });
});

// The build as the sync runs it (gcc, patch), on a miniature lib-newlib/newlib/unikraft written for this test.
describe('newlib built the way lib-newlib builds it', () => {
  let work: string;
  let build: NewlibBuild;
  let table: LibcSummaryTable;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ukport-newlib-mini-'));
    build = await buildNewlib({
      port: join(MINI, 'lib-newlib'), newlib: join(MINI, 'newlib'), unikraft: join(MINI, 'unikraft'), work,
      proxy: (name) => (name === 'opendir' ? ['open', 'fstat'] : undefined),
    });
    table = summarizeLibc(build.library, 'newlib', { repo: 'test', tag: 'mini', commit: 'unknown', generator: 'test', date: '2026-11-24' });
  }, 60_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('sources: -y and the x86-64 lists, each variant with its flags; a failing source is reported, aarch64 is not built', () => {
    // writer, puts, vprint, vprint|integer, dirwalk, broken, s_fabs, glue (getreent.c is the no-scheduler branch)
    expect(build.compiled).toBe(7);
    expect(build.failed.map((f) => f.file)).toEqual(['newlib/newlib/libc/stdio/broken.c']);
    expect(build.failed[0].error).toMatch(/error/);
    expect(Object.keys(table.functions)).toEqual(expect.arrayContaining(['vprint', 'vprint_integer', 'dirwalk', 'fabs', 'isatty', 'syscall']));
    expect(table.functions).not.toHaveProperty('getreent');
  });

  test('the port\'s patches are applied to a copy; the checkout is left alone', () => {
    expect(table.functions).toHaveProperty('patched_by_port');
    expect(readFileSync(join(MINI, 'newlib/newlib/libc/stdio/puts.c'), 'utf8')).not.toContain('patched_by_port');
  });

  test('what Unikraft provides is linked to the syscalls it stands for', () => {
    // _exit is the glue's (ukplat_terminate): no stub, and no exit_group
    expect(build.syscallStubs).toEqual({ write: ['write'], fstat: ['fstat'], opendir: ['open', 'fstat'] });
    expect(build.wrapperStubs).toEqual(['uk_syscall']);
    expect(build.silentStubs).toEqual(['readdir', 'ukplat_terminate']);
  });

  test('summaries follow newlib\'s calls into those stubs', () => {
    const f = table.functions;
    expect(f.puts).toEqual(['write']);
    expect(f.vprint).toEqual(['write']);
    expect(f.vprint_integer).toEqual(['fstat']);
    expect(f.dirwalk).toEqual(['fstat', 'open']);
    expect(f._exit).toEqual([]);
    expect(f.fabs).toEqual([]);
    expect(f['(syscall-wrappers)']).toEqual(expect.arrayContaining(['syscall:0', 'uk_syscall:0']));
  });
});
