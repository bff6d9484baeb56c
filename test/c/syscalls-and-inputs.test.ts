import { describe, expect, test } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCSources } from '../../src/extract/c/extract-c-sources.js';
import { findCSources } from '../../src/extract/c/find-c-sources.js';
import { UkportError } from '../../src/errors.js';
import type { Fact } from '../../src/model/index.js';
import { kernelSyscalls } from './c-helpers.js';
import { tempDir } from '../helpers/temp-dirs.js';

const write = (name: string, text: string): string => {
  const file = join(tempDir('ukport-csys-'), name);
  writeFileSync(file, text);
  return file;
};
const brief = (facts: Fact[]) => facts.filter((f) => f.kind === 'syscall' || f.kind === 'unknown').map((f) =>
  f.kind === 'syscall' ? `${f.arch}:${f.name}=${f.nr}@${f.evidence[0].location?.line}` : f.kind === 'unknown' ? `${f.reason}@${f.evidence[0].location?.line}` : '');

describe('syscall sites', () => {
  test('numeric, SYS_, __NR_, unknown names; asm on x86-64, aarch64 and the 32-bit ABI', async () => {
    const file = write('s.c', [
      '#include <sys/syscall.h>',
      'long a(void) { return syscall(39); }',
      'long b(void) { return syscall(SYS_no_such_call); }',
      'long c(void) { return syscall(__NR_memfd_create, "x", 0); }',
      'long d(void) { long r; __asm__("movl $60, %%eax\\n\\tsyscall" : "=a"(r)); return r; }',
      'long e(void) { register long x8 __asm__("x8"); __asm__ volatile("mov x8, #172\\n svc #0"); return x8; }',
      'long f(void) { __asm__ volatile("int $0x80"); return 0; }',
      'long g(void) { return syscall(99999); }',
      '',
    ].join('\n'));
    const aarch64 = { byName: new Map([['getpid', 172]]), byNumber: new Map([[172, 'getpid']]) };
    const { facts } = await extractCSources([file], { libcFunctions: new Set(), syscalls: { x86_64: kernelSyscalls(), aarch64 } });
    const k = kernelSyscalls();
    expect(brief(facts).sort()).toEqual([
      `x86_64:${k.byNumber.get(39)}=39@2`,
      'unknown-syscall-number@3',
      `x86_64:memfd_create=${k.byName.get('memfd_create')}@4`,
      `x86_64:${k.byNumber.get(60)}=60@5`,
      'aarch64:getpid=172@6',
      'syscall-32bit-abi@7',
      'unknown-syscall-number@8',
    ].sort());
    const memfd = facts.find((f) => f.kind === 'syscall' && f.name === 'memfd_create');
    expect(memfd?.kind === 'syscall' && memfd.constArgs).toEqual({ 1: [0] });
  });

  test('without a table SYS_ names still name the syscall, with nr null', async () => {
    const file = write('t.c', 'long a(void) { return syscall(SYS_gettid); }\n');
    const { facts } = await extractCSources([file], { libcFunctions: new Set(['syscall']) });
    expect(brief(facts)).toEqual(['x86_64:gettid=null@1']);
    expect(facts.find((f) => f.kind === 'symbol')).toMatchObject({ name: 'syscall', role: 'call' });
  });

  test('a program that defines its own function named like libc is not calling libc', async () => {
    const file = write('own.c', 'static int fork(void) { return 0; }\nint main(void) { return fork(); }\n');
    expect((await extractCSources([file], { libcFunctions: new Set(['fork']) })).facts).toEqual([]);
  });
});

describe('finding sources and resolving headers', () => {
  test('directories are walked for .c/.h (sorted, symlinked dirs and .git skipped); bad paths throw', () => {
    const dir = tempDir('ukport-cfind-');
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'src', 'b.c'), '');
    writeFileSync(join(dir, 'src', 'a.h'), '');
    writeFileSync(join(dir, '.git', 'x.c'), '');
    writeFileSync(join(dir, 'notes.txt'), '');
    symlinkSync(join(dir, 'src'), join(dir, 'loop'));
    expect(findCSources([dir]).files.map((f) => f.path)).toEqual([join(dir, 'src', 'a.h'), join(dir, 'src', 'b.c')]);
    expect(findCSources([join(dir, 'src', 'b.c')]).files).toEqual([{ path: join(dir, 'src', 'b.c') }]);
    expect(() => findCSources([join(dir, 'nope')])).toThrow(UkportError);
    expect(() => findCSources([join(dir, 'notes.txt')])).toThrow(/not a C source/);
  });

  test('<headers> resolve against the target libc include dir when given', async () => {
    const file = write('h.c', '#include <sys/epoll.h>\n#include <no/such.h>\n#include "missing.h"\n');
    const { facts } = await extractCSources([file], { libcFunctions: new Set(), systemIncludePaths: ['/usr/include/x86_64-linux-musl'] });
    expect(facts.map((f) => f.kind === 'header' && [f.name, f.system, f.resolved ?? null])).toEqual([
      ['sys/epoll.h', true, '/usr/include/x86_64-linux-musl/sys/epoll.h'],
      ['no/such.h', true, null],
      ['missing.h', false, null],
    ]);
  });
});
