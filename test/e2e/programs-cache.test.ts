import { beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtures, ensureBuilt, ROOT } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';

// A warm re-scan takes the analysed programs from the programs cache (src/extract/programs-cache.ts). Whether a run
// analysed or reused is read from the modules it loaded: the analysis (dist/extract/programs.js) loads only on a miss.
const PRELOAD = join(ROOT, 'test', 'helpers', 'module-trace', 'preload.mjs');
const SYSCALLS = buildFixtures('syscalls');
const RULE_APPS = buildFixtures('rule-apps');

/** Runs the built CLI with its cache under CACHE; stdout, and whether it analysed the programs (a cache miss). */
function scan(cache: string, args: string[]): { stdout: string; analysed: boolean } {
  const trace = join(tempDir('ukport-trace-'), 'modules.txt');
  const r = spawnSync(process.execPath, ['--import', PRELOAD, join(ROOT, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, UKPORT_MODULE_TRACE: trace }, timeout: 120_000, maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`ukport ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  let modules = '';
  try { modules = readFileSync(trace, 'utf8'); } catch { /* nothing loaded */ }
  return { stdout: r.stdout, analysed: /dist\/extract\/programs\.js/.test(modules) };
}

/** The same command without any cache (the reference: a cold, uncached analysis). */
const noCache = (args: string[]): string[] => [args[0], '--no-cache', ...args.slice(1)];

beforeAll(() => ensureBuilt());

/** Removes the programs cache's entries (the library graphs stay): the next run analyses the programs again. */
const forgetPrograms = (cache: string): void => rmSync(join(cache, 'ukport', 'programs-v1'), { recursive: true, force: true });

describe('programs cache: a warm re-scan is the cold run, byte for byte', () => {
  test.each([
    ['a dynamic TLS server (libssl, libcrypto)', join(RULE_APPS, 'keyserver-tls')],
    ['a static musl program', join(SYSCALLS, 'file_copy.musl')],
    ['a program whose glibc NSS code is reachable', join(SYSCALLS, 'nss_lookup.dyn')],
  ])('%s, in every format', (_name, program) => {
    const cache = tempDir('ukport-programs-cache-');
    // the reference: no cache at all
    const uncached = scan(cache, noCache(['scan', '--format', 'json', program]));
    expect(uncached.analysed).toBe(true);
    for (const format of ['json', 'text', 'sarif', 'markdown']) {
      const args = ['scan', '--format', format, program];
      forgetPrograms(cache);
      const analysed = scan(cache, args); // the programs analysed (library graphs from the cache), the entry written
      const warm = scan(cache, args);
      expect([analysed.analysed, warm.analysed]).toEqual([true, false]);
      expect(warm.stdout).toBe(analysed.stdout);
      if (format === 'json') expect(warm.stdout).toBe(uncached.stdout);
    }
  });

  test('check and plan read the same reused facts as a fresh analysis', () => {
    const cache = tempDir('ukport-programs-cache-');
    const program = join(RULE_APPS, 'keyserver-tls');
    for (const args of [['check', '--format', 'json', program], ['plan', '--format', 'json', program]]) {
      forgetPrograms(cache);
      const fresh = scan(cache, args);
      const warm = scan(cache, args);
      expect([fresh.analysed, warm.analysed]).toEqual([true, false]);
      expect(warm.stdout).toBe(fresh.stdout);
    }
  });
});

describe('programs cache: any change to what the analysis saw is a miss', () => {
  test('a root filesystem changed step by step: libraries appear, NSS is configured, the program is replaced or touched', () => {
    const cache = tempDir('ukport-programs-cache-');
    const root = tempDir('ukport-programs-root-');
    const libDir = join(root, 'lib', 'x86_64-linux-gnu');
    mkdirSync(libDir, { recursive: true });
    mkdirSync(join(root, 'lib64'));
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'nsswitch.conf'), 'passwd: files\n');
    const app = join(root, 'bin', 'app');
    copyFileSync(join(SYSCALLS, 'nss_lookup.dyn'), app);
    const args = ['scan', '--format', 'json', '--sysroot', root, app];
    /** Scans twice through the cache: the first run analyses (something changed), the second reuses; both equal a fresh run. */
    let first = true;
    const step = (): Record<string, unknown> => {
      const changed = scan(cache, args);
      const again = scan(cache, args);
      // the reference: the programs analysed afresh (without any cache the first time, later with the library graphs)
      if (!first) forgetPrograms(cache);
      const fresh = scan(cache, first ? noCache(args) : args);
      first = false;
      expect([changed.analysed, again.analysed, fresh.analysed]).toEqual([true, false, true]);
      expect(changed.stdout).toBe(fresh.stdout);
      expect(again.stdout).toBe(fresh.stdout);
      return JSON.parse(fresh.stdout) as Record<string, unknown>;
    };
    type Rep = { syscalls: { name: string }[]; unknowns: { reason: string }[] };
    const syscalls = (r: Record<string, unknown>) => (r as Rep).syscalls.map((f) => f.name);
    const unresolved = (r: Record<string, unknown>) => (r as Rep).unknowns.filter((f) => f.reason === 'unresolved-library').length;

    // 1. no libc in the root: the library is unresolved
    const bare = step();
    expect(unresolved(bare)).toBeGreaterThan(0);
    // 2. libc and the loader appear where the search looked and found nothing: a miss, now resolved
    copyFileSync('/lib/x86_64-linux-gnu/libc.so.6', join(libDir, 'libc.so.6'));
    copyFileSync('/lib64/ld-linux-x86-64.so.2', join(root, 'lib64', 'ld-linux-x86-64.so.2'));
    const withLibc = step();
    expect(unresolved(withLibc)).toBe(0);
    expect(syscalls(withLibc)).not.toContain('timerfd_create');
    // 3. an NSS service is configured and its module installed: its syscalls join (only the fixture module makes timerfd_create)
    copyFileSync(join(SYSCALLS, 'libnss_ukportfix.so.2'), join(libDir, 'libnss_ukportfix.so.2'));
    writeFileSync(join(root, 'etc', 'nsswitch.conf'), 'passwd: files ukportfix\n');
    expect(syscalls(step())).toContain('timerfd_create');
    // 4. only the configuration changes (same size): a miss
    writeFileSync(join(root, 'etc', 'nsswitch.conf'), 'passwd: ukportfix files\n');
    step();
    // 5. the program is replaced by another one
    copyFileSync(join(SYSCALLS, 'file_copy.dyn'), app);
    expect(syscalls(step())).not.toContain('timerfd_create');
    // 6. the program's times are set (a miss: nothing else changed), then it is rewritten with the same bytes and the
    // same modification time put back: size, modification time and inode are as before, its change time still tells
    utimesSync(app, 1_000_000_000, 1_000_000_000);
    step();
    const mtime = statSync(app).mtimeMs;
    writeFileSync(app, readFileSync(app));
    utimesSync(app, 1_000_000_000, 1_000_000_000);
    expect(statSync(app).mtimeMs).toBe(mtime);
    step();
  });

  test('an entry that does not verify under the cache key is not used, and is replaced', () => {
    const cache = tempDir('ukport-programs-cache-');
    const program = join(SYSCALLS, 'echo_server.dyn');
    const args = ['scan', '--format', 'json', program];
    const fresh = scan(cache, args);
    const dir = join(cache, 'ukport', 'programs-v1');
    const [entry] = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const file = join(dir, entry);
    // a forged result: same envelope, the body edited (a syscall removed from the facts)
    const bytes = readFileSync(file, 'utf8');
    writeFileSync(file, bytes.replace('"name":"socket"', '"name":"sockeT"'));
    expect(readFileSync(file, 'utf8')).not.toBe(bytes);
    const after = scan(cache, args);
    expect(after.analysed).toBe(true);
    expect(after.stdout).toBe(fresh.stdout);
    expect(scan(cache, args).analysed).toBe(false);
    rmSync(file);
  });
});
