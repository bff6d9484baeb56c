import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RootFs } from './root-fs.js';

/** Total size of the regular files under a path (symlinks not followed), and whether a bound cut the count short. */
export interface TreeSize {
  bytes: number;
  files: number;
  truncated: boolean;
}

/** Measures a path: see measureTree. */
export type MeasureTree = (path: string, skipDir?: (name: string) => boolean) => TreeSize;

/**
 * Measures a file or directory tree without reading any file (on the host the path itself may be a symlink; below
 * it symlinks are neither followed nor counted). Inside ROOT (a container image) the root's own entries are
 * measured. Stops after MAX_FILES files; directories SKIPDIR names are left out; a missing path measures as empty.
 */
export function measureTree(path: string, skipDir?: (name: string) => boolean, root?: RootFs, maxFiles = 200_000): TreeSize {
  const out: TreeSize = { bytes: 0, files: 0, truncated: false };
  const kindOf = (p: string, top: boolean): { type: 'file' | 'dir' | 'other'; size: number } | undefined => {
    if (root) {
      const st = root.lstat(p);
      return st ? { type: st.type === 'file' || st.type === 'dir' ? st.type : 'other', size: st.size } : undefined;
    }
    try {
      const st = top ? statSync(p) : lstatSync(p);
      return { type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', size: st.size };
    } catch { return undefined; }
  };
  const list = (p: string): string[] => {
    if (root) return root.readdir(p) ?? [];
    try { return readdirSync(p); } catch { return []; }
  };
  const visit = (p: string, top = false): void => {
    if (out.truncated) return;
    const st = kindOf(p, top);
    if (st?.type === 'file') {
      if (out.files >= maxFiles) { out.truncated = true; return; }
      out.files++;
      out.bytes += st.size;
    } else if (st?.type === 'dir') {
      for (const n of list(p)) if (!skipDir?.(n)) visit(join(p, n));
    }
  };
  visit(path, true);
  return out;
}
