import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import type { Artifact } from '../model/index.js';
import { UkportError } from '../errors.js';
import { classifyFile, CLASSIFY_HEAD_BYTES } from './classify.js';
import { readHead, DEFAULT_MAX_FILE_BYTES } from './read-file.js';
import { isOciLayoutDir } from './image/open-image.js';

/** A file inside a walked directory that could not be used, with the reason. */
export interface WalkProblem {
  path: string;
  error: UkportError;
}

/** Result of walking the command-line paths. */
export interface WalkResult {
  artifacts: Artifact[];
  problems: WalkProblem[];
  /** Files seen in directories but not of a kind ukport reads. */
  skipped: number;
  seen: number;
}

export interface WalkOptions {
  maxFileBytes?: number;
  /** Maximum number of files to look at, across all paths. */
  maxFiles?: number;
}

const SKIP_DIRS = new Set(['.git', 'node_modules/.cache', '.hg', '.svn']);

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real path of a command-line directory (links are followed only into these). */
function realRoot(path: string): string | undefined {
  try { return realpathSync(path); } catch { return undefined; }
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UkportError('not-found', '', path);
    if (code === 'ELOOP') throw new UkportError('symlink-loop', 'too many levels of symbolic links', path);
    throw new UkportError('unreadable', code ?? String(e), path);
  }
}

/**
 * Walks files and directories (recursively, each real file and directory once by device and inode, loops detected).
 * Symbolic links are followed only to targets inside the walked directories: a link out of them (to `/`, to the
 * host's `/etc`) is not followed, and each directory lists how many it left out. A path named explicitly that is
 * missing or unreadable throws; problems inside directories are collected.
 */
export function walkPaths(paths: string[], options: WalkOptions = {}): WalkResult {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? 1_000_000;
  const result: WalkResult = { artifacts: [], problems: [], skipped: 0, seen: 0 };
  // Real file → how it was first reached; a direct path replaces a path through a symlink.
  const seenFiles = new Map<string, { viaLink: boolean; artifact?: Artifact }>();
  // Real directory (device:inode) → whether it was reached through a link; a DAG of links is walked once, not per path
  const seenDirs = new Map<string, boolean>();
  const activeDirs = new Set<string>();
  const roots = paths.map(realRoot).filter((r): r is string => r !== undefined);
  const linksOut = new Map<string, { count: number; example: string }>();

  const visitFile = (path: string, st: Stats, explicit: boolean, root: string, viaLink = false): void => {
    const id = `${st.dev}:${st.ino}`;
    const prev = seenFiles.get(id);
    if (prev) {
      if (prev.viaLink && !viaLink && prev.artifact) { prev.artifact.path = path; prev.viaLink = false; }
      return;
    }
    const entry: { viaLink: boolean; artifact?: Artifact } = { viaLink };
    seenFiles.set(id, entry);
    result.seen++;
    if (result.seen > maxFiles) throw new UkportError('limit-exceeded', `more than ${maxFiles} files`, root);
    if (st.size === 0) {
      if (explicit) throw new UkportError('empty-file', '', path);
      result.skipped++;
      return;
    }
    let head: Buffer;
    try {
      head = readHead(path, CLASSIFY_HEAD_BYTES);
    } catch (e) {
      const err = new UkportError('unreadable', (e as NodeJS.ErrnoException).code ?? String(e), path);
      if (explicit) throw err;
      result.problems.push({ path, error: err });
      return;
    }
    const kind = classifyFile(path, head);
    if (kind === 'other') {
      if (explicit) throw new UkportError('unsupported-input', 'not an ELF file, C/Python/JS source, compile_commands.json or image', path);
      result.skipped++;
      return;
    }
    if (st.size > maxBytes) {
      const err = new UkportError('too-large', `${st.size} bytes, limit ${maxBytes}`, path);
      if (explicit) throw err;
      result.problems.push({ path, error: err });
      return;
    }
    entry.artifact = { path, kind, size: st.size, root };
    result.artifacts.push(entry.artifact);
  };

  /** The entry P of a walked directory, its link followed only when it stays inside the walked roots. */
  const entryStat = (p: string, root: string): { st: Stats; link: boolean } | undefined => {
    let lst: Stats;
    try { lst = lstatSync(p); } catch { return undefined; }
    if (!lst.isSymbolicLink()) return { st: lst, link: false };
    let real: string;
    let st: Stats;
    try {
      real = realpathSync(p);
      st = statSync(real);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Dangling symlinks are common in system trees: not a problem worth reporting.
      if (code === 'ENOENT' || code === 'ENOTDIR') { result.skipped++; return undefined; }
      result.problems.push({ path: p, error: new UkportError(code === 'ELOOP' ? 'symlink-loop' : 'unreadable', code ?? String(e), p) });
      return undefined;
    }
    if (!roots.some((r) => within(r, real))) {
      const out = linksOut.get(root) ?? { count: 0, example: `${p} → ${real}` };
      out.count++;
      linksOut.set(root, out);
      return undefined;
    }
    return { st, link: true };
  };

  const visitDir = (dir: string, st: Stats, root: string, viaLink: boolean): void => {
    const id = `${st.dev}:${st.ino}`;
    if (activeDirs.has(id)) {
      result.problems.push({ path: dir, error: new UkportError('symlink-loop', 'directory contains itself', dir) });
      return;
    }
    const before = seenDirs.get(id);
    if (before !== undefined && (before === viaLink || !before)) return;
    seenDirs.set(id, viaLink);
    // An OCI image layout is one input (an image), not a tree of blobs.
    if (isOciLayoutDir(dir)) {
      if (before !== undefined) return;
      result.seen++;
      result.artifacts.push({ path: dir, kind: 'container-image', size: 0, root });
      return;
    }
    activeDirs.add(id);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      result.problems.push({ path: dir, error: new UkportError('unreadable', (e as NodeJS.ErrnoException).code ?? String(e), dir) });
      activeDirs.delete(id);
      return;
    }
    for (const name of names) {
      if (SKIP_DIRS.has(name)) continue;
      const p = join(dir, name);
      const e = entryStat(p, root);
      if (!e) continue;
      if (e.st.isDirectory()) visitDir(p, e.st, root, viaLink || e.link);
      else if (e.st.isFile()) visitFile(p, e.st, false, root, viaLink || e.link);
      else result.skipped++;
    }
    activeDirs.delete(id);
  };

  for (const p of paths) {
    const st = statOrThrow(p);
    if (st.isDirectory()) visitDir(p, st, p, false);
    else if (st.isFile()) visitFile(p, st, true, p);
    else throw new UkportError('unsupported-input', 'not a regular file or directory', p);
  }
  for (const [root, out] of linksOut) {
    const what = `${out.count} symbolic link${out.count === 1 ? ' leads' : 's lead'} outside the scanned directories and ${out.count === 1 ? 'was' : 'were'} not followed (${out.example}${out.count > 1 ? ', …' : ''}); name a target as a path to scan it`;
    result.problems.push({ path: root, error: new UkportError('path-escape', what, root) });
  }
  return result;
}
