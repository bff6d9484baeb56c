import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildFixtures, ensureBuilt } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { GRAPH_VERSION } from '../../src/extract/elf/call-graph.js';
import { encodeEntry, parseEntry } from '../../src/extract/libc/graph-cache.js';
import { makeTar, type TarMember } from '../image/tar-writer.js';
import { expectClean, runHostile } from './hostile-run.js';

// Hostile-input corpus, classes 3 to 7: unbounded memory, hangs, stack depth, silent cuts, cache poisoning.
// Every input is made here; each run must end by itself with exit 0/1/2 within 10 s of CPU (see hostile-run.ts).
const ELF = buildFixtures('elf');
const STATIC = join(ELF, 'plain-static');
let dir: string;
beforeAll(() => { ensureBuilt(); dir = tempDir('ukport-bounds-'); });

const sha = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');
interface JsonReport { unknowns: { reason: string; message: string; evidence: { artifact: string }[] }[]; inputs: { path: string }[]; symbols: unknown[]; modules: unknown[] }
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as JsonReport;
const unknowns = (r: { stdout: string }) => json(r).unknowns;

/** A docker save archive: blobs stored once each, the manifest listing REFS (blob indexes), the config's diff_ids true. */
function image(name: string, blobs: Buffer[], refs: number[], config: object = { Cmd: ['/bin/app'] }): string {
  const tarOf = (b: Buffer): Buffer => (b[0] === 0x1f && b[1] === 0x8b ? execFileSync('gzip', ['-dc'], { input: b, maxBuffer: 1 << 30 }) : b);
  const diffIds = blobs.map((b) => sha(tarOf(b)));
  const path = join(dir, name);
  writeFileSync(path, makeTar([
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: refs.map((i) => `l${i}.tar`) }]) },
    { name: 'c.json', data: JSON.stringify({ config, rootfs: { type: 'layers', diff_ids: refs.map((i) => diffIds[i]) } }) },
    ...blobs.map((data, i): TarMember => ({ name: `l${i}.tar`, data })),
  ]));
  return path;
}

describe('class 3: total work is bounded per input, and the limit is named with its flag', () => {
  test('one gzip layer listed 12 times is read once; distinct layers past --max-image-size stop with the flag named', () => {
    const zeros = gzipSync(makeTar([{ name: 'zeros', data: Buffer.alloc(64 * 1024 * 1024) }]));
    const twelve = runHostile(['scan', '--format', 'json', image('twelve.tar', [zeros], Array(12).fill(0))]);
    expectClean(twelve, [0]);
    const blobs = [1, 2, 3, 4, 5].map((i) => gzipSync(makeTar([{ name: `zeros${i}`, data: Buffer.alloc(64 * 1024 * 1024) }])));
    const over = runHostile(['scan', '--max-image-size', '256M', image('five.tar', blobs, [0, 1, 2, 3, 4])]);
    expectClean(over, [2]);
    expect(over.stderr).toMatch(/more than 268435456 bytes in all \(--max-image-size\)/);
  });

  test('a small archive referencing one layer 400,000 times stops at --max-layers', () => {
    const layer = makeTar([{ name: 'bin/app', data: 'x' }]);
    const r = runHostile(['scan', image('refs.tar', [layer], Array(400_000).fill(0))]);
    expectClean(r, [2]);
    expect(r.stderr).toMatch(/400000 layers, more than 256 \(--max-layers\)/);
  });

  test('stripped code with 100,000 call targets stops at --max-functions while the graph is built', () => {
    const d = join(dir, 'calls');
    mkdirSync(d);
    const n = 100_000;
    writeFileSync(join(d, 'calls.s'), `\t.text\n\t.globl main\nmain:\n\t.set i, 0\n\t.rept ${n}\n\tcall sled + i\n\t.set i, i + 1\n\t.endr\n\tret\nsled:\n\t.rept ${n}\n\tret\n\t.endr\n\t.section .note.GNU-stack,"",@progbits\n`);
    execFileSync('gcc', ['-o', join(d, 'calls'), join(d, 'calls.s')]);
    execFileSync('strip', [join(d, 'calls')]);
    const r = runHostile(['scan', '--format', 'json', '--no-cache', '--max-functions', '50000', join(d, 'calls')]);
    expectClean(r, [0]);
    expect(unknowns(r).map((u) => u.message)).toContainEqual(expect.stringMatching(/^1000\d\d functions exceed the limit of 50000 \(--max-functions\)/));
  });
});

