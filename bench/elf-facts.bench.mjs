// ELF facts against `readelf -d --dyn-syms -V` on the same files, in the same run:
//  1. `ukport scan --format json` on libc.so.6 (the whole CLI: ELF facts, libraries, syscalls from the warm cache)
//  2. the ELF-facts stage alone (header, dynamic, symbols, versions, library resolution) over every ELF in /usr/bin.
// The full syscall scan of /usr/bin (cold/warm, --jobs) is measured by system-scan.bench.mjs.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const cli = fileURLToPath(new URL('cli.js', dist));
const { loadElf, resolveLibraries } = await import(new URL('extract/elf/resolve-libraries.js', dist).href);
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';

function isElf(p) {
  try {
    const st = statSync(p);
    if (!st.isFile() || st.size < 4) return false;
    const fd = openSync(p, 'r'); const b = Buffer.alloc(4); readSync(fd, b, 0, 4, 0); closeSync(fd);
    return b.readUInt32BE(0) === 0x7f454c46;
  } catch { return false; }
}

function timeCommand(cmd, args, runs = 3) {
  const times = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) console.log(`${cmd}: exit ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    rss = Math.max(rss, Number(r.stderr.trim().split('\n').pop()) || 0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], rssMb: rss / 1024 };
}

function timeFacts(files, runs = 3) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    // as the pipeline does: every binary decoded, then one library closure shared by all of them
    const mains = [];
    for (const f of files) {
      try { mains.push(loadElf(f)); } catch { /* an unknown in a ukport report; readelf reports it too */ }
    }
    resolveLibraries(mains);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const readelf = (files) => ['-d', '--dyn-syms', '-V', '-W', ...files];
const usrBin = readdirSync('/usr/bin').map((n) => join('/usr/bin', n)).filter(isElf);

spawnSync(process.execPath, [cli, 'scan', '--format', 'json', '--quiet', LIBC], { stdio: 'ignore' }); // warm the summary cache
const scan = timeCommand(process.execPath, [cli, 'scan', '--format', 'json', '--quiet', LIBC]);
const base1 = timeCommand('readelf', readelf([LIBC]));
console.log('case | ukport (median of 3) | readelf -d --dyn-syms -V | ratio');
console.log(`ukport scan --format json libc.so.6 (warm cache) | ${scan.ms.toFixed(0)} ms, ${scan.rssMb.toFixed(0)} MB peak | ${base1.ms.toFixed(0)} ms | ${(scan.ms / base1.ms).toFixed(2)}x`);
const facts = timeFacts(usrBin);
const base2 = timeCommand('readelf', readelf(usrBin));
console.log(`ELF facts + library closure, /usr/bin (${usrBin.length} ELF files, in process) | ${facts.toFixed(0)} ms | ${base2.ms.toFixed(0)} ms | ${(facts / base2.ms).toFixed(2)}x`);
