import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UkportError } from '../errors.js';

/** A Unikraft source directory as `ukport verify --sources` reads it. */
export interface SourceTree {
  root: string;
  /** The Unikraft core tree. */
  unikraft: string;
  /** Release from its version.mk: `v0.17.0`. */
  release: string;
  /** Commit of the core tree when it is a git checkout. */
  commit?: string;
  /** Directory of downloaded archives (musl-1.2.3.tar.gz, ...), when present. */
  archives?: string;
  /** Finds an external library (`lib-musl`, `musl`) or app (`app-elfloader`) checkout by name. */
  find(kind: 'lib' | 'app', name: string): string | undefined;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** `v0.17.0` from a Unikraft tree's version.mk (UK_VERSION, UK_SUBVERSION, UK_EXTRAVERSION). */
export function releaseOfTree(unikraft: string): string {
  const file = join(unikraft, 'version.mk');
  if (!existsSync(file)) throw new UkportError('not-found', 'no version.mk: not a Unikraft source tree', unikraft);
  const text = readFileSync(file, 'utf8');
  const field = (name: string) => text.match(new RegExp(`^${name}\\s*[:?]?=\\s*(\\d+)`, 'm'))?.[1];
  const [major, minor, patch] = [field('UK_VERSION'), field('UK_SUBVERSION'), field('UK_EXTRAVERSION')];
  if (major === undefined || minor === undefined) throw new UkportError('unsupported-input', 'version.mk names no UK_VERSION/UK_SUBVERSION', file);
  return `v${major}.${minor}.${patch ?? 0}`;
}

/** HEAD commit of a git checkout, read from .git without running git; undefined when not a checkout. */
export function gitCommit(dir: string): string | undefined {
  const gitDir = join(dir, '.git');
  if (!isDir(gitDir)) return undefined;
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = head.match(/^ref: (.+)$/)?.[1];
  if (!ref) return undefined;
  const loose = join(gitDir, ref);
  if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
  const packed = join(gitDir, 'packed-refs');
  if (!existsSync(packed)) return undefined;
  return readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
}

/**
 * Reads a sources directory in either layout: plain (`unikraft/`, `libs/<name>/`, `apps/<name>/`,
 * `archives/`) or KraftKit's (`.unikraft/unikraft`, `.unikraft/libs/<name>`, `.unikraft/apps/<name>`).
 * Libraries are found with or without their `lib-` prefix (`libs/musl` or `libs/lib-musl`).
 */
export function readSourceTree(dir: string): SourceTree {
  const root = resolve(dir);
  if (!isDir(root)) throw new UkportError('not-found', 'sources directory not found', dir);
  const bases = [root, join(root, '.unikraft')];
  const base = bases.find((b) => isDir(join(b, 'unikraft')));
  if (!base) throw new UkportError('not-found', 'no unikraft/ (or .unikraft/unikraft) core tree in the sources directory', dir);
  const unikraft = join(base, 'unikraft');
  const archives = [join(root, 'archives'), join(base, 'archives')].find(isDir);
  const find = (kind: 'lib' | 'app', name: string) => {
    const bare = name.replace(kind === 'lib' ? /^lib-/ : /^app-/, '');
    const prefixed = `${kind}-${bare}`;
    const sub = kind === 'lib' ? 'libs' : 'apps';
    for (const b of bases) for (const n of [bare, prefixed]) if (isDir(join(b, sub, n))) return join(b, sub, n);
    return undefined;
  };
  const commit = gitCommit(unikraft);
  return { root, unikraft, release: releaseOfTree(unikraft), ...(commit ? { commit } : {}), ...(archives ? { archives } : {}), find };
}
