import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareReleases, loadTables } from '../../src/data/tables.js';
import { loadLinuxSyscalls } from '../../src/data/linux-syscalls.js';
import { DEFAULT_TABLES_DIR } from '../../src/data/validate.js';
import { lookupLibrary, lookupSyscall, oldestReleaseCovering } from '../../src/data/table-lookup.js';
import { symbolsOf } from '../../src/data/kconfig.js';
import { tempDir } from '../helpers/temp-dirs.js';

const tables = loadTables();
const linux = { x86_64: loadLinuxSyscalls('x86_64'), arm64: loadLinuxSyscalls('aarch64') };

describe('shipped tables (cross-checks)', () => {
  test('every release from v0.4 to the newest, in version order, with real commit shas', () => {
    const releases = tables.unikraft.map((t) => t.release);
    expect(releases[0]).toBe('v0.4');
    expect(releases[releases.length - 1]).toBe('v0.21.0');
    expect(tables.unikraft.filter((t) => !t.partial).at(-1)!.release).toBe('v0.18.0');
    expect([...releases].sort(compareReleases)).toEqual(releases);
    for (const t of tables.unikraft) {
      expect(t.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(t.provenance.tag).toBe(`RELEASE-${t.release.slice(1)}`);
    }
    const lines = tables.unikraft.map((t) => {
      const c = { implemented: 0, stub: 0, missing: 0 };
      for (const s of Object.values(t.syscalls)) c[s.status]++;
      return `${t.release}: ${c.implemented} implemented, ${c.stub} stub, ${c.missing} missing, ${Object.keys(t.libraries).length} libraries`;
    });
    process.stdout.write(lines.join('\n') + '\n');
  });

  test('every providing library exists in the graph and every kconfig symbol is declared', () => {
    for (const t of tables.unikraft) {
      const bad: string[] = [];
      for (const [name, c] of Object.entries(t.syscalls)) {
        if (c.status === 'missing') continue;
        if (!t.libraries[c.library!]) bad.push(`${name}: library ${c.library}`);
        if (!t.kconfig?.[c.kconfig!]) bad.push(`${name}: CONFIG_${c.kconfig}`);
        for (const a of c.alternatives ?? []) if (!t.libraries[a.library]) bad.push(`${name}: alternative ${a.library}`);
      }
      for (const l of Object.values(t.libraries)) if (l.kconfig && !t.kconfig?.[l.kconfig]) bad.push(`library ${l.name}: CONFIG_${l.kconfig}`);
      expect({ release: t.release, bad }).toEqual({ release: t.release, bad: [] });
    }
  });

  test('every syscall name is a real Linux syscall on the arch the shim numbers it for, with the same number', () => {
    for (const t of tables.unikraft) {
      const bad: string[] = [];
      for (const [name, c] of Object.entries(t.syscalls)) {
        const known = linux.x86_64.byName.has(name) || linux.arm64.byName.has(name);
        if (!known) bad.push(`${name}: not a Linux syscall`);
        for (const arch of ['x86_64', 'arm64'] as const) {
          const nr = c.nr[arch];
          if (nr !== undefined && linux[arch].byName.get(name) !== nr) bad.push(`${name}: ${arch} shim ${nr}, Linux ${linux[arch].byName.get(name)}`);
        }
      }
      expect({ release: t.release, bad }).toEqual({ release: t.release, bad: [] });
    }
  });

  test('legacy syscalls have no arm64 number; poll is served by posix-poll in the newest release', () => {
    const newest = tables.unikraft[tables.unikraft.length - 1]!;
    for (const n of ['open', 'fork', 'pipe']) {
      expect(newest.syscalls[n]?.nr.x86_64).toBe(linux.x86_64.byName.get(n));
      expect(newest.syscalls[n]?.nr.arm64).toBeUndefined();
    }
    const poll = lookupSyscall(tables, 'poll')!;
    const last = poll.rows[poll.rows.length - 1]!.coverage!;
    expect(last).toMatchObject({ status: 'implemented', library: 'posix-poll', kconfig: 'LIBPOSIX_POLL' });
    expect(poll.since).toBeDefined();
    expect(lookupLibrary(tables, 'LIBPOSIX_POLL')!.rows.at(-1)!.library!.name).toBe('posix-poll');
    expect(oldestReleaseCovering(tables, ['poll', 'read'])).toBe(poll.since);
  });

  test('library graph edges name symbols (no stray syntax)', () => {
    for (const t of tables.unikraft) {
      for (const l of Object.values(t.libraries)) {
        for (const s of [...l.select, ...l.imply, ...l.dependsOn]) expect(symbolsOf(s)).toEqual([s]);
      }
    }
  });

  test('libc: newlib lacks sys/epoll.h and sys/timerfd.h, musl has them; function lists are complete', () => {
    const musl = tables.libc.find((l) => l.target === 'musl')!;
    const newlib = tables.libc.find((l) => l.target === 'newlib')!;
    expect(musl.version).toBe('1.2.3');
    expect(newlib.version).toBe('2.5.0.20170922');
    for (const h of ['sys/epoll.h', 'sys/timerfd.h']) expect(musl.headers).toContain(h);
    // newlib lacks both; lib-newlib copies musl's sys/epoll.h into its include path (musl-imported/), not timerfd.h
    expect(newlib.headers).not.toContain('sys/timerfd.h');
    expect(newlib.portHeaders).toContain('sys/epoll.h');
    expect(musl.portHeaders ?? []).not.toContain('sys/epoll.h');
    for (const f of ['printf', 'malloc', 'strcpy', 'fopen', 'memcpy', 'epoll_create1', 'pthread_create', 'timerfd_create', 'getaddrinfo']) expect(musl.functions).toContain(f);
    for (const f of ['printf', 'malloc', 'strcpy', 'fopen', 'qsort']) expect(newlib.functions).toContain(f);
    expect(newlib.functions).not.toContain('epoll_create');
    expect(musl.functions.length).toBeGreaterThan(1200);
  });
});

describe('loadTables errors', () => {
  test('a bad table names file, JSON path and expectation', () => {
    const dir = tempDir('ukport-tables-');
    cpSync(DEFAULT_TABLES_DIR, dir, { recursive: true });
    const file = join(dir, 'unikraft', 'v0.17.0.json');
    const t = JSON.parse(readFileSync(file, 'utf8'));
    t.syscalls.poll.status = 'works';
    writeFileSync(file, JSON.stringify(t));
    expect(() => loadTables(dir)).toThrow(expect.objectContaining({
      code: 'bad-table', path: file, detail: expect.stringMatching(/^\$\.syscalls\.poll\.status: must be equal to one of the allowed values/),
    }));
  });
});

// Oracle: Debian's musl 1.2.3 libc.so (musl-tools), the same upstream version lib-musl pins.
describe('musl table against the installed musl libc.so', () => {
  test('functions are exported by the real library; exported public functions are declared in the table', () => {
    const so = '/usr/lib/x86_64-linux-musl/libc.so';
    if (!existsSync(so)) return;
    const nm = execFileSync('nm', ['-D', '--defined-only', so], { encoding: 'utf8' });
    const exported = new Set(nm.split('\n').map((l) => l.trim().split(/\s+/)).filter((c) => c.length === 3 && 'TWi'.includes(c[1]!)).map((c) => c[2]!));
    const musl = loadTables().libc.find((l) => l.target === 'musl')!;
    const notExported = musl.functions.filter((f) => !exported.has(f));
    const undeclared = [...exported].filter((s) => !s.startsWith('_') && !musl.functions.includes(s) && !musl.declaredNotBuilt?.includes(s));
    process.stdout.write(`musl: ${musl.functions.length} functions, ${notExported.length} not exported by ${so} (${notExported.join(' ')}); ${undeclared.length} exported but undeclared (${undeclared.join(' ')})\n`);
    expect(notExported.length).toBeLessThan(musl.functions.length / 100);
    expect(undeclared.length).toBeLessThan(30);
  });
});
