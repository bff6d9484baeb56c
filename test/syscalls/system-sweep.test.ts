import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf } from '../../src/extract/elf/resolve-libraries.js';
import { missing, observe, predict, tempCache } from './helpers.js';

// Soundness sweep over real programs of this machine, each run under strace with a workload of its own: predicted ⊇
// observed. Programs that call setlocale search message catalogs (LANGUAGE=de), as they would for a user.
let cache: string;
let work: string;
const figures: string[] = [];
beforeAll(() => {
  cache = tempCache();
  work = mkdtempSync(join(tmpdir(), 'ukport-sweep-'));
  writeFileSync(join(work, 'in.txt'), 'b 2\na 1\nc 3\na 1\n');
});
afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  console.log(`system sweep: predicted vs observed\n${figures.join('\n')}`);
});
const ENV = { LC_ALL: 'C.UTF-8', LANGUAGE: 'de' };
const ANY_EXIT = Array.from({ length: 256 }, (_x, i) => i).concat(-1);

/** Commands of the base system with workloads (argument lists; {} is a scratch directory of the run). */
const COMMANDS: [string, string[][]][] = [
  ['ls', [['-la', '/etc'], ['-R', '{}']]], ['cat', [['/etc/passwd']]], ['head', [['-n', '2', '/etc/passwd']]], ['tail', [['-n', '2', '/etc/passwd']]],
  ['sort', [['-u', '{}/../in.txt']]], ['uniq', [['-c', '{}/../in.txt']]], ['tr', [['a-z', 'A-Z', '/etc/hostname']]], ['grep', [['-c', 'root', '/etc/passwd'], ['-r', 'x', '{}']]],
  ['sed', [['-n', '1p', '/etc/passwd']]], ['find', [['/etc', '-maxdepth', '1', '-name', '*.conf']]], ['stat', [['/etc/passwd']]], ['du', [['-s', '/etc/default']]],
  ['df', [['-h', '/']]], ['id', [[]]], ['uname', [['-a']]], ['env', [[]]], ['basename', [['/a/b.c', '.c']]], ['dirname', [['/a/b']]],
  ['readlink', [['-f', '/usr/bin/python3']]], ['realpath', [['/etc/../etc/passwd']]], ['touch', [['{}/t']]], ['mkdir', [['-p', '{}/x/y']]],
  ['cp', [['/etc/passwd', '{}/p']]], ['mv', [['{}/../in.txt', '{}/moved'], ['{}/moved', '{}/../in.txt']]], ['ln', [['-s', '/etc/passwd', '{}/l']]], ['chmod', [['600', '{}']]],
  ['rm', [['-rf', '{}/gone']]], ['tar', [['-cf', '{}/a.tar', '/etc/hostname']]], ['gzip', [['-c', '/etc/passwd']]], ['xargs', [['echo', 'x']]],
  ['seq', [['3']]], ['sleep', [['0']]], ['date', [[]]], ['hostname', [[]]], ['whoami', [[]]], ['getent', [['passwd', 'ukport-nobody']]],
  ['sqlite3', [[':memory:', 'create table t(x); insert into t values (1); select * from t;']]], ['md5sum', [['/etc/passwd']]], ['sha256sum', [['/etc/passwd']]],
  ['wc', [['-l', '/etc/passwd']]], ['cut', [['-d:', '-f1', '/etc/passwd']]], ['od', [['-c', '/etc/hostname']]], ['base64', [['/etc/hostname']]],
  ['tee', [['{}/tee']]], ['printf', [['%s\n', 'x']]], ['nproc', [[]]], ['mktemp', [['-p', '{}']]], ['truncate', [['-s', '10', '{}/tr']]],
  ['ps', [[]]], ['free', [[]]], ['awk', [['-F:', '{print $1}', '/etc/passwd']]], ['diff', [['/etc/passwd', '/etc/group']]], ['cmp', [['/etc/passwd', '/etc/passwd']]],
  ['file', [['/etc/passwd']]], ['openssl', [['dgst', '-sha256', '/etc/passwd']]], ['curl', [['--version']]], ['python3', [['-c', 'import os; print(os.getpid())']]],
];

/** Runs every workload of BIN under strace, in order, in one scratch directory ({}), returning what it made itself (not the programs it runs). */
async function traceAll(bin: string, runs: string[][]): Promise<Set<string>> {
  const observed = new Set<string>();
  const dir = mkdtempSync(join(work, 'run-'));
  for (const args of runs) {
    for (const s of await observe(bin, args.map((a) => a.replaceAll('{}', dir)), undefined, 'strace', { env: ENV, okCodes: ANY_EXIT, ownProgram: true })) observed.add(s);
  }
  return observed;
}

