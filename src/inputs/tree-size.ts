import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Total size of the regular files under a path (symlinks not followed), and whether a bound cut the count short. */
export interface TreeSize {
  bytes: number;
  files: number;
  truncated: boolean;
}

/**
 * Measures a file or directory tree without reading any file (the path itself may be a symlink; below it symlinks
 * are neither followed nor counted). Stops after MAX_FILES files; directories SKIPDIR names are left out; a missing path
 * measures as empty.
 */
export function measureTree(path: string, maxFiles = 200_000, skipDir?: (name: string) => boolean): TreeSize {
  const out: TreeSize = { bytes: 0, files: 0, truncated: false };
  const visit = (p: string, top = false): void => {
    if (out.truncated) return;
    let st;
    try { st = top ? statSync(p) : lstatSync(p); } catch { return; }
    if (st.isFile()) {
      if (out.files >= maxFiles) { out.truncated = true; return; }
      out.files++;
      out.bytes += st.size;
    } else if (st.isDirectory()) {
      let names: string[];
      try { names = readdirSync(p); } catch { return; }
      for (const n of names) if (!skipDir?.(n)) visit(join(p, n));
    }
  };
  visit(path, true);
  return out;
}
