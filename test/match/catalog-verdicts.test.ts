import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { Mode, Report } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { loadTables } from '../../src/data/tables.js';
import { pickRelease } from '../../src/plan/releases.js';
import { buildFixtures, ensureBuilt, ROOT, runCli } from '../helpers/tools.js';

// Calibration on Unikraft's own ports: every catalog entry whose program Debian packages or that is built here must
// not be judged blocked at the release the entry uses (docs/verdicts.md).
const DIR = join(ROOT, 'fixtures', 'unikraft-catalog');
const read = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8'));

interface Entry { repo: string; path: string; commit: string; form: string; unikraft: string | null; runtime?: string; runtimeEntry?: string | null; relies: Record<string, string[]> }
interface Catalog { sources: { repo: string; commit: string }[]; entries: Entry[] }
interface Programs { programs: Record<string, { debian?: string; path?: string; build?: string }>; entries: Record<string, string> }

const catalog = read('catalog.json') as Catalog;
const programs = read('programs.json') as Programs;
const key = (e: Entry) => `${e.repo}:${e.path}`;

/** `staging` and `stable` follow the newest release: the newest shipped table; a tag names its own table. */
function releaseOf(e: Entry): string {
  const byPath = new Map(catalog.entries.filter((x) => x.repo === 'unikraft/catalog').map((x) => [x.path, x]));
  const version = e.form === 'runtime' && e.runtimeEntry ? byPath.get(e.runtimeEntry)?.unikraft : e.unikraft;
  const tables = loadTables().unikraft;
  return pickRelease(tables, version && /^v?\d/.test(version) ? version : undefined).release;
}

describe('the catalog fixture', () => {
  test('validates against its schema; every entry names a recorded source commit', () => {
    const validate = new Ajv({ allErrors: true }).compile(read('catalog.schema.json'));
    expect(validate(catalog) ? [] : validate.errors).toEqual([]);
    const commits = new Map(catalog.sources.map((s) => [s.repo, s.commit]));
    for (const e of catalog.entries) expect([key(e), e.commit]).toEqual([key(e), commits.get(e.repo)]);
    // the forms the catalog uses today, and the programs its servers rely on
    const forms = new Set(catalog.entries.map((e) => e.form));
    expect([...forms].sort()).toEqual(['binary-compat-template', 'native', 'runtime']);
    const nginx = catalog.entries.find((e) => e.path === 'library/nginx/1.25/Kraftfile')!;
    expect(nginx.relies.network).toContain('lwip');
    expect(nginx.relies.loader).toEqual(['app-elfloader', 'libelf'].concat(nginx.relies.loader!.filter((x) => x.startsWith('CONFIG_'))).sort());
  });
  test('every mapped entry exists, and every Debian program is installed by scripts/apt-packages.txt', () => {
    const keys = new Set(catalog.entries.map(key));
    expect(Object.keys(programs.entries).filter((k) => !keys.has(k))).toEqual([]);
    expect(Object.values(programs.entries).filter((p) => !programs.programs[p])).toEqual([]);
    const apt = new Set(readFileSync(join(ROOT, 'scripts', 'apt-packages.txt'), 'utf8').split('\n').map((l) => l.trim()));
    const base = new Set(['perl-base']); // essential: on every Debian system
    const debian = Object.values(programs.programs).flatMap((p) => (p.debian ? [p.debian] : []));
    expect(debian.filter((d) => !apt.has(d) && !base.has(d))).toEqual([]);
  });
});

