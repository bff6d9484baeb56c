import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UnikraftTable } from '../../src/model/coverage.js';
import { readIndexedFiles } from '../../src/sync/indexed-files.js';
import { deriveReleases } from '../../src/sync/release-derive.js';
import { readReleaseNotes } from '../../src/sync/release-notes.js';
import { readTreeSnapshot } from '../../src/sync/tree-snapshot.js';
import { syncUnikraft } from '../../src/sync/unikraft.js';
import { tempDir } from '../helpers/temp-dirs.js';

// Inputs in the formats the sync reads, written for these tests (fixtures/unikraft-releases/README in index.json):
// release notes v0.0.1 (the basis: fixtures/unikraft-tree) → v0.0.2 → v0.0.3, a blog post about v0.0.2, and a
// directory of indexed files. Tree snapshots are made here with git from the fixture tree.
const ROOT = new URL('../../fixtures/', import.meta.url).pathname;
const DOCS = join(ROOT, 'unikraft-releases/docs');
const INDEXED = join(ROOT, 'unikraft-releases/indexed');
const NAMES = new Set(['read', 'poll', 'ppoll', 'getpid', 'fork', 'wait4', 'clock_gettime', 'clone', 'vfork', 'execve', 'kill', 'tgkill',
  'rt_sigprocmask', 'pause', 'exit_group', 'brk', 'statx', 'getcwd', 'settimeofday', 'open']);
const isSyscall = (n: string): boolean => NAMES.has(n);

async function basis(): Promise<UnikraftTable> {
  return syncUnikraft(join(ROOT, 'unikraft-tree'), {
    release: 'v0.0.1', extras: [join(ROOT, 'unikraft-extra/app-elfloader')],
    provenance: { tag: 'RELEASE-0.0.1', commit: '0123456789abcdef0123456789abcdef01234567', date: '2026-01-01' },
  });
}

function git(dir: string, args: string[], date?: string): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e',
    ...(date ? { GIT_AUTHOR_DATE: `${date}T12:00:00Z`, GIT_COMMITTER_DATE: `${date}T12:00:00Z` } : {}) };
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env }).trim();
}

/** An upstream staging commit (GitHub-Closes trailer) that adds uksignal and posix-fd, and a branch on top of it
 *  that retires uksignal into posix-process (no trailer: a pull request's own commit). */
function makeSnapshots(): { staging: string; branch: string } {
  const staging = tempDir('ukport-staging-');
  cpSync(join(ROOT, 'unikraft-tree'), staging, { recursive: true });
  mkdirSync(join(staging, 'lib/uksignal'));
  writeFileSync(join(staging, 'lib/uksignal/Makefile.uk'), '$(eval $(call addlib_s,libuksignal,$(CONFIG_LIBUKSIGNAL)))\nUK_PROVIDED_SYSCALLS-$(CONFIG_LIBUKSIGNAL) += pause-0\n');
  writeFileSync(join(staging, 'lib/uksignal/Config.uk'), 'config LIBUKSIGNAL\n\tbool "uksignal"\n');
  mkdirSync(join(staging, 'lib/posix-fd'));
  writeFileSync(join(staging, 'lib/posix-fd/Makefile.uk'), '$(eval $(call addlib_s,libposix_fd,$(CONFIG_LIBPOSIX_FD)))\n');
  writeFileSync(join(staging, 'lib/posix-fd/Config.uk'), 'config LIBPOSIX_FD\n\tbool "posix-fd: open file descriptions"\n');
  git(staging, ['init', '-q']);
  git(staging, ['add', '-A']);
  git(staging, ['commit', '-q', '-m', 'lib/posix-fd: Introduce\n\nGitHub-Closes: #7'], '2026-02-15');
  const branch = tempDir('ukport-branch-');
  git(branch, ['clone', '-q', staging, '.']);
  rmSync(join(branch, 'lib/uksignal'), { recursive: true });
  writeFileSync(join(branch, 'lib/posix-process/Makefile.uk'),
    '$(eval $(call addlib_s,libposix_process,$(CONFIG_LIBPOSIX_PROCESS)))\nUK_PROVIDED_SYSCALLS-$(CONFIG_LIBPOSIX_PROCESS) += getpid-0 wait4-4 pause-0 rt_sigprocmask-4\nUK_PROVIDED_SYSCALLS-$(CONFIG_LIBPOSIX_PROCESS_CLONE) += clone-5e\n');
  git(branch, ['commit', '-q', '-a', '-m', 'lib/uksignal: Retire uksignal'], '2026-02-20');
  return { staging, branch };
}