/** Predicted ⊇ observed; the figures (recall, and what was missed) are printed. */
function check(bin: string, observed: Set<string>): void {
  const { syscalls } = predict(bin, cache);
  const missed = missing(syscalls, observed);
  const go = loadElf(bin).elf.sections.some((s) => s.name === '.go.buildinfo' || s.name === '.gopclntab');
  figures.push(`${bin}${go ? ' (Go)' : ''}: predicted ${syscalls.size}, observed ${observed.size}, recall ${observed.size - missed.length}/${observed.size}${missed.length ? ` (missed ${missed.join(' ')})` : ''}`);
  expect([bin, missed]).toEqual([bin, []]);
}

describe('commands of the base system', () => {
  const present = COMMANDS.map(([c, runs]) => [['/usr/bin', '/bin', '/usr/sbin'].map((d) => join(d, c)).find((p) => existsSync(p)), runs] as const).filter((x): x is readonly [string, string[][]] => x[0] !== undefined);
  test('most of them are installed', () => expect(present.length).toBeGreaterThan(COMMANDS.length * 0.8));
  test.each(present)('%s', async (bin, runs) => { check(bin, await traceAll(bin, runs)); }, 120_000);
});

/**
 * The static programs of this machine's PATH directories that are stripped (no symbol names their functions) or
 * multi-call (busybox: one binary, many entry functions chosen by name through a table), found by their ELF facts.
 */
function staticPrograms(): { path: string; multiCall: string[] }[] {
  const seen = new Set<string>(), out: { path: string; multiCall: string[] }[] = [];
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      let real: string;
      try { real = realpathSync(join(dir, name)); if (!statSync(real).isFile() || seen.has(real)) continue; } catch { continue; }
      seen.add(real);
      let info;
      try { info = loadElf(real).decoded.info; } catch { continue; }
      if (info.machine !== 'x86_64' || info.linking !== 'static' || info.interpreter) continue;
      const list = spawnSync(real, ['--list'], { encoding: 'utf8', timeout: 5000 });
      const applets = list.status === 0 ? list.stdout.split('\n').filter((l) => /^[a-z][a-z0-9_.-]*$/.test(l)) : [];
      const multiCall = applets.length >= 20 ? applets : [];
      if (info.stripped || multiCall.length > 0) out.push({ path: real, multiCall });
    }
  }
  return out;
}

/** Applets of a multi-call program run when it lists them (what each is called with). */
const APPLETS: Record<string, string[]> = {
  ls: ['-la', '/etc'], cat: ['/etc/passwd'], mkdir: ['-p', '{}/a/b'], rmdir: ['{}/a/b'], touch: ['{}/f'], chmod: ['600', '{}/f'], chown: [String(process.getuid?.() ?? 0), '{}/f'],
  mv: ['{}/f', '{}/g'], ln: ['-s', 'g', '{}/h'], readlink: ['{}/h'], stat: ['{}/g'], truncate: ['-s', '100', '{}/g'], rm: ['-r', '{}/a'], df: [], id: [], uname: ['-a'],
  date: [], sleep: ['0'], sort: ['/etc/passwd'], wc: ['-l', '/etc/passwd'], find: ['/etc', '-maxdepth', '1'], tar: ['cf', '{}/x.tar', '/etc/hostname'], gzip: ['-c', '/etc/passwd'],
  ps: [], free: [], sha256sum: ['/etc/passwd'], hostname: [], env: [], cp: ['/etc/passwd', '{}/p'], dd: ['if=/etc/passwd', 'of={}/dd', 'bs=64', 'count=1'], sync: [],
  nproc: [], uptime: [], whoami: [], printf: ['%s\\n', 'x'], seq: ['3'], head: ['-n1', '/etc/passwd'], tail: ['-n1', '/etc/passwd'], md5sum: ['/etc/passwd'],
  timeout: ['5', 'true'], nice: ['true'], mktemp: ['-p', '{}'], cut: ['-d:', '-f1', '/etc/passwd'], od: ['-c', '/etc/hostname'], xargs: ['echo'], du: ['-s', '/etc/default'],
};

describe('static programs of this machine, stripped or multi-call (found by their ELF facts)', () => {
  const found = staticPrograms();
  test('the sweep finds them (busybox-static is one of the packages the tests install)', () => {
    expect(found.some((p) => p.multiCall.length > 0)).toBe(true);
  });
  test.each(found.map((p) => [p.path, p.multiCall] as const))('%s', async (bin, multiCall) => {
    const runs = multiCall.length > 0
      ? multiCall.filter((a) => APPLETS[a]).map((a) => [a, ...APPLETS[a]])
      : [['--help'], ['--version']];
    check(bin, await traceAll(bin, runs));
  }, 600_000);
});
