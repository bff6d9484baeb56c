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

/** What walkImageDir found, and where it stopped when the tree had more entries than it looks at. */
export interface ImageDirWalk {
  files: ImageFile[];
  /** Set when the walk stopped at its entry bound (the number of entries looked at). */
  stoppedAfter?: number;
}

/**
 * Lists the app files below DIR inside an image (sources, `.so`/`.node` ELF modules), without following symlinks
 * and skipping JS below node_modules; at most MAX entries are looked at (iteratively: a 20,000-level tree is fine).
 */
export function walkImageDir(fs: RootFs, dir: string, max = 20_000): ImageDirWalk {
  const files: ImageFile[] = [];
  let seen = 0;
  const pending = [dir];
  while (pending.length) {
    const d = pending.pop()!;
    const subdirs: string[] = [];
    for (const name of fs.readdir(d) ?? []) {
      if (++seen > max) return { files, stoppedAfter: max };
      const p = posix.join(d, name);
      const st = fs.lstat(p);
      if (!st) continue;
      if (st.type === 'dir') { if (name !== '.git' && name !== '__pycache__') subdirs.push(p); continue; }
      if (st.type !== 'file' || st.size === 0) continue;
      let kind = classifyFile(p, Buffer.alloc(0));
      if (NATIVE.test(name)) {
        const head = fs.readFile(p).subarray(0, 4);
        kind = head.length === 4 && head.readUInt32BE(0) === 0x7f454c46 ? 'elf' : 'other';
      }
      if (kind === 'python' || kind === 'elf' || ((kind === 'javascript' || kind === 'typescript') && !/\/node_modules\//.test(p))) {
        files.push({ path: p, kind, size: st.size, ...(st.layer ? { layer: st.layer } : {}) });
      }
    }
    // depth first in name order, as the recursive walk did
    pending.push(...subdirs.reverse());
  }
  return { files };
}
