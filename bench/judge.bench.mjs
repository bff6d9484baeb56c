// The judge's share of a warm whole-system scan: each binary of /usr/bin and /usr/sbin (or the DIRs given) is analysed
// on this thread with a warm library-summary cache, then judged as the system scan judges it (rules matched, verdict,
// row); both are timed in the same run. Target: judging adds at most 10 % to the analysis (issue #24).
//   node bench/judge.bench.mjs [DIR...]      (after npm run build)
import { mkdtempSync, readdirSync, rmSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { analyseBinary, newBinaryState } from '../dist/scale/analyse-binary.js';
import { summariseBinary, verdictContext } from '../dist/scale/verdicts.js';
import { loadTables } from '../dist/data/tables.js';
import { loadRules } from '../dist/data/rules.js';
import { compileRules } from '../dist/match/compile.js';
import { pickRelease } from '../dist/plan/releases.js';

const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['/usr/bin', '/usr/sbin'];
const elfs = [];
const head = Buffer.alloc(4);
const seen = new Set();
for (const d of dirs) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (!st.isFile() || st.size < 64 || seen.has(`${st.dev}:${st.ino}`)) continue;
    seen.add(`${st.dev}:${st.ino}`);
    try { const fd = openSync(p, 'r'); readSync(fd, head, 0, 4, 0); closeSync(fd); } catch { continue; }
    if (head.readUInt32BE(0) === 0x7f454c46) elfs.push({ path: p, kind: 'elf', size: st.size, root: d });
  }
}
const cacheDir = mkdtempSync(join(tmpdir(), 'ukport-judge-bench-'));
const settings = { mode: 'binary-compat', cacheDir };
const tables = loadTables();
const ctx = verdictContext(pickRelease(tables.unikraft), tables, 'binary-compat', compileRules(loadRules()));
console.log(`judge: ${elfs.length} ELF files under ${dirs.join(' ')}; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

// pass 1 fills the cache (cold); pass 2 is the warm scan the target is about
let state = newBinaryState();
for (const a of elfs) analyseBinary(a, settings, state);
state = newBinaryState();
let analyse = 0, judge = 0;
const verdicts = {};
for (const a of elfs) {
  const t0 = performance.now();
  const r = analyseBinary(a, settings, state);
  const t1 = performance.now();
  const row = summariseBinary(r, ctx);
  const t2 = performance.now();
  analyse += t1 - t0;
  judge += t2 - t1;
  verdicts[row.verdict] = (verdicts[row.verdict] ?? 0) + 1;
}
rmSync(cacheDir, { recursive: true, force: true });
const share = judge / analyse;
console.log(`warm analysis ${(analyse / 1000).toFixed(1)} s, judging ${(judge / 1000).toFixed(2)} s: +${(share * 100).toFixed(1)} % (target <= 10 %) ${share <= 0.1 ? 'met' : 'MISSED'}`);
console.log(`verdicts: ${Object.entries(verdicts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
