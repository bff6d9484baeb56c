import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtures, ensureBuilt, ROOT, runCli } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { parseShard, shardOfPath } from '../../src/scale/shard.js';
import { reportFromDto } from '../../src/scale/report-dto.js';
import { toReportDto, type ReportDto } from '../../src/emit/json.js';
import { runPipeline } from '../../src/pipeline.js';

const work = tempDir('ukport-shards-');
const INPUTS = [buildFixtures('syscalls'), buildFixtures('elf'), join(ROOT, 'fixtures', 'example')];

/** What differs between runs by nature: wall-clock figures and how many worker threads ran. */
function withoutTimes(r: ReportDto): ReportDto {
  const c = structuredClone(r);
  if (c.scan) { c.scan.seconds = 0; c.scan.jobs = 0; for (const b of c.scan.binaries) b.ms = 0; }
  return c;
}

function scanJson(args: string[], name: string): { file: string; report: ReportDto } {
  const r = runCli(['scan', '--format', 'json', '--unikraft', 'v0.17.0', ...args, ...INPUTS], {}, 300_000);
  expect([name, r.status, r.stderr]).toEqual([name, 0, '']);
  const file = join(work, `${name}.json`);
  writeFileSync(file, r.stdout);
  return { file, report: JSON.parse(r.stdout) as ReportDto };
}

beforeAll(() => ensureBuilt());

describe('--shard I/N', () => {
  test('parses I/N counted from 1, rejects the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', '2/0', '-1/3', 'a/b']) expect(() => parseShard(bad)).toThrow(/--shard: expected I\/N/);
  });
  test('a path\'s shard is the first 4 bytes of SHA-256 of the path, mod N, plus 1 (as docs/sharding.md says)', () => {
    for (const path of ['/usr/bin/ls', 'bin/app', 'fixtures/build/syscalls/echo_server.dyn', 'dir with space/x']) {
      const hex = execFileSync('sha256sum', { input: path, encoding: 'utf8' }).slice(0, 8);
      for (const n of [1, 3, 4, 16]) expect([path, n, shardOfPath(path, n)]).toEqual([path, n, (parseInt(hex, 16) % n) + 1]);
    }
  });
});

describe('4 shards merged equal one run', () => {
  let one: ReportDto;
  let shards: { file: string; report: ReportDto }[];
  beforeAll(() => {
    one = scanJson(['--jobs', '2'], 'one').report;
    shards = [1, 2, 3, 4].map((i) => scanJson(['--shard', `${i}/4`, '--jobs', '1'], `shard-${i}`));
  }, 900_000);

  test('the shards split the binaries without overlap; sources go to shard 1', () => {
    const paths = shards.map((s) => s.report.scan!.binaries.map((b) => b.path));
    expect(paths.every((p) => p.length > 0)).toBe(true);
    expect(paths.flat().sort()).toEqual(one.scan!.binaries.map((b) => b.path).sort());
    expect(new Set(paths.flat()).size).toBe(paths.flat().length);
    expect(shards[0]!.report.inputs.some((a) => a.kind === 'c-source')).toBe(true);
    expect(shards.slice(1).every((s) => s.report.inputs.every((a) => a.kind === 'elf'))).toBe(true);
    for (const [i, s] of shards.entries()) {
      expect(s.report.shard).toEqual({ index: i + 1, count: 4, inputs: one.inputs.length });
      for (const b of s.report.scan!.binaries) expect(shardOfPath(b.path, 4)).toBe(i + 1);
    }
  });

  test('merge gives the same report: rows, facts, findings, verdict and the ranking of what to implement next', () => {
    const r = runCli(['merge', '--format', 'json', ...shards.map((s) => s.file).reverse()], {}, 120_000);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const merged = JSON.parse(r.stdout) as ReportDto;
    expect(merged.shard).toBeUndefined();
    expect(merged.scan!.blockers.length).toBeGreaterThan(0);
    expect(merged.scan!.blockers).toEqual(one.scan!.blockers);
    expect(withoutTimes(merged)).toEqual(withoutTimes(one));
    // the text form's ranking too
    const ranking = (text: string) => text.slice(text.indexOf('Missing syscalls that block the most binaries'));
    const text = runCli(['merge', ...shards.map((s) => s.file)]).stdout;
    expect(ranking(text)).toBe(ranking(runCli(['scan', '--jobs', '2', '--unikraft', 'v0.17.0', ...INPUTS], {}, 300_000).stdout));
    expect(ranking(text)).toMatch(/^Missing syscalls that block the most binaries/);
  });

  test('a missing, repeated or foreign part is an error (exit 2), nothing on stdout', () => {
    const files = shards.map((s) => s.file);
    const missing = runCli(['merge', files[0]!, files[1]!, files[3]!]);
    expect(missing).toMatchObject({ status: 2, stdout: '' });
    expect(missing.stderr).toMatch(/shard 3\/4 missing/);
    expect(runCli(['merge', files[0]!, files[0]!, files[1]!, files[2]!, files[3]!]).stderr).toMatch(/shard 1\/4 given twice/);
    const whole = join(work, 'one.json');
    expect(runCli(['merge', whole]).stderr).toMatch(/not the report of a shard/);
    const other = JSON.parse(readFileSync(files[1]!, 'utf8'));
    other.tool.version = '0.0.1';
    writeFileSync(join(work, 'other.json'), JSON.stringify(other));
    expect(runCli(['merge', files[0]!, join(work, 'other.json'), files[2]!, files[3]!]).stderr).toMatch(/tool version differs/);
    writeFileSync(join(work, 'bad.json'), '{"schemaVersion": 3}');
    expect(runCli(['merge', join(work, 'bad.json')])).toMatchObject({ status: 2, stderr: expect.stringMatching(/not a ukport JSON report/) });
  });
});

describe('a JSON report reads back into the same facts', () => {
  test('every kind of fact (ELF, C, Python, Node) survives JSON and back', async () => {
    const report = await runPipeline({ paths: [join(buildFixtures('example'), 'kvserver'), join(ROOT, 'fixtures', 'example'), join(ROOT, 'fixtures', 'python-app'), join(ROOT, 'fixtures', 'node-app', 'src')], mode: 'binary-compat' });
    const dto = JSON.parse(JSON.stringify(toReportDto(report))) as ReportDto;
    const kinds = new Set(report.facts.map((f) => f.kind));
    for (const k of ['syscall', 'symbol', 'header', 'library', 'module', 'unknown']) expect([k, kinds.has(k as never)]).toEqual([k, true]);
    const again = toReportDto({ ...reportFromDto(dto), findings: report.findings, plan: report.plan, tables: report.tables, verdict: report.verdict, ...(report.interpreted ? { interpreted: report.interpreted } : {}), ...(report.partialTable ? { partialTable: report.partialTable } : {}) });
    expect(JSON.parse(JSON.stringify(again))).toEqual(dto);
  }, 300_000);
});
