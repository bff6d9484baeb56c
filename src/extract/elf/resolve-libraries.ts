import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { LibraryEdge, UnknownFact } from '../../model/index.js';
import { UkportError } from '../../errors.js';
import { readBounded, readRange, type FileIdentity } from '../../inputs/read-file.js';
import { parseLdCache, readLdCache } from '../../inputs/ld-cache.js';
import { resolveInRoot, resolveInRootFs } from '../../inputs/rooted-path.js';
import type { RootFs } from '../../inputs/root-fs.js';
import { parseElf, EM_AARCH64, EM_X86_64, type ElfFile } from './reader.js';
import { describeElf, machineName, type DecodedElf } from './describe.js';
import { noteStat } from '../../inputs/fs-observe.js';

/** A loaded ELF: parsed headers plus decoded facts. `path` is the path the user sees (inside the sysroot). */
export interface LoadedElf {
  path: string;
  hostPath: string;
  elf: ElfFile;
  decoded: DecodedElf;
  /** The host file's size, time and inode when it was read (set for files read from a host path). */
  identity?: FileIdentity;
}

export interface ResolveOptions {
  /** Root filesystem to resolve in; default `/`. */
  sysroot?: string;
  /** A root filesystem that is not a host directory (a container image); wins over `sysroot`. */
  rootFs?: RootFs;
  maxLibraries?: number;
  /** Libraries already loaded by host path (null: not a usable ELF), shared across calls; filled as libraries load. */
  loaded?: Map<string, LoadedElf | null>;
}

/** The shared-library closure of some binaries. */
export interface LibraryClosure {
  edges: LibraryEdge[];
  /** Resolved libraries by in-root path, in discovery order. */
  libraries: Map<string, LoadedElf>;
  /** Needed libraries no search found; HINT says what to give when the program is of another machine than the host. */
  unresolved: { from: string; soname: string; hint?: string }[];
  /** Candidates that exist but could not be parsed. */
  problems: UkportError[];
}

const MULTIARCH: Record<number, string> = { [EM_X86_64]: 'x86_64-linux-gnu', [EM_AARCH64]: 'aarch64-linux-gnu' };
const HOST_MACHINE = process.arch === 'arm64' ? EM_AARCH64 : process.arch === 'x64' ? EM_X86_64 : -1;

/** The unknown fact of a needed library that was not found, with its hint. */
export function unresolvedLibraryFact(u: LibraryClosure['unresolved'][number]): UnknownFact {
  return { kind: 'unknown', reason: 'unresolved-library', message: `${u.soname} not found (needed by ${u.from}${u.hint ? `; ${u.hint}` : ''})`, evidence: [{ artifact: u.from, extractor: 'elf.resolve', detail: u.soname }] };
}

/** For a program of another machine than the host, searched on the host's root: where its libraries are. */
function foreignMachineHint(elf: ElfFile): string | undefined {
  if (elf.machine === HOST_MACHINE || HOST_MACHINE < 0) return undefined;
  const cross = MULTIARCH[elf.machine] ? `/usr/${MULTIARCH[elf.machine]}` : undefined;
  return `an ${machineName(elf.machine)} program on this ${machineName(HOST_MACHINE)} host: give the root file system it runs on with --sysroot DIR`
    + (cross && existsSync(posix.join(cross, 'lib')) ? ` (Debian's cross libraries: --sysroot ${cross})` : '');
}

/** Loads and decodes one ELF file at PATH inside FS (`path` resolved to its canonical form first). */
export function loadElfFrom(fs: RootFs, path: string): LoadedElf {
  const canonical = resolveInRootFs(fs, path);
  if (canonical === undefined) throw new UkportError('not-found', `not in ${fs.label}`, path);
  const buf = fs.readFile(canonical);
  const elf = parseElf(buf, canonical);
  return { path: canonical, hostPath: fs.hostPath(canonical) ?? `${fs.label}:${canonical}`, elf, decoded: describeElf(elf, contentHash(buf)) };
}

/** Loads and decodes one ELF file from the host path. */
export function loadElf(hostPath: string, path = hostPath): LoadedElf {
  let identity: FileIdentity | undefined;
  const buf = readBounded(hostPath, undefined, (id) => { identity = id; });
  const elf = parseElf(buf, path);
  return { path, hostPath, elf, decoded: describeElf(elf, contentHash(buf)), identity };
}

