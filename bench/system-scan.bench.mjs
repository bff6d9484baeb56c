// Whole-system scan: every ELF file under /usr/bin and /usr/sbin, cold and warm library-summary cache,
// --jobs 1 and --jobs 2. Prints binaries/s, peak RSS (GNU time, the whole process with its worker threads)
// and the ratio against `readelf -d --dyn-syms` over the same files in the same run. The baseline build (the commit in
// bench/system-scan.baseline, or UKPORT_BENCH_BASE=REF; UKPORT_BENCH_BASE=none skips it) is built in a temporary
// worktree and timed in the same run, cold and warm with --jobs 2, alternating with this build: the ratios are after/before,
// for time and for the mean number of syscalls per binary.
// Targets (2-core machine): warm < 30 s, cold < 120 s, peak RSS < 1.5 GB.
//   node bench/system-scan.bench.mjs [DIR...]      (after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { elfFiles } from './system-files.mjs';
import { baselineRef, buildBaseline } from './baseline-build.mjs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['/usr/bin', '/usr/sbin'];

function timed(cmd, args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssMb: rssKb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const files = elfFiles(dirs);
const bytes = files.reduce((a, f) => a + f.size, 0);
console.log(`system scan: ${files.length} ELF files, ${(bytes / 1048576).toFixed(0)} MiB under ${dirs.join(' ')}; ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

// baseline: readelf over the same files, in batches (one process per file would measure fork/exec)
let readelfSeconds = 0;
let readelfRss = 0;
for (let i = 0; i < files.length; i += 200) {
  const r = timed('readelf', ['-d', '--dyn-syms', '-W', ...files.slice(i, i + 200).map((f) => f.path)]);
  readelfSeconds += r.seconds;
  readelfRss = Math.max(readelfRss, r.rssMb);
}
console.log(`readelf -d --dyn-syms: ${readelfSeconds.toFixed(1)} s, ${(files.length / readelfSeconds).toFixed(0)} binaries/s, peak RSS ${readelfRss.toFixed(0)} MB`);

/** One scan with CLI and the cache in CACHE: timing, memory and what it reported. */
function scan(cliPath, jobs, cache) {
  const r = timed(process.execPath, [cliPath, 'scan', '--format', 'json', '--quiet', '--jobs', String(jobs), ...dirs], { XDG_CACHE_HOME: cache });
  let analysed = NaN, verdicts = '', blockers = '', meanSyscalls = NaN;
  try {
    const rep = JSON.parse(r.stdout);
    analysed = rep.scan?.binaries.length ?? rep.binaries.length;
    const c = {};
    for (const b of rep.scan?.binaries ?? []) c[b.verdict] = (c[b.verdict] ?? 0) + 1;
    const counted = (rep.scan?.binaries ?? []).filter((b) => typeof b.syscalls === 'number');
    meanSyscalls = counted.reduce((n, b) => n + b.syscalls, 0) / counted.length;
    verdicts = Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ');
    blockers = (rep.scan?.blockers ?? []).slice(0, 8).map((b) => `${b.name} (${b.binaries})`).join(', ');
  } catch { /* reported below */ }
  return { ...r, analysed, verdicts, blockers, meanSyscalls };
}
const say = (label, jobs, state, r) => console.log(`${label} --jobs ${jobs} ${state}: ${r.seconds.toFixed(1)} s, ${(files.length / r.seconds).toFixed(1)} binaries/s, peak RSS ${r.rssMb.toFixed(0)} MB, ${(r.seconds / readelfSeconds).toFixed(1)}x readelf; ${r.analysed} rows (${r.verdicts}); exit ${r.status}${r.status ? ` ${r.stderr.split('\n')[0]}` : ''}`);

const ref = baselineRef(join(here, 'system-scan.baseline'));
const base = ref && ref !== 'none' ? buildBaseline(ref) : undefined;
if (base?.error) console.log(`baseline: ${base.error}; no before/after ratios`);
const rows = [];
for (const jobs of [2, 1]) {
  const cache = mkdtempSync(join(tmpdir(), 'ukport-bench-cache-'));
  const baseCache = mkdtempSync(join(tmpdir(), 'ukport-bench-cache-'));
  for (const state of ['cold', 'warm']) {
    // before and after alternate, so that both see the same machine
    const before = jobs === 2 && base?.cli ? scan(base.cli, jobs, baseCache) : undefined;
    if (before) say(`baseline ${base.commit} scan`, jobs, state, before);
    const r = scan(cli, jobs, cache);
    if (state === 'warm' && jobs === 2) console.log(`top blockers: ${r.blockers}`);
    rows.push({ jobs, state, seconds: r.seconds, rssMb: r.rssMb, before: before?.seconds, beforeRss: before?.rssMb, mean: r.meanSyscalls, beforeMean: before?.meanSyscalls });
    say('ukport scan', jobs, state, r);
    if (before) console.log(`  after/before ${state}: time ${(r.seconds / before.seconds).toFixed(2)}x, peak RSS ${(r.rssMb / before.rssMb).toFixed(2)}x`);
  }
  rmSync(cache, { recursive: true, force: true });
  rmSync(baseCache, { recursive: true, force: true });
}
base?.cleanup?.();
for (const r of rows.filter((x) => x.before !== undefined)) {
  console.log(`whole system ${r.state} (--jobs ${r.jobs}): before ${r.before.toFixed(1)} s, after ${r.seconds.toFixed(1)} s, ratio ${(r.seconds / r.before).toFixed(2)}`);
}
// precision of the whole system: the mean number of syscalls a binary is predicted to make (issue #20: at most +5 %)
const last = rows.filter((x) => x.beforeMean !== undefined).pop();
if (last) console.log(`mean syscalls per binary: before ${last.beforeMean.toFixed(2)}, after ${last.mean.toFixed(2)}, ratio ${(last.mean / last.beforeMean).toFixed(3)} (${last.mean / last.beforeMean <= 1.05 ? 'within' : 'ABOVE'} +5 %)`);
const warm = Math.min(...rows.filter((r) => r.state === 'warm').map((r) => r.seconds));
const cold = Math.min(...rows.filter((r) => r.state === 'cold').map((r) => r.seconds));
const rss = Math.max(...rows.map((r) => r.rssMb));
console.log(`targets: warm ${warm.toFixed(1)} s (< 30 ${warm < 30 ? 'met' : 'MISSED'}), cold ${cold.toFixed(1)} s (< 120 ${cold < 120 ? 'met' : 'MISSED'}), peak RSS ${rss.toFixed(0)} MB (< 1536 ${rss < 1536 ? 'met' : 'MISSED'}); load now ${loadavg()[0].toFixed(1)}`);
