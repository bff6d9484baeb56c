import { describe, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadLinuxSyscalls } from '../../src/data/linux-syscalls.js';
import { DEFAULT_TABLES_DIR, loadTableFile } from '../../src/data/validate.js';
import type { LibcTable } from '../../src/model/index.js';
import { extractCSources } from '../../src/extract/c/extract-c-sources.js';
import { findCSources } from '../../src/extract/c/find-c-sources.js';
import { PROJECTS, kernelSyscalls, muslFunctions } from './c-helpers.js';

// The pipeline feeds the extractor from the shipped tables; check that path on the fixtures.
const muslTable = (): LibcTable => {
  const file = readdirSync(join(DEFAULT_TABLES_DIR, 'libc')).find((f) => /^musl-.*\.json$/.test(f))!;
  return loadTableFile<LibcTable>(join(DEFAULT_TABLES_DIR, 'libc.schema.json'), join(DEFAULT_TABLES_DIR, 'libc', file));
};
describe('with the shipped musl function list and Linux syscall table', () => {
  test('musl functions the fixtures call are in the table (built or only declared), as in the real libc.so', () => {
    const musl = muslTable();
    const table = new Set([...musl.functions, ...(musl.declaredNotBuilt ?? [])]);
    const nm = muslFunctions();
    for (const f of ['fork', 'epoll_create1', 'sendfile', 'inotify_init1', 'pthread_create', 'dlopen', 'mmap', 'socket', 'syscall', 'execve']) {
      expect([f, table.has(f)]).toEqual([f, true]);
      expect([f, nm.has(f)]).toEqual([f, true]);
    }
  });

  test('raw-syscalls: same syscall facts with the shipped table as with the kernel header', async () => {
    // Unikraft's musl declares syscall() but does not build it: syscall facts must not depend on the list
    const musl = new Set(muslTable().functions);
    expect(musl.has('syscall')).toBe(false);
    const files = findCSources([join(PROJECTS, 'raw-syscalls')]).files;
    const shipped = await extractCSources(files, { libcFunctions: musl, syscalls: { x86_64: loadLinuxSyscalls('x86_64') } });
    const kernel = await extractCSources(files, { libcFunctions: musl, syscalls: { x86_64: kernelSyscalls() } });
    const sys = (fs: typeof shipped.facts) => fs.filter((f) => f.kind === 'syscall').map((f) => f.kind === 'syscall' && `${f.name}=${f.nr}`).sort();
    expect(sys(shipped.facts)).toEqual(['getpid=39', 'gettid=186']);
    expect(sys(shipped.facts)).toEqual(sys(kernel.facts));
  });
});
