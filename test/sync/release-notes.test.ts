import { describe, expect, test } from '@jest/globals';
import { citedLibraries, parseReleaseNote, readReleaseNotes, releaseOfCommit } from '../../src/sync/release-notes.js';
import { syncUnikraft } from '../../src/sync/unikraft.js';

const DOCS = new URL('../../fixtures/unikraft-releases/docs/', import.meta.url).pathname;
const TREE = new URL('../../fixtures/unikraft-tree/', import.meta.url).pathname;

describe('release notes (unikraft/docs content/releases/*.mdx)', () => {
  const notes = readReleaseNotes(DOCS);

  test('front matter: release, date, release commit; blog posts about one release are kept with it', () => {
    expect(notes.notes.map((n) => [n.release, n.date, n.commit])).toEqual([
      ['v0.0.1', '2026-01-01', '0123456789abcdef0123456789abcdef01234567'],
      ['v0.0.2', '2026-03-01', '1111111111111111111111111111111111111111'],
      ['v0.0.3', '2026-06-01', '2222222222222222222222222222222222222222'],
    ]);
    expect(notes.posts.map((p) => [p.path, p.release])).toEqual([['content/blog/2026-03-02-signals.mdx', 'v0.0.2']]);
    expect(releaseOfCommit(notes, '1111111111111111111111111111111111111111')?.release).toBe('v0.0.2');
    expect(releaseOfCommit(notes, 'f'.repeat(40))).toBeUndefined();
  });

  test('lines cite libraries in every spelling the notes use, and name syscalls as code', () => {
    expect(citedLibraries('`lib/{uktime, posix-poll}`: Use the kernel-internal clock')).toEqual(['uktime', 'posix-poll']);
    expect(citedLibraries('`[app-elfloader]`: x; `[lib-lwip]`: y; `libposix-fdio`: z; `libsyscall-shim`: w')).toEqual(['app-elfloader', 'lwip', 'posix-fdio', 'syscall_shim']);
    expect(citedLibraries('`lib/ukfs-virtiofs:` Introduce VirtioFS; `posix-vfs`: new; `libc` is not one')).toEqual(['ukfs-virtiofs', 'posix-vfs']);
    const v2 = notes.notes[1]!;
    const vfork = v2.lines.find((l) => l.text.includes('vfork'))!;
    expect(vfork).toMatchObject({ libraries: ['posix-process'], named: ['vfork', 'execve'], section: 'New Features' });
    const post = notes.posts[0]!.lines.find((l) => l.text.includes('sending signals'))!;
    expect(post.libraries).toEqual(['posix-process']); // from the post's lib* tags
    expect(post.named).toEqual(['kill', 'tgkill', 'rt_sigprocmask']);
  });

  test('Kconfig renames and deprecations are read from the sentences that state them', () => {
    expect(notes.notes[1]!.kconfigChanges.map(({ kind, from, to }) => ({ kind, from, to }))).toEqual([
      { kind: 'renamed', from: ['LIBPOSIX_PROCESS_PIDS', 'LIBPOSIX_PROCESS_CLONE'], to: 'LIBPOSIX_PROCESS_MULTITHREADING' },
      { kind: 'deprecated', from: ['LIBPOSIX_PROCESS_INIT_PIDS'], to: undefined },
    ]);
    expect(notes.notes[2]!.kconfigChanges.map(({ kind, from, to }) => ({ kind, from, to }))).toEqual([
      { kind: 'renamed', from: ['APPELFLOADER_BRK'], to: 'LIBPOSIX_PROCESS_BRK' },
    ]);
  });

  test('a text without a version is no release note', () => {
    expect(parseReleaseNote('no front matter', 'x.mdx')).toBeUndefined();
  });

  test('a tree at a release commit is recorded with the fork it came from and the note that names the commit', async () => {
    const t = await syncUnikraft(TREE, {
      provenance: { commit: '1111111111111111111111111111111111111111', date: '2026-03-01' },
      repo: 'https://github.com/example/unikraft-fork',
      releaseNote: { release: 'v0.0.2', repo: notes.repo, path: 'content/releases/v0.0.2.mdx', commit: 'abc' },
    });
    expect(t.release).toBe('v0.0.2');
    expect(t.provenance).toMatchObject({
      repo: 'https://github.com/example/unikraft-fork', upstream: 'https://github.com/unikraft/unikraft', tag: 'RELEASE-0.0.2',
      releaseNote: { repo: 'https://github.com/unikraft/docs', path: 'content/releases/v0.0.2.mdx', commit: 'abc' },
    });
  });
});