describe('partial tables from release notes, tree snapshots and indexed files', () => {
  test('indexed files: each library\'s Makefile.uk and Config.uk, with repo, path and commit', () => {
    const libs = readIndexedFiles(INDEXED);
    expect(libs.map((l) => l.name)).toEqual(['posix-netlink', 'posix-process', 'posix-vfs']);
    const pp = libs.find((l) => l.name === 'posix-process')!;
    expect(pp.makefile!.source).toEqual({ kind: 'indexed-file', repo: 'unikraft/unikraft', path: 'lib/posix-process/Makefile.uk', commit: 'aaaa000000000000000000000000000000000001' });
    expect(pp.makefile!.provided.map((p) => `${p.name}-${p.nargs}${p.flags}:${p.kconfig}`)).toContain('vfork-0e:LIBPOSIX_PROCESS_MULTITHREADING');
    expect(pp.config!.symbols.map((s) => s.name)).toContain('LIBPOSIX_PROCESS_BRK');
  });

  test('each change goes to the release whose documents say so; the rest stays out, and the tables say so', async () => {
    const b = await basis();
    const { staging, branch } = makeSnapshots();
    const trees = [await readTreeSnapshot(staging, 'https://github.com/example/staging'), await readTreeSnapshot(branch, 'https://github.com/example/branch')];
    expect(trees.map((t) => [t.ref, t.date])).toEqual([['staging', '2026-02-15'], ['branch', '2026-02-20']]);
    expect(trees[1]!.base!.commit).toBe(trees[0]!.commit);
    const { tables, unplaced } = deriveReleases({ basis: b, notes: readReleaseNotes(DOCS), trees, indexed: readIndexedFiles(INDEXED), isSyscall, date: '2026-07-01' });
    expect(tables.map((t) => t.release)).toEqual(['v0.0.2', 'v0.0.3']);
    const [v2, v3] = tables as [UnikraftTable, UnikraftTable];
    const row = (t: UnikraftTable, n: string) => {
      const c = t.syscalls[n];
      return c && `${c.status} ${c.library ?? '-'} ${c.kconfig ?? '-'}${c.alternatives ? ` +${c.alternatives.map((a) => a.library).join(',')}` : ''}`;
    };
    // v0.0.2: named by its release note (vfork, execve), by its blog post (kill, tgkill, rt_sigprocmask), Kconfig renamed
    expect(row(v2, 'vfork')).toBe('implemented posix-process LIBPOSIX_PROCESS_MULTITHREADING');
    expect(row(v2, 'execve')).toBe('implemented posix-process LIBPOSIX_PROCESS_EXECVE');
    expect(row(v2, 'tgkill')).toBe('implemented posix-process LIBPOSIX_PROCESS');
    expect(row(v2, 'clone')).toBe('implemented posix-process LIBPOSIX_PROCESS_MULTITHREADING');
    expect(v2.syscalls['vfork']!.sources![0]).toEqual({ kind: 'indexed-file', repo: 'unikraft/unikraft', path: 'lib/posix-process/Makefile.uk', commit: 'aaaa000000000000000000000000000000000001' });
    expect(v2.syscalls['vfork']!.sources![1]).toMatchObject({ kind: 'release-note', release: 'v0.0.2', path: 'content/releases/v0.0.2.mdx', line: 16 });
    // trees: the staging commit's posix-fd arrives in the first release after its date; the branch retires uksignal
    expect(v2.libraries['posix-fd']).toBeDefined();
    expect(v2.libraries['uksignal']).toBeUndefined();
    expect(row(v2, 'pause')).toBe('implemented posix-process LIBPOSIX_PROCESS');
    expect(v2.kconfig!['LIBPOSIX_PROCESS_CLONE']).toBeUndefined();
    expect(v2.kconfigChanges!.map((c) => `${c.kind} ${c.from.join('+')}→${c.to ?? ''}`)).toEqual([
      'renamed LIBPOSIX_PROCESS_PIDS+LIBPOSIX_PROCESS_CLONE→LIBPOSIX_PROCESS_MULTITHREADING', 'deprecated LIBPOSIX_PROCESS_INIT_PIDS→']);
    // not yet in v0.0.2: what v0.0.3's documents add
    expect(row(v2, 'brk')).toBe('implemented app-elfloader APPELFLOADER_BRK');
    expect(row(v2, 'statx')).toBeUndefined();
    expect(v2.libraries['posix-vfs']).toBeUndefined();
    // v0.0.3: brk migrated (and its option renamed), a note-only syscall, two new libraries, a deprecation
    expect(row(v3, 'brk')).toBe('implemented posix-process LIBPOSIX_PROCESS_BRK');
    expect(row(v3, 'settimeofday')).toBe('implemented uktime LIBUKTIME');
    expect(v3.syscalls['settimeofday']!.sources).toEqual([expect.objectContaining({ kind: 'release-note', release: 'v0.0.3' })]);
    expect(row(v3, 'statx')).toBe('implemented posix-vfs LIBPOSIX_VFS_SYSCALLS');
    expect(row(v3, 'getcwd')).toBe('implemented posix-vfs LIBPOSIX_VFS_SYSCALLS');
    expect(v3.libraries['posix-netlink']).toMatchObject({ kconfig: 'LIBPOSIX_NETLINK', select: ['LIBPOSIX_SOCKET'] });
    expect(v3.libraries['posix-poll']!.deprecated).toMatchObject({ since: 'v0.0.3', source: { kind: 'release-note', release: 'v0.0.3' } });
    // never placed: exit_group, LIBPOSIX_PROCESS_FANCY and the main symbol's lost imply are in an indexed file no
    // document speaks of
    expect(row(v3, 'exit_group')).toBeUndefined();
    expect(v3.kconfig!['LIBPOSIX_PROCESS_FANCY']).toBeUndefined();
    expect(v3.kconfig!['LIBPOSIX_PROCESS']!.imply).toEqual(['LIBPOSIX_PROCESS_PIDS']);
    expect(unplaced.map((u) => `${u.library}: ${u.what}`).sort()).toEqual([
      'posix-process: CONFIG_LIBPOSIX_PROCESS changed', 'posix-process: CONFIG_LIBPOSIX_PROCESS_FANCY', 'posix-process: provides exit_group']);
    // the tables say what they are and how they were built
    expect(v3.partial).toMatchObject({
      basis: 'v0.0.1', releaseNote: { path: 'content/releases/v0.0.3.mdx', date: '2026-06-01' },
      trees: [{ ref: 'staging', date: '2026-02-15' }, { ref: 'branch', date: '2026-02-20' }],
    });
    expect(v3.partial!.method).toMatch(/first release whose documents say so/);
    expect(v3.provenance).toMatchObject({ tag: 'RELEASE-0.0.3', commit: '2222222222222222222222222222222222222222', date: '2026-07-01' });
    expect(v3.syscalls['poll']!.sources).toEqual([{ kind: 'basis', release: 'v0.0.1' }]);
    expect(Object.values(v3.partial!.counts).reduce((a, b) => a + b, 0)).toBe(Object.keys(v3.syscalls).length);
  });
});