describe('class 4: no input makes a read block or a walk explode', () => {
  test('FIFOs: compile_commands.json (in a tree and named), a source the database names, a cache entry', () => {
    const d = join(dir, 'fifo');
    mkdirSync(join(d, 'tree'), { recursive: true });
    mkdirSync(join(d, 'db'));
    execFileSync('mkfifo', [join(d, 'tree', 'compile_commands.json'), join(d, 'db', 'src.c')]);
    writeFileSync(join(d, 'tree', 'a.c'), 'int main(void) { return 0; }\n');
    writeFileSync(join(d, 'db', 'compile_commands.json'), JSON.stringify([{ directory: join(d, 'db'), file: 'src.c', command: 'cc -c src.c' }]));
    expectClean(runHostile(['scan', join(d, 'tree')]), [0]);
    expectClean(runHostile(['scan', join(d, 'tree', 'compile_commands.json')]), [2]);
    const db = runHostile(['scan', '--format', 'json', join(d, 'db')]);
    expectClean(db, [0]);
    expect(unknowns(db).map((u) => u.message)).toContain('skipped: not a regular file');
    // a cache entry that is a FIFO or a link to /dev/zero: not read, rebuilt
    const cache = join(d, 'cache');
    expectClean(runHostile(['scan', '-q', STATIC], { env: { XDG_CACHE_HOME: cache } }), [0]);
    const entries = join(cache, 'ukport', `graphs-v${GRAPH_VERSION}`);
    const [entry] = readdirSync(entries);
    for (const plant of [() => execFileSync('mkfifo', [join(entries, entry!)]), () => symlinkSync('/dev/zero', join(entries, entry!))]) {
      execFileSync('rm', ['-f', join(entries, entry!)]);
      plant();
      expectClean(runHostile(['scan', '-q', STATIC], { env: { XDG_CACHE_HOME: cache } }), [0]);
    }
  });

  test('a 30-level symlink DAG is walked once per directory; a link to / is not followed', () => {
    const d = join(dir, 'dag');
    mkdirSync(join(d, 'l0'), { recursive: true });
    writeFileSync(join(d, 'l0', 'main.c'), 'int main(void) { return 0; }\n');
    for (let i = 1; i <= 30; i++) {
      mkdirSync(join(d, `l${i}`));
      symlinkSync(`../l${i - 1}`, join(d, `l${i}`, 'a'));
      symlinkSync(`../l${i - 1}`, join(d, `l${i}`, 'b'));
    }
    symlinkSync('/', join(d, 'host'));
    const r = runHostile(['scan', '--format', 'json', d]);
    expectClean(r, [0]);
    expect(json(r).inputs.map((i) => i.path)).toEqual([join(d, 'l0', 'main.c')]);
    expect(unknowns(r).map((u) => u.message)).toContainEqual(expect.stringContaining(`1 symbolic link leads outside the scanned directories and was not followed (${join(d, 'host')} → /)`));
  });
});

describe('class 5: a small file nested too deeply is an unknown for that file; the scan goes on', () => {
  test('5,000 chained #defines, 1,000 nested JS parentheses, a tar path of 20,000 levels', () => {
    const d = join(dir, 'deep');
    mkdirSync(d);
    writeFileSync(join(d, 'chain.c'), ['#define M0(x) x', ...Array.from({ length: 4999 }, (_, i) => `#define M${i + 1}(x) M${i}(x)`), 'int main(void) { return M4999(fork()); }', ''].join('\n'));
    writeFileSync(join(d, 'deep.js'), `var x = ${'('.repeat(1000)}1${')'.repeat(1000)};\n`);
    writeFileSync(join(d, 'ok.js'), "require('child_process').spawn('ls');\n");
    const r = runHostile(['scan', '--format', 'json', d]);
    expectClean(r, [0]);
    const report = json(r);
    expect(report.unknowns.filter((u) => /nested too deeply/.test(u.message)).map((u) => u.evidence[0]!.artifact)).toEqual([join(d, 'deep.js')]);
    // the other files were still analysed: fork through the macro chain, child_process in ok.js
    expect(JSON.stringify(report.symbols)).toContain('"fork"');
    expect(JSON.stringify(report.modules)).toContain('ok.js');
    const deepPath = Array(20_000).fill('a').join('/') + '/f';
    const img = runHostile(['scan', image('deep.tar', [makeTar([{ name: deepPath, data: 'x', longName: 'pax' }])], [0])]);
    expectClean(img, [0]);
  });
});

