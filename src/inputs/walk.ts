import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
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

function isLink(path: string): boolean {
  try { return lstatSync(path).isSymbolicLink(); } catch { return false; }
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
 * Walks files and directories (recursively, following symlinks, each real file once, loops detected).
 * A path named explicitly that is missing or unreadable throws; problems inside directories are collected.
 */
export function walkPaths(paths: string[], options: WalkOptions = {}): WalkResult {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? 1_000_000;
  const result: WalkResult = { artifacts: [], problems: [], skipped: 0, seen: 0 };
  // Real file → how it was first reached; a direct path replaces a path through a symlink.
  const seenFiles = new Map<string, { viaLink: boolean; artifact?: Artifact }>();
  const activeDirs = new Set<string>();

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

  const visitDir = (dir: string, st: Stats, root: string): void => {
    const id = `${st.dev}:${st.ino}`;
    if (activeDirs.has(id)) {
      result.problems.push({ path: dir, error: new UkportError('symlink-loop', 'directory contains itself', dir) });
      return;
    }
    // An OCI image layout is one input (an image), not a tree of blobs.
    if (isOciLayoutDir(dir)) {
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
      let cst: Stats;
      try {
        cst = statSync(p);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // Dangling symlinks are common in system trees: not a problem worth reporting.
        if (code === 'ENOENT') { result.skipped++; continue; }
        result.problems.push({ path: p, error: new UkportError(code === 'ELOOP' ? 'symlink-loop' : 'unreadable', code ?? String(e), p) });
        continue;
      }
      if (cst.isDirectory()) visitDir(p, cst, root);
      else if (cst.isFile()) visitFile(p, cst, false, root, isLink(p));
      else result.skipped++;
    }
    activeDirs.delete(id);
  };

  for (const p of paths) {
    const st = statOrThrow(p);
    if (st.isDirectory()) visitDir(p, st, p);
    else if (st.isFile()) visitFile(p, st, true, p);
    else throw new UkportError('unsupported-input', 'not a regular file or directory', p);
  }
  return result;
}
