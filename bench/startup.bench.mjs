// Start-up: whole `ukport` processes against a bare `node -e 0` measured in the same run, in turn (A B A B …),
// so the ratios hold while the machine's speed drifts. Targets (issue 21): --version <= 2x, a small static binary
// scanned warm <= 3x, a dynamic server linking OpenSSL scanned warm <= 4x. "Warm" = a re-scan of unchanged programs:
// the library graphs and the programs cache are filled (a temporary XDG_CACHE_HOME, never the user's). A last case
// shows what a changed program costs: its programs-cache entry removed before each run, the library graphs cached. Wall, CPU (user+sys) and peak RSS come from /usr/bin/time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const ROOT = join(here, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.UKPORT_BENCH_RUNS ?? 9);
const STATIC = join(ROOT, 'fixtures/build/syscalls/file_copy.musl');
// a TLS key server (fixtures/rule-apps/keyserver-tls) linking libssl.so.3 and libcrypto.so.3 from libssl-dev
const SERVER = join(ROOT, 'fixtures/build/rule-apps/keyserver-tls');
const NGINX = '/usr/sbin/nginx';

if (!existsSync(STATIC)) spawnSync('make', ['-s', '-C', join(ROOT, 'fixtures'), 'syscalls'], { stdio: 'inherit' });
if (!existsSync(SERVER)) spawnSync('make', ['-s', '-C', join(ROOT, 'fixtures'), 'rule-apps'], { stdio: 'inherit' });
const hasTime = existsSync('/usr/bin/time');
const cache = mkdtempSync(join(tmpdir(), 'ukport-bench-startup-'));
const env = { ...process.env, XDG_CACHE_HOME: cache };

/** One process: wall seconds, CPU seconds and peak RSS (MB) from /usr/bin/time, else wall from here. */
function once(argv) {
  const t0 = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...argv], { env, encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 && argv[0] !== process.execPath) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (!hasTime) return { wall, cpu: NaN, rss: NaN };
  const [, user, sys, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rss: rss / 1024 };
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** Runs the case and the baseline in turn; ratios of the per-pair figures, median taken. */
function measure(name, args, target, before = () => {}) {
  const argv = [process.execPath, CLI, ...args];
  once(argv); // warm-up: fills the cache for warm cases, loads the files into the page cache
  const pairs = [];
  for (let i = 0; i < RUNS; i++) {
    before();
    const a = once(argv);
    pairs.push({ a, b: once([process.execPath, '-e', '0']) });
  }
  const wallA = median(pairs.map((p) => p.a.wall)), wallB = median(pairs.map((p) => p.b.wall));
  const ratio = median(pairs.map((p) => p.a.wall / p.b.wall));
  const cpuRatio = median(pairs.map((p) => p.a.cpu / p.b.cpu));
  const rss = median(pairs.map((p) => p.a.rss));
  const verdict = target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`;
  console.log(`${name.padEnd(44)} ${(wallA * 1000).toFixed(0).padStart(5)} ms vs node -e 0 ${(wallB * 1000).toFixed(0).padStart(4)} ms  ratio ${ratio.toFixed(2)}x`
    + `  cpu ratio ${cpuRatio.toFixed(2)}x  peak RSS ${rss.toFixed(0)} MB${verdict}`);
}

try {
  console.log(`${RUNS} runs each, medians; ratio = wall time / a bare node -e 0 measured alternately in the same run`);
  measure('ukport --version', ['--version'], 2);
  measure('scan file_copy.musl (38 KB static), warm', ['scan', STATIC], 3);
  measure('scan keyserver-tls (libssl, libcrypto), warm', ['scan', SERVER], 4);
  if (existsSync(NGINX)) measure('scan /usr/sbin/nginx (installed), warm', ['scan', NGINX]);
  const forgetPrograms = () => rmSync(join(cache, 'ukport', 'programs-v1'), { recursive: true, force: true });
  measure('scan keyserver-tls, program analysed again', ['scan', SERVER], undefined, forgetPrograms);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
