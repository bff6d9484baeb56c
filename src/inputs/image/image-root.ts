import { posix } from 'node:path';
import { UkportError } from '../../errors.js';
import type { RootEntryType, RootFs, RootStat } from '../root-fs.js';
import { DEFAULT_MAX_FILE_BYTES } from '../read-file.js';
import type { ByteSource } from './byte-source.js';
import { memberPath, type TarEntry } from './tar.js';

/** One image layer: its digest (as the report names it) and its tar members. */
export interface ImageLayer {
  digest: string;
  source: ByteSource;
  entries: TarEntry[];
}

interface Node {
  type: RootEntryType;
  size: number;
  mode: number;
  layer: string;
  linkname?: string;
  data?: { source: ByteSource; offset: number };
}

/** A container image's merged root: a RootFs whose entries know their layer. */
export interface ImageRootFs extends RootFs {
  /** Every path in the merged root, sorted. */
  paths(): string[];
  /** Members skipped because their names tried to leave the root. */
  readonly rejected: string[];
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * Applies LAYERS in order into an in-memory index (OCI/overlay semantics: `.wh.NAME` deletes NAME from lower
 * layers, `.wh..wh..opq` empties the directory below this layer). Nothing is extracted; contents are read
 * from the layer archives on demand.
 */
export function buildImageRoot(layers: ImageLayer[], label: string): ImageRootFs {
  const nodes = new Map<string, Node>([['/', { type: 'dir', size: 0, mode: 0o755, layer: layers[0]?.digest ?? '' }]]);
  const children = new Map<string, Set<string>>([['/', new Set()]]);
  const rejected: string[] = [];

  // iterative: a member path 20,000 directories deep must not overflow the stack
  const remove = (path: string): void => {
    if (!nodes.has(path)) return;
    children.get(posix.dirname(path))?.delete(posix.basename(path));
    const pending = [path];
    while (pending.length) {
      const p = pending.pop()!;
      for (const c of children.get(p) ?? []) pending.push(posix.join(p, c));
      children.delete(p);
      nodes.delete(p);
    }
  };
  const ensureDir = (path: string, layer: string): void => {
    const missing: string[] = [];
    for (let p = path; ; p = posix.dirname(p)) {
      if (nodes.get(p)?.type === 'dir') break;
      missing.push(p);
      if (p === '/') break;
    }
    for (const p of missing.reverse()) {
      if (nodes.has(p)) remove(p);
      nodes.set(p, { type: 'dir', size: 0, mode: 0o755, layer });
      children.set(p, new Set());
      if (p !== '/') children.get(posix.dirname(p))?.add(posix.basename(p));
    }
  };
  const put = (path: string, node: Node): void => {
    const prev = nodes.get(path);
    if (prev && !(prev.type === 'dir' && node.type === 'dir')) remove(path);
    ensureDir(posix.dirname(path), node.layer);
    nodes.set(path, node);
    if (node.type === 'dir' && !children.has(path)) children.set(path, new Set());
    children.get(posix.dirname(path))!.add(posix.basename(path));
  };

  for (const layer of layers) {
    const members: { path: string; e: TarEntry }[] = [];
    for (const e of layer.entries) {
      const path = memberPath(e.name);
      if (path === undefined) { rejected.push(e.name); continue; }
      members.push({ path, e });
    }
    // Whiteouts act on the layers below, so they go first.
    for (const { path } of members) {
      const base = posix.basename(path);
      if (base === OPAQUE) {
        for (const c of [...(children.get(posix.dirname(path)) ?? [])]) remove(posix.join(posix.dirname(path), c));
      } else if (base.startsWith(WHITEOUT)) {
        remove(posix.join(posix.dirname(path), base.slice(WHITEOUT.length)));
      }
    }
    for (const { path, e } of members) {
      if (posix.basename(path).startsWith(WHITEOUT) || path === '/') continue;
      const base = { size: e.size, mode: e.mode & 0o7777, layer: layer.digest };
      if (e.type === 'hardlink') {
        const target = memberPath(e.linkname);
        const t = target === undefined ? undefined : nodes.get(target);
        put(path, t && t.type === 'file' ? { ...t } : { ...base, type: 'other' });
      } else if (e.type === 'symlink') {
        put(path, { ...base, type: 'symlink', size: e.linkname.length, linkname: e.linkname });
      } else if (e.type === 'file') {
        put(path, { ...base, type: 'file', data: { source: layer.source, offset: e.dataOffset } });
      } else {
        put(path, { ...base, type: e.type === 'dir' ? 'dir' : 'other' });
      }
    }
  }

  const stat = (n: Node): RootStat => ({ type: n.type, size: n.size, mode: n.mode, layer: n.layer });
  return {
    label,
    rejected,
    lstat: (path) => { const n = nodes.get(posix.normalize('/' + path)); return n && stat(n); },
    readlink: (path) => nodes.get(posix.normalize('/' + path))?.linkname,
    readFile(path, maxBytes = DEFAULT_MAX_FILE_BYTES) {
      const n = nodes.get(posix.normalize('/' + path));
      if (!n) throw new UkportError('not-found', `not in image ${label}`, path);
      if (n.type !== 'file' || !n.data) throw new UkportError('unsupported-input', 'not a regular file', path);
      if (n.size > maxBytes) throw new UkportError('too-large', `${n.size} bytes, limit ${maxBytes}`, path);
      return n.data.source.read(n.data.offset, n.size);
    },
    readdir: (path) => {
      const c = children.get(posix.normalize('/' + path));
      return c && [...c].sort();
    },
    hostPath: () => undefined,
    paths: () => [...nodes.keys()].sort(),
  };
}
