import { existsSync, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { PlannedImage, Report } from '../model/index.js';
import type { CpioEntry } from './cpio.js';
import { readBounded } from '../inputs/read-file.js';

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
export function rootfsEntries(report: Report, root = '/', bounds: RootfsBounds = DEFAULT_BOUNDS, extra: string[] = []): { entries: CpioEntry[]; skipped: string[] } {
  const entries = new Map<string, CpioEntry>();
  const skipped: string[] = [];
  const add = hostAdder(root, bounds, entries, skipped);
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
    if (!e.soname.includes('/') && existsSync(join(root, bySoname))) add(bySoname);
  }
  for (const f of BASE_FILES) if (existsSync(join(root, f))) add(f);
  for (const p of report.plan?.rootfs ?? []) {
    const path = /^\/\S+/.exec(p)?.[0];
    if (path && existsSync(join(root, path))) add(path);
    else if (path && existsSync(join(root, dirname(path))) && dirname(path) !== '/') add(dirname(path));
  }
  for (const p of extra) add(p);
  return { entries: [...entries.values()], skipped };
}

/**
 * The root filesystem the plan's Dockerfile builds (src/emit/dockerfile.ts): each file of IMAGE read from its
 * source and placed at its image path, the generated files, the directories the program writes into; nothing
 * else, so a boot tests the manifest's file list. EXTRA paths (--rootfs-add) are taken from the host as they are.
 */
export function rootfsFromImage(image: PlannedImage, bounds: RootfsBounds = DEFAULT_BOUNDS, extra: string[] = []): { entries: CpioEntry[]; skipped: string[] } {
  const entries = new Map<string, CpioEntry>();
  const skipped: string[] = [];
  let files = 0, bytes = 0;
  const put = (path: string, data: Buffer, mode: number) => {
    if (files >= bounds.maxFiles || bytes + data.length > bounds.maxBytes) { skipped.push(`${path} (rootfs bounds reached)`); return; }
    files++; bytes += data.length;
    entries.set(path, { path, type: 'file', data, mode });
  };
  for (const f of image.files) {
    // the manifest copies the content (a link on the host becomes a file in the image)
    const st = statSync(f.source, { throwIfNoEntry: false });
    if (!st?.isFile()) { skipped.push(`${f.path} (${f.source} is not a regular file)`); continue; }
    if (bytes + st.size > bounds.maxBytes) { skipped.push(`${f.path} (rootfs bounds reached)`); continue; }
    // readBounded checks the opened file again (regular, within the size), so a file swapped meanwhile is refused
    let data: Buffer;
    try { data = readBounded(f.source, st.size); } catch (e) { skipped.push(`${f.path} (${(e as Error).message})`); continue; }
    put(f.path, data, st.mode & 0o7777);
  }
  for (const g of image.generated) put(g.path, Buffer.from(g.content, 'utf8'), 0o644);
  for (const d of image.directories) entries.set(d, { path: d, type: 'dir' });
  const add = hostAdder('/', bounds, entries, skipped);
  for (const p of extra) add(p);
  return { entries: [...entries.values()], skipped };
}

const DEFAULT_BOUNDS: RootfsBounds = { maxFiles: 4000, maxBytes: 512 * 1024 * 1024 };

/** Adds a host path (under ROOT) at the same guest path: links kept as links, directories with their contents. */
function hostAdder(root: string, bounds: RootfsBounds, entries: Map<string, CpioEntry>, skipped: string[]): (guest: string) => void {
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
      let data: Buffer;
      try { data = readBounded(hostPath(guest), st.size); } catch (e) { skipped.push(`${guest} (${(e as Error).message})`); return; }
      entries.set(guest, { path: guest, type: 'file', data, mode: st.mode & 0o7777 });
    }
  };
  return (guest) => add(guest);
}
