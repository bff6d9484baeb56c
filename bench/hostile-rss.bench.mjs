// Peak RSS of the CLI on the hostile inputs of issue #22 (target: under 1.5 GB each), measured with /usr/bin/time -f %M.
// Inputs are made here: an image listing one gzip layer of 1000 MiB 12 times, one with 400,000 layer references, ten
// distinct 200 MiB layers past --max-image-size, stripped code with 6 million call targets (HOSTILE_CALLS to change),
// a cache entry linked to /dev/zero, and the small deep files (5,000 #defines, 1,000 JS parentheses, a 20,000-level tar path).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { tarOf } from './fuzz-inputs.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'ukport-bench-hostile-'));
const LIMIT_MB = 1536;
const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A gzip layer holding one file of SIZE zero bytes, streamed to PATH; returns the diff_id of its tar stream. */
async function zeroLayer(path, name, size) {
  const hash = createHash('sha256');
  const header = tarOf([{ name, data: '' }]).subarray(0, 512);
  header.write(size.toString(8).padStart(11, '0') + '\0', 124);
  let sum = 0; header.write('        ', 148); for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const chunk = Buffer.alloc(1 << 20);
  async function* tar() {
    for (const part of [header, ...Array(Math.ceil(size / chunk.length)).fill(chunk)]) { hash.update(part); yield part; }
    const tail = Buffer.alloc(1024 + ((512 - (size % 512)) % 512)); hash.update(tail); yield tail;
  }
  await pipeline(Readable.from(tar()), createGzip({ level: 1 }), createWriteStream(path));
  return `sha256:${hash.digest('hex')}`;
}

function dockerArchive(path, blobs, refs, diffIds) {
  writeFileSync(path, tarOf([
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: refs.map((i) => `l${i}.tar`) }]) },
    { name: 'c.json', data: JSON.stringify({ config: { Cmd: ['/bin/app'] }, rootfs: { type: 'layers', diff_ids: refs.map((i) => diffIds[i]) } }) },
    ...blobs.map((data, i) => ({ name: `l${i}.tar`, data })),
  ]));
}

function measure(label, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  const [kb, secs] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  const mb = Math.round(kb / 1024);
  const said = r.stderr.trim().split('\n').filter((l) => l.startsWith('ukport:')).join(' ').slice(0, 140);
  console.log(`${label.padEnd(44)} exit ${r.status}  peak RSS ${String(mb).padStart(5)} MB  ${secs.toFixed(1).padStart(6)} s  ${mb < LIMIT_MB ? 'ok' : 'OVER'}  ${said}`);
  return mb;
}

try {
  const peaks = [];
  const readFile = (p) => execFileSync('cat', [p], { maxBuffer: 1 << 30 });
  const big = join(tmp, 'big.gz');
  const bigId = await zeroLayer(big, 'zeros', 1000 * 1024 * 1024);
  dockerArchive(join(tmp, 'twelve.tar'), [readFile(big)], Array(12).fill(0), [bigId]);
  peaks.push(measure('one 1000 MiB gzip layer listed 12 times', ['scan', '-q', join(tmp, 'twelve.tar')]));
  const mids = [], midIds = [];
  for (let i = 0; i < 10; i++) { const p = join(tmp, `mid${i}.gz`); midIds.push(await zeroLayer(p, `z${i}`, 200 * 1024 * 1024)); mids.push(readFile(p)); }
  dockerArchive(join(tmp, 'ten.tar'), mids, mids.map((_, i) => i), midIds);
  peaks.push(measure('ten distinct 200 MiB layers (default limit)', ['scan', '-q', join(tmp, 'ten.tar')]));
  peaks.push(measure('the same, --max-image-size 1G', ['scan', '-q', '--max-image-size', '1G', join(tmp, 'ten.tar')]));
  const small = tarOf([{ name: 'bin/app', data: 'x' }]);
  dockerArchive(join(tmp, 'refs.tar'), [small], Array(400_000).fill(0), [sha(small)]);
  peaks.push(measure('400,000 references to one layer', ['scan', '-q', join(tmp, 'refs.tar')]));
  const n = Number(process.env.HOSTILE_CALLS ?? 6_000_000);
  writeFileSync(join(tmp, 'calls.s'), `\t.text\n\t.globl main\nmain:\n\t.set i, 0\n\t.rept ${n}\n\tcall sled + i\n\t.set i, i + 1\n\t.endr\n\tret\nsled:\n\t.rept ${n}\n\tret\n\t.endr\n\t.section .note.GNU-stack,"",@progbits\n`);
  execFileSync('gcc', ['-o', join(tmp, 'calls'), join(tmp, 'calls.s')]);
  execFileSync('strip', [join(tmp, 'calls')]);
  peaks.push(measure(`stripped code, ${n} call targets`, ['scan', '-q', '--no-cache', join(tmp, 'calls')]));
  const cache = join(tmp, 'cache');
  execFileSync(process.execPath, [cli, 'scan', '-q', join(repo, 'fixtures', 'build', 'elf', 'plain-static')], { env: { ...process.env, XDG_CACHE_HOME: cache } });
  const entries = join(cache, 'ukport', readdirSync(join(cache, 'ukport'))[0]);
  for (const f of readdirSync(entries)) { rmSync(join(entries, f)); symlinkSync('/dev/zero', join(entries, f)); }
  peaks.push(measure('cache entry linked to /dev/zero', ['scan', '-q', join(repo, 'fixtures', 'build', 'elf', 'plain-static')], { XDG_CACHE_HOME: cache }));
  const deep = join(tmp, 'deep');
  mkdirSync(deep);
  writeFileSync(join(deep, 'chain.c'), ['#define M0(x) x', ...Array.from({ length: 4999 }, (_, i) => `#define M${i + 1}(x) M${i}(x)`), 'int main(void) { return M4999(fork()); }', ''].join('\n'));
  writeFileSync(join(deep, 'deep.js'), `var x = ${'('.repeat(1000)}1${')'.repeat(1000)};\n`);
  writeFileSync(join(deep, 'deep.tar'), tarOf([{ name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['l.tar'] }]) }]));
  const deepLayer = tarOf([{ name: Array(20_000).fill('a').join('/') + '/f', data: 'x' }]);
  dockerArchive(join(deep, 'deep.tar'), [deepLayer], [0], [sha(deepLayer)]);
  peaks.push(measure('5,000 #defines, 1,000 JS parens, 20,000-level tar path', ['scan', '-q', deep]));
  const worst = Math.max(...peaks);
  console.log(`hostile inputs: worst peak RSS ${worst} MB (target < ${LIMIT_MB} MB): ${worst < LIMIT_MB ? 'met' : 'MISSED'}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