/** The identity of a file's contents (graph cache key, `sha256` in reports). */
function contentHash(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Drops the contents of LIB (loaded from a host path) from memory; they are read again when next needed and
 * must hash as before, else the read fails with `unreadable` (the file changed while being scanned).
 */
export function releaseContents(lib: LoadedElf): void {
  const { identity } = lib;
  lib.elf.release(() => {
    const buf = readBounded(lib.hostPath);
    if (contentHash(buf) !== lib.decoded.info.sha256) throw new UkportError('unreadable', 'file changed while being scanned', lib.hostPath);
    return buf;
  }, identity ? (offset, length) => readRange(lib.hostPath, offset, length, identity) : undefined);
}

function defaultDirs(elf: ElfFile): string[] {
  const ma = MULTIARCH[elf.machine];
  const lib = elf.class === 64 && elf.machine === EM_X86_64 ? ['/lib64', '/usr/lib64'] : [];
  return [...(ma ? [`/lib/${ma}`, `/usr/lib/${ma}`] : []), ...lib, '/lib', '/usr/lib'];
}

function expandOrigin(dir: string, origin: string, elf: ElfFile): string {
  const lib = elf.class === 64 && elf.machine === EM_X86_64 ? 'lib64' : 'lib';
  return dir.replace(/\$(\{ORIGIN\}|ORIGIN)/g, origin).replace(/\$(\{LIB\}|LIB)/g, lib)
    .replace(/\$(\{PLATFORM\}|PLATFORM)/g, elf.machine === EM_X86_64 ? 'x86_64' : 'aarch64');
}

/**
 * Resolves DT_NEEDED (and PT_INTERP) recursively the way ld.so does: DT_RPATH (when no DT_RUNPATH, up the
 * loader chain), DT_RUNPATH, ld.so.cache, then default and multiarch directories; `$ORIGIN` expanded.
 * Everything is looked up inside the sysroot; symlinks cannot leave it.
 */
export function resolveLibraries(mains: LoadedElf[], options: ResolveOptions = {}): LibraryClosure {
  const r = makeResolver(options);
  return r.closeOver(mains.map((obj) => ({ obj, chain: [] })), mains);
}

/** Where dlopen(NAME) called from FROM finds its library, and that library's own closure (its DT_NEEDED). */
export interface DlopenResolution {
  lib?: LoadedElf;
  via?: string;
  /** The library itself and everything it needs, as edges and libraries. */
  closure: LibraryClosure;
}

/**
 * Resolves dlopen(NAME) made by code of FROM in the program MAIN the way ld.so does: a name with a slash is a
 * path (absolute only: a relative one depends on the working directory), else DT_RPATH of FROM and MAIN (when
 * FROM has no DT_RUNPATH), DT_RUNPATH of FROM, ld.so.cache, the default directories. LD_LIBRARY_PATH is the
 * environment's and not followed.
 */
export function resolveDlopen(name: string, from: LoadedElf, main: LoadedElf, options: ResolveOptions = {}): DlopenResolution {
  const r = makeResolver(options);
  if (name.includes('/') && !name.startsWith('/')) return { closure: r.closure };
  const hit = r.find(name, from, from === main ? [] : [main]);
  r.closure.edges.push({ from: from.path, soname: name, resolved: hit?.lib.path, via: hit ? `dlopen, ${hit.via}` : undefined });
  if (!hit) return { closure: r.closure };
  r.closure.libraries.set(hit.lib.path, hit.lib);
  r.closeOver([{ obj: hit.lib, chain: from === main ? [main] : [from, main] }], [main]);
  return { lib: hit.lib, via: hit.via, closure: r.closure };
}

/** The search rules of ld.so over one root, filling one closure. */
function makeResolver(options: ResolveOptions) {
  const root = options.sysroot ?? '/';
  const fs = options.rootFs;
  const inRoot = (p: string): string | undefined => (fs ? resolveInRootFs(fs, p) : resolveInRoot(root, p));
  const cache = fs ? readFsLdCache(fs) : readHostLdCache(inRoot);
  const loaded = options.loaded ?? new Map<string, LoadedElf | null>();
  const closure: LibraryClosure = { edges: [], libraries: new Map(), unresolved: [], problems: [] };
  const maxLibraries = options.maxLibraries ?? 10_000;

  const tryCandidate = (candidate: string, want: ElfFile): LoadedElf | undefined => {
    let host: string | undefined;
    try {
      host = inRoot(candidate);
    } catch (e) {
      if (!(e instanceof UkportError)) throw e;
      closure.problems.push(e);
      return undefined;
    }
    if (!host) return undefined;
    const display = fs ? host : root === '/' ? host : '/' + posix.relative(root, host);
    if (!loaded.has(host)) {
      try {
        loaded.set(host, fs ? loadElfFrom(fs, host) : loadElf(host, display));
      } catch (e) {
        loaded.set(host, null);
        if (e instanceof UkportError && e.code !== 'not-found' && e.code !== 'unsupported-input') closure.problems.push(e);
      }
    }
    const l = loaded.get(host);
    // ld.so skips candidates of another class or machine and keeps searching.
    if (!l || l.elf.class !== want.class || l.elf.machine !== want.machine) return undefined;
    return l;
  };

  // $ORIGIN of an object given by a relative path (`ukport scan ./app` on the host) is its absolute directory
  const dirOf = (o: LoadedElf): string => (!fs && root === '/' && !o.path.startsWith('/') ? posix.resolve(posix.dirname(o.path)) : posix.dirname(o.path));
  const find = (soname: string, obj: LoadedElf, chain: LoadedElf[]): { lib: LoadedElf; via: string } | undefined => {
    if (soname.includes('/')) {
      const p = soname.startsWith('/') ? soname : posix.join(dirOf(obj), soname);
      const lib = tryCandidate(p, obj.elf);
      return lib && { lib, via: 'path' };
    }
    const search = (dirs: string[], origin: LoadedElf, via: string) => {
      for (const d of dirs) {
        const lib = tryCandidate(posix.join(expandOrigin(d, dirOf(origin), origin.elf), soname), obj.elf);
        if (lib) return { lib, via };
      }
      return undefined;
    };
    if (obj.decoded.info.runpath.length === 0) {
      for (const o of [obj, ...chain]) {
        if (o.decoded.info.runpath.length > 0) continue;
        const hit = search(o.decoded.info.rpath, o, 'rpath');
        if (hit) return hit;
      }
    }
    const hit = search(obj.decoded.info.runpath, obj, 'runpath');
    if (hit) return hit;
    for (const p of cache.get(soname) ?? []) {
      const lib = tryCandidate(p, obj.elf);
      if (lib) return { lib, via: 'ld.so.cache' };
    }
    return search(defaultDirs(obj.elf), obj, 'default');
  };

  /** Follows PT_INTERP and DT_NEEDED from the queued objects; MAINS are never listed as libraries. */
  const closeOver = (queue: { obj: LoadedElf; chain: LoadedElf[] }[], mains: LoadedElf[]): LibraryClosure => {
    const expanded = new Set<string>();
    while (queue.length > 0) {
      const { obj, chain } = queue.shift()!;
      if (expanded.has(obj.hostPath)) continue;
      expanded.add(obj.hostPath);
      const info = obj.decoded.info;
      const wants = [...(info.interpreter ? [info.interpreter] : []), ...info.needed];
      for (const soname of wants) {
        const hit = find(soname, obj, chain);
        closure.edges.push({ from: obj.path, soname, resolved: hit?.lib.path, via: hit ? (soname === info.interpreter ? 'interp' : hit.via) : undefined });
        if (!hit) {
          const hint = options.sysroot || fs ? undefined : foreignMachineHint(obj.elf);
          closure.unresolved.push({ from: obj.path, soname, ...(hint ? { hint } : {}) });
          continue;
        }
        if (!closure.libraries.has(hit.lib.path) && !mains.includes(hit.lib)) {
          if (closure.libraries.size >= maxLibraries) throw new UkportError('limit-exceeded', `more than ${maxLibraries} libraries`, obj.path);
          closure.libraries.set(hit.lib.path, hit.lib);
        }
        queue.push({ obj: hit.lib, chain: [obj, ...chain] });
      }
    }
    return closure;
  };
  return { closure, find, closeOver };
}

/** ld.so.cache of a host directory root; missing, unreadable or a symlink loop is an empty map, as for ld.so. */
function readHostLdCache(inRoot: (p: string) => string | undefined): Map<string, string[]> {
  try {
    const path = inRoot('/etc/ld.so.cache');
    if (!path) return new Map();
    // read again only when the file changed (a system scan resolves thousands of names)
    noteStat(path);
    const st = statSync(path);
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    const hit = hostLdCaches.get(path);
    if (hit && hit.stamp === stamp) return hit.cache;
    const cache = readLdCache(path);
    if (hostLdCaches.size >= 8) hostLdCaches.clear();
    hostLdCaches.set(path, { stamp, cache });
    return cache;
  } catch (e) {
    if (e instanceof UkportError || (e as NodeJS.ErrnoException).code !== undefined) return new Map();
    throw e;
  }
}
const hostLdCaches = new Map<string, { stamp: string; cache: Map<string, string[]> }>();

/** ld.so.cache inside a RootFs; missing or unreadable is an empty map, as for ld.so. */
function readFsLdCache(fs: RootFs): Map<string, string[]> {
  try {
    const p = resolveInRootFs(fs, '/etc/ld.so.cache');
    return p ? parseLdCache(fs.readFile(p, 64 * 1024 * 1024)) : new Map();
  } catch {
    return new Map();
  }
}