describe('verdicts of the catalog\'s programs', () => {
  let cache: string;
  const reports = new Map<string, Report>();
  beforeAll(() => { cache = mkdtempSync(join(tmpdir(), 'ukport-catalog-')); });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  const built = buildFixtures('catalog-programs');
  const runs = new Map<string, { path: string; mode: Mode; release: string; entries: string[] }>();
  for (const e of catalog.entries) {
    const p = programs.entries[key(e)];
    if (!p) continue;
    const prog = programs.programs[p]!;
    const path = prog.path ?? join(built, prog.build!);
    const mode: Mode = e.form === 'native' ? 'native' : 'binary-compat';
    const release = releaseOf(e);
    const k = `${path}|${mode}|${release}`;
    const run = runs.get(k) ?? { path, mode, release, entries: [] };
    run.entries.push(key(e));
    runs.set(k, run);
  }

  test('the mapping covers servers, hello worlds and network tools in both forms', () => {
    const modes = [...runs.values()].map((r) => `${r.path.split('/').pop()} ${r.mode}`);
    for (const m of ['nginx binary-compat', 'nginx native', 'redis-server binary-compat', 'redis-server native', 'sqlite3 native', 'hello.pie binary-compat', 'hello.pie native', 'http_server.pie binary-compat']) {
      expect(modes).toContain(m);
    }
  });

  test.each([...runs.values()].map((r) => [`${r.path.split('/').pop()} (${r.mode}, ${r.release})`, r] as const))('%s is not blocked', async (_n, r) => {
    const report = await runPipeline({ paths: [r.path], mode: r.mode, cacheDir: cache, plan: { release: r.release, mode: r.mode } });
    reports.set(`${r.path}|${r.mode}`, report);
    const v = report.verdict!;
    expect(v.release).toBe(r.release);
    const blockers = v.items.filter((i) => i.effect === 'blocked').map((i) => `${i.subject} (${(i.rules ?? []).join(', ')}): ${i.reason}`);
    expect([r.entries, blockers]).toEqual([r.entries, []]);
    expect(v.verdict).not.toBe('blocked');
  }, 600_000);

  // the libraries an entry relies on for a function, in the plan of its program, or the reason the plan has none
  test('every plan includes what its catalog entries rely on (network stack and driver, filesystem, libelf, libc, app port, C++ runtime) or the program does not need it', () => {
    const missing: string[] = [];
    const whyNot: Record<string, number> = {};
    for (const r of runs.values()) {
      const report = reports.get(`${r.path}|${r.mode}`);
      expect(report?.plan).toBeDefined();
      const plan = report!.plan!;
      const libs = new Set(plan.libraries.map((l) => l.name));
      const sockets = report!.facts.filter((f) => f.kind === 'syscall' && (f.name === 'socket' || f.name === 'socketpair'));
      const families = new Set(sockets.flatMap((f) => (f.kind === 'syscall' ? f.constArgs?.['0'] ?? [-1] : [])));
      const syscall = (n: string) => report!.facts.some((f) => f.kind === 'syscall' && f.name === n);
      const needsInet = families.has(2) || families.has(10) || families.has(-1);
      for (const entry of r.entries) {
        const e = catalog.entries.find((x) => key(x) === entry)!;
        const miss = (what: string) => missing.push(`${entry} (${r.path.split('/').pop()} ${r.mode} ${r.release}): ${what}`);
        const not = (what: string, because: boolean) => { if (because) whyNot[what] = (whyNot[what] ?? 0) + 1; else miss(what); };
        for (const [category, relied] of Object.entries(e.relies)) {
          if (category === 'loader' && r.mode === 'binary-compat') {
            if (plan.application?.name !== 'app-elfloader' || !libs.has('libelf')) miss('app-elfloader with libelf');
          } else if (category === 'network' && relied.includes('lwip')) {
            if (plan.network?.stack === 'lwip') {
              for (const l of ['lwip', 'uknetdev', 'posix-socket']) if (!libs.has(l)) miss(l);
              for (const t of plan.targets ?? []) if (!t.drivers.includes('drivers/virtio/net')) miss(`a netdev driver on ${t.name}`);
              if (relied.includes('CONFIG_LIBUKNETDEV_EINFO_LIBPARAM') && !plan.kconfig.includes('CONFIG_LIBUKNETDEV_EINFO_LIBPARAM=y')) miss('netdev.ip= (LIBUKNETDEV_EINFO_LIBPARAM)');
            } else not('network: the program opens no AF_INET/AF_INET6 socket (the entry is a runtime every app shares)', !needsInet);
          } else if (category === 'filesystem') {
            if (!plan.filesystem?.stack || !(libs.has('vfscore') || libs.has('posix-vfs'))) miss('a file-system stack');
            if (r.mode === 'binary-compat' && relied.includes('CONFIG_LIBUKCPIO') && !(libs.has('ukcpio') && plan.kconfig.some((k) => /AUTOMOUNT.*INITRD|INITRD.*=y/.test(k)))) miss('an initrd (ukcpio) root file system');
          } else if (category === 'eventfd') {
            if (!libs.has('posix-eventfd')) not('eventfd: the program makes no eventfd2 syscall', !syscall('eventfd2') && !syscall('eventfd'));
          } else if (category === 'unix-sockets') {
            if (!libs.has('posix-unixsocket')) not('unix sockets: the program opens no AF_UNIX socket', !families.has(1) && !families.has(-1));
          } else if (category === 'kernel-parameters') {
            if (!libs.has('uklibparam')) not('kernel parameters: no network, so no netdev.ip= to read', !plan.network);
          } else if (category === 'libc' && r.mode === 'native') {
            if (plan.libc !== relied[0]) miss(`libc ${relied[0]}`);
          } else if (category === 'app-port' && r.mode === 'native') {
            for (const port of relied) {
              if (libs.has(port) || libs.has(`lib-${port}`)) continue;
              // lib-lua was not synced as an app port (syscall-tables/unikraft-ports.json: nginx, redis, sqlite)
              not(`app port: lib-${port} is not in the shipped app-port tables`, !(loadTables().ports ?? []).some((x) => x.repo.endsWith(`/lib-${port}`)));
            }
          } else if (category === 'c++' && r.mode === 'native') {
            for (const l of ['lib-libcxx', 'lib-libcxxabi', 'lib-libunwind']) if (!libs.has(l)) miss(l);
            // compiler-rt is not in the shipped port tables (tables sync --ext-port did not read lib-compiler-rt)
            not('c++: compiler-rt has no entry in syscall-tables/external-libs.json', !loadTables().externalLibs.some((p) => p.port === 'lib-compiler-rt'));
          }
        }
      }
    }
    expect(missing).toEqual([]);
    // the reasons used are the ones a porter would give (hello worlds on the base runtime, no unix sockets, …)
    expect(Object.keys(whyNot).length).toBeGreaterThan(0);
  });

  test('measured on app-elfloader: nginx and redis run with gaps, the glibc start-up syscalls Unikraft lacked listed with reasons', () => {
    for (const bin of ['/usr/sbin/nginx', '/usr/bin/redis-server']) {
      const v = reports.get(`${bin}|binary-compat`)?.verdict;
      expect(v).toBeDefined();
      // docs/verify.md: both served on app-elfloader v0.16.3 (fixtures/verify/boot-logs); the run is what the verdict rests on
      expect([bin, v!.verdict]).toEqual([bin, 'runs-with-gaps']);
      expect(v!.measuredRun).toMatch(/ran on Unikraft v0\.16\.3 .*fixtures\/verify\/boot-logs\//);
      const gap = (s: string) => v!.items.find((i) => i.subject === `syscall:${s}`);
      // set_robust_list, rseq (and clone3 where glibc makes it) were the only syscalls Unikraft 0.16.3 reported missing
      for (const s of ['set_robust_list', 'rseq', 'clone3']) {
        expect([bin, s, gap(s)?.effect, gap(s)?.status]).toEqual([bin, s, 'runs-with-gaps', 'stubbable']);
        expect(gap(s)!.reason).toMatch(/ENOSYS is harmless: glibc 2\.36 .*(falls back|goes on)/);
      }
      expect([bin, gap('rt_sigreturn')?.effect ?? 'covered']).not.toEqual([bin, 'needs-work']);
      // what the run did not reach stays listed, with the run's configuration as the reason
      const fork = v!.items.find((i) => i.subject === 'function:fork');
      expect(fork?.reason).toMatch(/not reached in the measured run of Debian 12's .* on Unikraft v0\.16\.3/);
    }
  });

  test('the measured run stands only for that program: the same nginx under another name needs work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukport-renamed-'));
    try {
      const other = join(dir, 'httpd');
      symlinkSync('/usr/sbin/nginx', other);
      const report = await runPipeline({ paths: [other], mode: 'binary-compat', cacheDir: cache, plan: { release: 'v0.16.3', mode: 'binary-compat' } });
      expect(report.verdict!.verdict).toBe('needs-work');
      expect(report.verdict!.measuredRun).toBeUndefined();
      expect(report.verdict!.items.find((i) => i.subject === 'function:fork')?.effect).toBe('needs-work');
      // the measured run is not evidence in native mode either: a rebuild on musl is another program
      const native = await runPipeline({ paths: ['/usr/sbin/nginx'], mode: 'native', cacheDir: cache, plan: { release: 'v0.16.3', mode: 'native' } });
      expect(native.verdict!.measuredRun).toBeUndefined();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, 600_000);

  test.each([[[]], [['--unikraft', 'v0.16.3']], [['--unikraft', 'v0.17.0']]])('a gcc hello world: `ukport check %s` without a policy exits 0 in binary-compat mode', (release: string[]) => {
    ensureBuilt();
    const r = runCli(['check', ...release, join(built, 'hello.pie')], { XDG_CACHE_HOME: cache }, 300_000);
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/^ukport check: passed: 0 failing/m)]);
    // even a gate on notes lists rt_sigreturn as a note, never an error
    const notes = runCli(['check', ...release, '--fail-on', 'note', join(built, 'hello.pie')], { XDG_CACHE_HOME: cache }, 300_000);
    expect(notes.stdout).toMatch(/^FAIL note uncovered-syscall syscall:rt_sigreturn: syscall rt_sigreturn is stubbable/m);
    expect(notes.stdout).not.toMatch(/^FAIL (error|warning)/m);
    const json = JSON.parse(runCli(['scan', ...release, '--format', 'json', join(built, 'hello.pie')], { XDG_CACHE_HOME: cache }, 300_000).stdout);
    expect(json.verdict.verdict).toBe('runs-with-gaps');
    expect(json.verdict.items.every((i: { effect: string }) => i.effect === 'runs-with-gaps')).toBe(true);
  }, 600_000);
});
