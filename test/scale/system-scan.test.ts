import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { Artifact, SyscallFact } from '../../src/model/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { scanBinaries } from '../../src/scale/system-scan.js';
import { forgetModuleGraphs } from '../../src/extract/libc/graph-cache.js';
import { buildFixtures, ensureBuilt, ROOT, runCli } from '../helpers/tools.js';

const SYS = buildFixtures('syscalls');
// one of each kind: glibc dynamic, glibc static, musl static, aarch64 static, aarch64 dynamic (libraries not installed)
const PICK = ['echo_server.dyn', 'file_copy.static', 'threads.musl', 'raw_syscalls.a64-static', 'file_copy.a64-dyn', 'threads.dyn'];
let cache: string;
beforeAll(() => { cache = mkdtempSync(join(tmpdir(), 'ukport-scale-')); });
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const artifacts = (): Artifact[] => PICK.map((n) => ({ path: join(SYS, n), kind: 'elf', size: readFileSync(join(SYS, n)).length, root: SYS }));
const names = (facts: { kind: string }[]) => facts.filter((f): f is SyscallFact => f.kind === 'syscall').map((f) => f.name).sort();

/** The shipped release table as JSON, read directly (not through our loader). */
function releaseTable(release: string): { syscalls: Record<string, { status: string; library?: string; nr: Record<string, number> }> } {
  const dir = join(ROOT, 'syscall-tables', 'unikraft');
  const file = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))).find((t) => t.release === release);
  return file;
}

describe('system scan', () => {
  test('each binary gets the same syscalls as scanning it alone; rows and blockers agree with the release table', async () => {
    forgetModuleGraphs();
    const result = await scanBinaries(artifacts(), { mode: 'binary-compat', cacheDir: cache, inline: true });
    // rows by path whatever the input order (so a run split into shards merges into the same table)
    expect(result.scan.binaries.map((r) => r.path)).toEqual(PICK.map((n) => join(SYS, n)).sort());
    for (const n of PICK) {
      const alone = await runPipeline({ paths: [join(SYS, n)], cacheDir: cache });
      const row = result.scan.binaries.find((r) => r.path === join(SYS, n))!;
      expect([n, row.syscalls]).toEqual([n, names(alone.facts).length]);
      expect([n, row.unknowns]).toEqual([n, alone.facts.filter((f) => f.kind === 'unknown').length]);
      // one judge: the row's verdict is the verdict of the binary scanned alone
      expect([n, row.verdict]).toEqual([n, alone.verdict!.verdict]);
    }
    // the merged facts hold every syscall of every binary
    const all = new Set(names(result.facts));
    expect(all.size).toBeGreaterThanOrEqual(Math.max(...result.scan.binaries.map((b) => b.syscalls)));

    const table = releaseTable(result.scan.release);
    for (const row of result.scan.binaries) {
      for (const m of row.missing) {
        const cov = table.syscalls[m];
        const arch = row.machine === 'aarch64' ? 'arm64' : 'x86_64';
        const absent = !cov || cov.status === 'missing' || !cov.library || (Object.keys(cov.nr).length > 0 && cov.nr[arch] === undefined);
        // missing: absent from the release, or only a release stub (app-elfloader never counts as a stub provider here)
        expect([row.path, m, absent || cov.status === 'stub']).toEqual([row.path, m, true]);
      }
      expect(row.required.every((r) => row.missing.includes(r))).toBe(true);
      // a syscall that needs work keeps the binary from runs-with-gaps
      if (row.required.length) expect(['needs-work', 'blocked']).toContain(row.verdict);
    }
    // blockers: exactly the rows that miss each syscall, most needed first
    for (const b of result.scan.blockers) {
      expect([b.name, b.binaries]).toEqual([b.name, result.scan.binaries.filter((r) => r.missing.includes(b.name)).length]);
    }
    const counts = result.scan.blockers.map((b) => b.binaries);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // aarch64 dynamic without its libraries installed: analysed, with unresolved libraries as unknowns
    expect(result.scan.binaries[4].unknowns).toBeGreaterThan(0);
  }, 300_000);
});

describe('system scan rows under limits', () => {
  test('a binary stopped by a limit is not analysed, and the row says which limit', async () => {
    forgetModuleGraphs();
    const a = artifacts().filter((x) => x.path.endsWith('file_copy.static') || x.path.endsWith('echo_server.dyn'));
    const result = await scanBinaries(a, { mode: 'binary-compat', noCache: true, inline: true, limits: { maxFunctions: 50 } });
    for (const row of result.scan.binaries) {
      expect([row.path, row.verdict]).toEqual([row.path, 'not-analysed']);
      expect(row.because).toMatch(/functions exceed the limit of 50/);
    }
    expect(result.scan.blockers).toEqual([]);
  }, 120_000);
});

describe('ukport scan --jobs (worker threads, built CLI)', () => {
  beforeAll(() => ensureBuilt());
  test('--jobs 2 and --jobs 1 give the same report; it matches report.schema.json; every file is a row', () => {
    const schema = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));
    const env = { XDG_CACHE_HOME: cache };
    const r2 = runCli(['scan', '--format', 'json', '--jobs', '2', SYS], env, 600_000);
    const r1 = runCli(['scan', '--format', 'json', '--jobs', '1', SYS], env, 600_000);
    expect([r2.status, r2.stderr]).toEqual([0, '']);
    expect(r1.status).toBe(0);
    const a = JSON.parse(r2.stdout), b = JSON.parse(r1.stdout);
    expect(schema(a) ? [] : schema.errors).toEqual([]);
    expect(a.scan.jobs).toBe(2);
    expect(b.scan.jobs).toBe(1);
    const strip = (r: { scan: { jobs: number; seconds: number; binaries: { ms: number }[] } }) => {
      r.scan.jobs = 0; r.scan.seconds = 0;
      for (const x of r.scan.binaries) x.ms = 0;
      return r;
    };
    expect(strip(a)).toEqual(strip(b));
    expect(a.scan.binaries.map((x: { path: string }) => x.path).sort()).toEqual(readdirSync(SYS).map((f) => join(SYS, f)).sort());
  }, 900_000);

  test('text output has the per-binary table and the blockers list', () => {
    const r = runCli(['scan', '--jobs', '2', SYS], { XDG_CACHE_HOME: cache }, 600_000);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Binaries: \d+ against Unikraft \S+, 2 jobs/m);
    expect(r.stdout).toContain('Missing syscalls that block the most binaries');
  }, 600_000);

  test('bad limit flags are usage errors', () => {
    const r = runCli(['scan', '--jobs', '0', SYS]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--jobs: expected a whole number >= 1/);
  });
});
