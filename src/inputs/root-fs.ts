import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { readBounded, DEFAULT_MAX_FILE_BYTES } from './read-file.js';
import { noteListing, noteLstat } from './fs-observe.js';

/** Type of one entry of a root filesystem. */
export type RootEntryType = 'file' | 'dir' | 'symlink' | 'other';

/** What `lstat` tells about a path inside a root filesystem. */
export interface RootStat {
  type: RootEntryType;
  size: number;
  mode: number;
  /** Container image layer the entry came from. */
  layer?: string;
}

/**
 * A read-only root filesystem: the host (below a sysroot) or a container image held in memory.
 * Paths are absolute inside the root; none of the methods follows a symlink in the last component,
 * and `readFile`/`readdir` expect a path without symlink components (use resolveInRoot first).
 */
export interface RootFs {
  /** What the root is, for messages: a host directory or an image file. */
  readonly label: string;
  lstat(path: string): RootStat | undefined;
  readlink(path: string): string | undefined;
  /** Whole contents, refusing more than maxBytes; throws UkportError. */
  readFile(path: string, maxBytes?: number): Buffer;
  readdir(path: string): string[] | undefined;
  /** A path the host can open for this entry, when there is one (host roots only). */
  hostPath(path: string): string | undefined;
}

/** The host filesystem below ROOT seen as a RootFs. */
export function hostRootFs(root: string): RootFs {
  const host = (p: string): string => posix.join(root, p);
  return {
    label: root,
    lstat(path) {
      noteLstat(host(path));
      try {
        const st = lstatSync(host(path));
        const type: RootEntryType = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
        return { type, size: st.size, mode: st.mode & 0o7777 };
      } catch { return undefined; }
    },
    readlink(path) {
      noteLstat(host(path));
      try { return readlinkSync(host(path)); } catch { return undefined; }
    },
    readFile: (path, maxBytes = DEFAULT_MAX_FILE_BYTES) => readBounded(host(path), maxBytes),
    readdir(path) {
      noteListing(host(path));
      try { return readdirSync(host(path)).sort(); } catch { return undefined; }
    },
    hostPath: host,
  };
}

/** Whether a value is a RootFs rather than a host directory name. */
export function isRootFs(v: string | RootFs): v is RootFs {
  return typeof v !== 'string';
}
