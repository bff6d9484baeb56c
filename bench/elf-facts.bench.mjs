// ELF facts: `ukport scan --format json` vs `readelf -d --dyn-syms -V` on the same files, in the same run.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';

function isElf(p) {
  try {
    const st = statSync(p);
    if (!st.isFile() || st.size < 4) return false;
    const fd = openSync(p, 'r'); const b = Buffer.alloc(4); readSync(fd, b, 0, 4, 0); closeSync(fd);
    return b.readUInt32BE(0) === 0x7f454c46;
  } catch { return false; }
}

function time(label, cmd, args, runs = 3) {
  const times = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) { console.log(`${label}: exit ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`); }
    rss = Math.max(rss, Number(r.stderr.trim().split('\n').pop()) || 0);
  }
  times.sort((a, b) => a - b);
  return { label, ms: times[Math.floor(times.length / 2)], rssMb: rss / 1024 };
}

function readelfArgs(files) { return ['-d', '--dyn-syms', '-V', '-W', ...files]; }

const usrBin = readdirSync('/usr/bin').map((n) => join('/usr/bin', n)).filter(isElf);
const cases = [
  { name: 'libc.so.6', files: [LIBC], scanArgs: [LIBC] },
  { name: `/usr/bin (${usrBin.length} ELF files)`, files: usrBin, scanArgs: ['/usr/bin'] },
];
console.log('case | ukport scan --format json (median of 3) | readelf -d --dyn-syms -V | ratio | ukport peak RSS');
for (const c of cases) {
  const ours = time('ukport', process.execPath, [cli, 'scan', '--format', 'json', '--no-cache', '--quiet', ...c.scanArgs]);
  const base = time('readelf', 'readelf', readelfArgs(c.files));
  console.log(`${c.name} | ${ours.ms.toFixed(0)} ms | ${base.ms.toFixed(0)} ms | ${(ours.ms / base.ms).toFixed(2)}x | ${ours.rssMb.toFixed(0)} MB`);
}
