import { posix } from 'node:path';
import { UkportError } from '../errors.js';
import { hostRootFs, isRootFs, type RootFs } from './root-fs.js';

const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `path` (absolute inside `root`) to a host path, following symlinks as if `root` were `/`:
 * absolute link targets and `..` never leave the root. Returns undefined when a component is missing.
 * Given a RootFs (e.g. a container image) instead, returns the canonical path inside that root.
 */
export function resolveInRoot(root: string | RootFs, path: string): string | undefined {
  if (isRootFs(root)) return resolveInRootFs(root, path);
  // the host below ROOT is walked like any other root filesystem
  const inside = resolveInRootFs(hostRootFs(root), path);
  return inside === undefined ? undefined : posix.join(root, inside);
}

/** The path inside the root that a host path stands for. */
export function pathInRoot(root: string, hostPath: string): string {
  const rel = posix.relative(root, hostPath);
  return '/' + rel;
}

/** The canonical path (no symlink components, no `..`) of PATH inside FS, or undefined when a component is missing. */
export function resolveInRootFs(fs: RootFs, path: string): string | undefined {
  const parts = posix.normalize('/' + path).split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const here = '/' + [...done, part].join('/');
    const st = fs.lstat(here);
    if (!st) return undefined;
    if (st.type === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) throw new UkportError('symlink-loop', `more than ${MAX_SYMLINK_HOPS} links`, here);
      const target = fs.readlink(here);
      if (target === undefined) return undefined;
      // An absolute target restarts at the root of FS, never at the host's root.
      if (target.startsWith('/')) done.length = 0;
      parts.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    if (parts.length > 0 && st.type !== 'dir') return undefined;
    done.push(part);
  }
  return '/' + done.join('/');
}
