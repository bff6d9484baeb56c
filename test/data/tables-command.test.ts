import { describe, expect, test } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import type { CommandIo } from '../../src/cli/command.js';
import { loadTables } from '../../src/data/tables.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dirs.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), isTTY: false, color: false, env: {}, cwd: process.cwd() };
  const code = await main(args, io);
  return { code, out, err };
}

describe('ukport tables', () => {
  test('show poll: a providing micro-library and its Kconfig symbol for every shipped release', async () => {
    const { code, out } = await run(['tables', 'show', 'poll']);
    expect(code).toBe(0);
    for (const t of loadTables().unikraft) {
      const line = out.split('\n').find((l) => l.trim().startsWith(`${t.release} `));
      expect(line).toMatch(/(by|in) [\w-]+,? \(?CONFIG_[A-Z0-9_]+/);
    }
    expect(out).toMatch(/v0\.17\.0 +implemented by posix-poll, CONFIG_LIBPOSIX_POLL, 3 args/);
  });

  test('list prints every table with its provenance commit', async () => {
    const { code, out } = await run(['tables', 'list']);
    expect(code).toBe(0);
    for (const t of loadTables().unikraft) expect(out).toContain(`unikraft/${t.release} `);
    expect(out).toMatch(/linux\/x86_64 .* strace\/strace@/);
    expect(out).toMatch(/libc\/newlib-2\.5\.0\.20170922/);
    expect(out).toMatch(/libc-summaries\/musl-x86_64 +\d{4} functions → syscalls +deb:musl@1\.2\.3/);
    expect(out).toMatch(/libc-summaries\/newlib-x86_64 +\d{4} functions → syscalls +unikraft\/lib-newlib@RELEASE-0\.15\.0 727d5eabd48f/);
  });

  // The shipped musl summaries are what the current analysis makes of Debian's musl libc.so (the sync's own output).
  test('sync --musl-so reproduces the shipped musl summaries', async () => {
    const so = '/usr/lib/x86_64-linux-musl/libc.so';
    if (!existsSync(so)) { console.log('musl not installed: skipped'); return; }
    const out = tempDir('ukport-sync-musl-');
    const { code } = await run(['tables', 'sync', '--out', out, '--musl-so', so]);
    expect(code).toBe(0);
    const undated = (f: string): string => readFileSync(f, 'utf8').replace(/"date": "[^"]*"/, '');
    expect(undated(join(out, 'libc-summaries/musl-x86_64.json'))).toBe(undated(new URL('../../syscall-tables/libc-summaries/musl-x86_64.json', import.meta.url).pathname));
  }, 60_000);

  test('show of an unknown name and a missing subcommand are usage errors', async () => {
    expect((await run(['tables', 'show', 'no_such_thing'])).code).toBe(2);
    const r = await run(['tables']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/expected list, show or sync/);
  });

  test('show --json gives the lookup answer', async () => {
    const { code, out } = await run(['tables', 'show', '--json', 'open']);
    expect(code).toBe(0);
    const a = JSON.parse(out);
    expect(a.syscall.linux).toEqual({ x86_64: 2 });
    expect(a.syscall.rows.at(-1).coverage.nr.arm64).toBeUndefined();
  });

  test('show a soname reports the version mismatch', async () => {
    const { out } = await run(['tables', 'show', 'libssl.so.3']);
    expect(out).toMatch(/lib-openssl \(CONFIG_LIBSSL\), ports upstream 1\.1\.1c.*NOT compatible/);
  });
});
