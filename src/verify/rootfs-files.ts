import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { Report } from '../model/index.js';
import type { CpioEntry } from './cpio.js';

/** Bounds for what one rootfs may take from the host. */
export interface RootfsBounds {
  maxFiles: number;
  maxBytes: number;
}

// What glibc programs read at start-up or for name lookups; app-elfloader's VFS needs /etc to exist (issue #25).
const BASE_FILES = ['/etc/passwd', '/etc/group', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/localtime'];
const BASE_DIRS = ['/etc', '/tmp', '/dev', '/proc', '/run', '/var/run'];

/**
 * The files of a binary-compat root filesystem, taken from ROOT (the host, or a --sysroot): each program at
 * its own path, its PT_INTERP, every library the analysis resolved (dlopen'ed ones included), the paths
 * the plan says the app opens (files, and directories up to the bounds), and glibc's basic /etc files.
 * Symbolic links on the way (merged /usr: /lib → usr/lib) are kept as links, so the loader finds every
 * library under the name it looks for.
 */
export function rootfsEntries(report: Report, root = '/', bounds: RootfsBounds = { maxFiles: 4000, maxBytes: 512 * 1024 * 1024 }, extra: string[] = []): { entries: CpioEntry[]; skipped: string[] } {
  const entries = new Map<string, CpioEntry>();
  const skipped: string[] = [];
  let bytes = 0;
  const hostPath = (p: string) => join(root, p);
  const add = (guest: string, depth = 0): void => {
    if (depth > 40 || entries.has(guest)) return;
    // resolve each directory component that is a link, keeping the link
    const parts = guest.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const prefix = '/' + parts.slice(0, i).join('/');
      const st = lstatSync(hostPath(prefix), { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) {
        const target = readlinkSync(hostPath(prefix));
        if (!entries.has(prefix)) entries.set(prefix, { path: prefix, type: 'symlink', target });
        add(posix.resolve(posix.dirname(prefix), target, ...parts.slice(i)), depth + 1);
        return;
      }
    }
    const st = lstatSync(hostPath(guest), { throwIfNoEntry: false });
    if (!st) { skipped.push(`${guest} (not on the host)`); return; }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(hostPath(guest));
      entries.set(guest, { path: guest, type: 'symlink', target });
      add(posix.resolve(posix.dirname(guest), target), depth + 1);
    } else if (st.isDirectory()) {
      entries.set(guest, { path: guest, type: 'dir' });
      for (const name of readdirSync(hostPath(guest)).sort()) add(posix.join(guest, name), depth + 1);
    } else if (st.isFile()) {
      if (entries.size >= bounds.maxFiles || bytes + st.size > bounds.maxBytes) { skipped.push(`${guest} (rootfs bounds reached)`); return; }
      bytes += st.size;
      entries.set(guest, { path: guest, type: 'file', data: readFileSync(hostPath(guest)), mode: st.mode & 0o7777 });
    }
  };
  for (const d of BASE_DIRS) entries.set(d, { path: d, type: 'dir' });
  for (const b of report.binaries) {
    add(b.path);
    if (b.interpreter) add(b.interpreter);
  }
  for (const e of report.libraryGraph) {
    if (!e.resolved) continue;
    add(e.resolved);
    // the loader opens the soname (libatomic.so.1), which the resolved real file (libatomic.so.1.2.0) is not
    const bySoname = posix.join(posix.dirname(e.resolved), e.soname);
    if (!e.soname.includes('/') && existsSync(hostPath(bySoname))) add(bySoname);
  }
  for (const f of BASE_FILES) if (existsSync(hostPath(f))) add(f);
  for (const p of report.plan?.rootfs ?? []) {
    const path = /^\/\S+/.exec(p)?.[0];
    if (path && existsSync(hostPath(path))) add(path);
    else if (path && existsSync(hostPath(dirname(path))) && dirname(path) !== '/') add(dirname(path));
  }
  for (const p of extra) add(p);
  return { entries: [...entries.values()], skipped };
}