describe('class 6: nothing is cut silently', () => {
  test('WorkingDir with more entries than the walk looks at: an unknown says where it stopped', () => {
    const files: TarMember[] = [{ name: 'srv/app.py', data: 'import os\n' }];
    for (let i = 0; i < 20_050; i++) files.push({ name: `srv/m/f${i}.txt`, data: '' });
    const r = runHostile(['scan', '--format', 'json', image('wide.tar', [makeTar(files)], [0], { Entrypoint: ['/srv/app.py'], WorkingDir: '/srv' })]);
    expectClean(r, [0]);
    expect(unknowns(r).map((u) => u.message)).toContainEqual(expect.stringMatching(/walk of WorkingDir \/srv stopped after 20000 entries/));
  });

  test("a layer whose content does not match the config's diff_id is refused", () => {
    const good = makeTar([{ name: 'bin/app', data: 'good' }]);
    const path = join(dir, 'swapped.tar');
    writeFileSync(path, makeTar([
      { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['l0.tar'] }]) },
      { name: 'c.json', data: JSON.stringify({ config: { Cmd: ['/bin/app'] }, rootfs: { type: 'layers', diff_ids: [sha(good)] } }) },
      { name: 'l0.tar', data: makeTar([{ name: 'bin/app', data: 'evil' }]) },
    ]));
    const r = runHostile(['scan', path]);
    expectClean(r, [2]);
    expect(r.stderr).toMatch(/layer 1: its tar stream hashes to sha256:[0-9a-f]{64}, the config's diff_id is sha256:/);
  });

  test('a temporary cache file left by a killed run is removed by the next run', () => {
    const cache = join(dir, 'tmpcache');
    expectClean(runHostile(['scan', '-q', STATIC], { env: { XDG_CACHE_HOME: cache } }), [0]);
    const entries = join(cache, 'ukport', `graphs-v${GRAPH_VERSION}`);
    // a run SIGTERMed while writing: its pid is gone, its temp file stays
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(entries, `x86_64-${'0'.repeat(64)}.graph.${gone}.00112233aabbccdd.tmp`), Buffer.alloc(1024 * 1024));
    writeFileSync(join(cache, 'keep.txt'), 'not ours\n');
    expectClean(runHostile(['scan', '-q', STATIC], { env: { XDG_CACHE_HOME: cache } }), [0]);
    expect(readdirSync(entries).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(join(cache, 'keep.txt'), 'utf8')).toBe('not ours\n');
  });
});

describe('class 7: a cache restored from elsewhere cannot pass the gate', () => {
  test('an entry forged without the key (syscall sites removed) is discarded: check output unchanged; under the real key it would be trusted', () => {
    const cache = join(dir, 'poison');
    // --fail-on note: the gate fails on every problem, whatever the verdict scale makes of each syscall
    // the programs cache is emptied before each run: a re-run would otherwise reuse the analysed program, not read the graph
    const check = () => {
      rmSync(join(cache, 'ukport', 'programs-v1'), { recursive: true, force: true });
      return runHostile(['check', '--fail-on', 'note', STATIC], { env: { XDG_CACHE_HOME: cache } });
    };
    const failing = (out: string) => out.split('\n').filter((l) => l.startsWith('FAIL ')).length;
    const honest = check();
    expectClean(honest, [1]);
    expect(honest.stdout).toMatch(/^FAIL \S+ uncovered-syscall /m);
    const entries = join(cache, 'ukport', `graphs-v${GRAPH_VERSION}`);
    const file = join(entries, readdirSync(entries).find((f) => f.endsWith('.graph'))!);
    const g = parseEntry(readFileSync(file));
    g.sites = g.sites.map(() => []);
    g.unknownSites = g.unknownSites.map(() => []);
    const forged = encodeEntry(g);
    const body = forged.subarray(forged.indexOf(10) + 1);
    // what an attacker without the key can write: the body's plain sha256, or an HMAC under a key of their own
    for (const digest of [createHash('sha256').update(body).digest('hex'), createHash('sha256').update('guess').digest('hex')]) {
      writeFileSync(file, Buffer.concat([Buffer.from(JSON.stringify({ format: 'ukport-module-graph', digest }) + '\n'), body]));
      const r = check();
      expectClean(r, [1]);
      expect(r.stdout).toBe(honest.stdout);
    }
    // control: the same forged graph under the real key is trusted: its syscalls are gone from the gate (what the key protects)
    writeFileSync(file, forged);
    const trusted = check();
    expectClean(trusted);
    expect(trusted.stdout).not.toMatch(/^FAIL \S+ uncovered-syscall /m);
    expect(failing(trusted.stdout)).toBeLessThan(failing(honest.stdout));
  });

  test('a cache directory that is a symbolic link is not followed', () => {
    const base = join(dir, 'linked-cache');
    mkdirSync(join(base, 'elsewhere'), { recursive: true });
    mkdirSync(join(base, 'xdg'));
    symlinkSync(join(base, 'elsewhere'), join(base, 'xdg', 'ukport'));
    expectClean(runHostile(['scan', '-q', STATIC], { env: { XDG_CACHE_HOME: join(base, 'xdg') } }), [0]);
    expect(readdirSync(join(base, 'elsewhere'))).toEqual([]);
  });
});
