import { posix } from 'node:path';
import type { ArtifactKind } from '../../model/index.js';
import { classifyFile } from '../classify.js';
import type { RootFs } from '../root-fs.js';

/** A file of an image directory worth scanning: sources by name, compiled modules by their ELF magic. */
export interface ImageFile {
  path: string;
  kind: ArtifactKind;
  size: number;
  layer?: string;
}

const NATIVE = /\.(so(\.\d+)*|node)$/;

/**
 * Lists the app files below DIR inside an image (sources, `.so`/`.node` ELF modules), without following symlinks
 * and skipping JS below node_modules; at most MAX files are looked at.
 */
export function walkImageDir(fs: RootFs, dir: string, max = 20_000): ImageFile[] {
  const out: ImageFile[] = [];
  let seen = 0;
  const visit = (d: string): void => {
    for (const name of fs.readdir(d) ?? []) {
      if (++seen > max) return;
      const p = posix.join(d, name);
      const st = fs.lstat(p);
      if (!st) continue;
      if (st.type === 'dir') { if (name !== '.git' && name !== '__pycache__') visit(p); continue; }
      if (st.type !== 'file' || st.size === 0) continue;
      let kind = classifyFile(p, Buffer.alloc(0));
      if (NATIVE.test(name)) {
        const head = fs.readFile(p).subarray(0, 4);
        kind = head.length === 4 && head.readUInt32BE(0) === 0x7f454c46 ? 'elf' : 'other';
      }
      if (kind === 'python' || kind === 'elf' || ((kind === 'javascript' || kind === 'typescript') && !/\/node_modules\//.test(p))) {
        out.push({ path: p, kind, size: st.size, ...(st.layer ? { layer: st.layer } : {}) });
      }
    }
  };
  visit(dir);
  return out;
}
