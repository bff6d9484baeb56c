// Container image input: index a docker save archive made from a real directory (Debian's /usr/lib/python3.11,
// one plain and one gzip layer) and resolve an ELF inside it; baseline: GNU tar listing the same layers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { openImage } from '../dist/inputs/image/open-image.js';
import { resolveInRoot } from '../dist/inputs/rooted-path.js';

const SRC = existsSync('/usr/lib/python3.11') ? '/usr/lib/python3.11' : '/usr/share/perl';
const tmp = mkdtempSync(join(tmpdir(), 'ukport-bench-image-'));
const time = async (f) => { const t = performance.now(); const v = await f(); return [performance.now() - t, v]; };
const best = async (n, f) => { let min = Infinity; let v; for (let i = 0; i < n; i++) { const [ms, r] = await time(f); if (ms < min) { min = ms; v = r; } } return [min, v]; };
const sha = (b) => 'sha256:' + createHash('sha256').update(b).digest('hex');
try {
  execFileSync('tar', ['-C', '/', '-cf', join(tmp, 'l1.tar'), SRC.slice(1)]);
  writeFileSync(join(tmp, 'l2.tar.gz'), gzipSync(readFileSync(join(tmp, 'l1.tar'))));
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify([{ Config: 'c.json', Layers: ['l1.tar', 'l2.tar.gz'] }]));
  const tarSha = sha(readFileSync(join(tmp, 'l1.tar')));
  writeFileSync(join(tmp, 'c.json'), JSON.stringify({ config: { Cmd: ['/bin/true'] }, rootfs: { type: 'layers', diff_ids: [tarSha, tarSha] } }));
  execFileSync('tar', ['-C', tmp, '-cf', join(tmp, 'image.tar'), 'manifest.json', 'c.json', 'l1.tar', 'l2.tar.gz']);
  const size = statSync(join(tmp, 'image.tar')).size;
  const [ours, img] = await best(3, () => openImage(join(tmp, 'image.tar')));
  const entries = img.root.paths().length;
  const [gnu] = await best(3, () => {
    execFileSync('tar', ['-tvf', join(tmp, 'l1.tar')], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-tzvf', join(tmp, 'l2.tar.gz')], { maxBuffer: 1 << 30 });
  });
  const [lookup] = await best(3, () => { for (const p of img.root.paths()) resolveInRoot(img.root, p); });
  console.log(`source         ${SRC}: image ${(size / 1e6).toFixed(1)} MB, 2 layers (plain + gzip), ${entries} paths in the merged root`);
  console.log(`ukport index   ${ours.toFixed(0)} ms (both layers, whiteouts applied, nothing extracted)`);
  console.log(`GNU tar -tv    ${gnu.toFixed(0)} ms (listing the two layers only)   ratio ukport/tar ${(ours / gnu).toFixed(2)}`);
  console.log(`resolve all    ${lookup.toFixed(0)} ms for ${entries} paths (${((lookup * 1000) / entries).toFixed(1)} µs each)`);
  console.log(`heap used      ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
