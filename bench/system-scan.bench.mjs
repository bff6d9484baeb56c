// Whole-system scan: every ELF file under /usr/bin and /usr/sbin, cold and warm library-summary cache,
// --jobs 1 and --jobs 2. Prints binaries/s, peak RSS (GNU time, the whole process with its worker threads)
// and the ratio against `readelf -d --dyn-syms` over the same files in the same run.
// Targets (2-core machine): warm < 30 s, cold < 120 s, peak RSS < 1.5 GB.
//   node bench/system-scan.bench.mjs [DIR...]      (after npm run build)
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['/usr/bin', '/usr/sbin'];

/** ELF files under DIRS, each real file once (what the scan's walker analyses too). */
function elfFiles() {
  const seen = new Set(), out = [];
  const head = Buffer.alloc(4);
  const visit = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      let st;
      // like the scan's walker: a link is followed only to a target inside the scanned directories
      try { st = statSync(p); if (!roots.some((r) => realpathSync(p).startsWith(r + '/'))) continue; } catch { continue; }
      if (st.isDirectory()) { visit(p); continue; }
      if (!st.isFile() || st.size < 64 || seen.has(`${st.dev}:${st.ino}`)) continue;
      seen.add(`${st.dev}:${st.ino}`);
      try {
        const fd = openSync(p, 'r');
        readSync(fd, head, 0, 4, 0);
        closeSync(fd);
      } catch { continue; }
      if (head.readUInt32BE(0) === 0x7f454c46) out.push({ path: p, size: st.size });
    }
  };
  const roots = dirs.map((d) => realpathSync(d));
  for (const d of dirs) visit(d);
  return out;
}

function timed(cmd, args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssMb: rssKb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const files = elfFiles();
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

const rows = [];
for (const jobs of [2, 1]) {
  const cache = mkdtempSync(join(tmpdir(), 'ukport-bench-cache-'));
  for (const state of ['cold', 'warm']) {
    const r = timed(process.execPath, [cli, 'scan', '--format', 'json', '--quiet', '--jobs', String(jobs), ...dirs], { XDG_CACHE_HOME: cache });
    let analysed = NaN, verdicts = '';
    try {
      const rep = JSON.parse(r.stdout);
      analysed = rep.scan?.binaries.length ?? rep.binaries.length;
      const c = {};
      for (const b of rep.scan?.binaries ?? []) c[b.verdict] = (c[b.verdict] ?? 0) + 1;
      verdicts = Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ');
      if (state === 'warm' && jobs === 2) console.log(`top blockers: ${(rep.scan?.blockers ?? []).slice(0, 8).map((b) => `${b.name} (${b.binaries})`).join(', ')}`);
    } catch { /* reported below */ }
    const row = { jobs, state, seconds: r.seconds, rate: files.length / r.seconds, rssMb: r.rssMb, ratio: r.seconds / readelfSeconds, analysed, status: r.status };
    rows.push(row);
    console.log(`ukport scan --jobs ${jobs} ${state}: ${r.seconds.toFixed(1)} s, ${row.rate.toFixed(1)} binaries/s, peak RSS ${r.rssMb.toFixed(0)} MB, ${row.ratio.toFixed(1)}x readelf; ${analysed} rows (${verdicts}); exit ${r.status}${r.status ? ` ${r.stderr.split('\n')[0]}` : ''}`);
  }
  rmSync(cache, { recursive: true, force: true });
}
const warm = Math.min(...rows.filter((r) => r.state === 'warm').map((r) => r.seconds));
const cold = Math.min(...rows.filter((r) => r.state === 'cold').map((r) => r.seconds));
const rss = Math.max(...rows.map((r) => r.rssMb));
console.log(`targets: warm ${warm.toFixed(1)} s (< 30 ${warm < 30 ? 'met' : 'MISSED'}), cold ${cold.toFixed(1)} s (< 120 ${cold < 120 ? 'met' : 'MISSED'}), peak RSS ${rss.toFixed(0)} MB (< 1536 ${rss < 1536 ? 'met' : 'MISSED'}); load now ${loadavg()[0].toFixed(1)}`);
