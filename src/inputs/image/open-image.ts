import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { UkportError } from '../../errors.js';
import { resolveInRoot } from '../rooted-path.js';
import { fileSource, sliceSource, type ByteSource } from './byte-source.js';
import { inflateLayer, type InflateBudget, type InflatedLayer } from './inflate-layer.js';
import { buildImageRoot, type ImageLayer, type ImageRootFs } from './image-root.js';
import { memberPath, readTar, type TarEntry } from './tar.js';

/** The parts of an image config that decide what runs. */
export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  workingDir: string;
  architecture?: string;
  os?: string;
}

/** A container image opened read-only: its merged root and config. */
export interface ContainerImage {
  /** The archive or layout directory given. */
  path: string;
  /** Tag or reference name when the archive records one. */
  name: string;
  format: 'docker-archive' | 'oci-layout';
  /** Layer digests, lowest first. */
  layers: string[];
  config: ImageConfig;
  root: ImageRootFs;
}

/** Bounds for hostile images. */
export interface ImageLimits {
  /** Bytes decompressed in all, across the archive and every layer (`--max-image-size`). */
  maxImageBytes?: number;
  /** Layer references in the manifest (`--max-layers`). */
  maxLayers?: number;
  maxEntries?: number;
}

/** Default bounds: the largest real images have a few GiB in well under 128 layers (overlayfs stacks at most 128). */
export const DEFAULT_MAX_IMAGE_BYTES = 4 * 1024 * 1024 * 1024;
export const DEFAULT_MAX_LAYERS = 256;

interface BlobStore {
  label: string;
  has(path: string): boolean;
  get(path: string): ByteSource;
}

function dirStore(dir: string): BlobStore {
  const find = (p: string): string | undefined => {
    const host = resolveInRoot(dir, p);
    if (!host) return undefined;
    try { return statSync(host).isFile() ? host : undefined; } catch { return undefined; }
  };
  return {
    label: dir,
    has: (p) => find(p) !== undefined,
    get(p) {
      const host = find(p);
      if (!host) throw new UkportError('bad-image', `${p} missing from the image layout`, dir);
      return fileSource(host);
    },
  };
}

async function tarStore(path: string, limits: ImageLimits, budget: InflateBudget): Promise<BlobStore> {
  // `docker save | gzip > image.tar.gz`: the whole archive is gzip, inflated into a temporary file within the budget
  const outer = (await inflateLayer(fileSource(path), budget)).source;
  const members = new Map<string, TarEntry>();
  for (const e of readTar(outer, { maxEntries: limits.maxEntries })) {
    const p = memberPath(e.name);
    if (p === undefined) continue;
    if (e.type === 'file') members.set(p, e);
    else if (e.type === 'hardlink') {
      const t = memberPath(e.linkname);
      const target = t === undefined ? undefined : members.get(t);
      if (target) members.set(p, target);
    }
  }
  // Symlinked members (docker save links duplicate layers) are followed inside the archive only.
  const find = (p: string): TarEntry | undefined => members.get(memberPath(p) ?? '');
  return {
    label: path,
    has: (p) => find(p) !== undefined,
    get(p) {
      const e = find(p);
      if (!e) throw new UkportError('bad-image', `${p} missing from the archive`, path);
      return sliceSource(outer, e.dataOffset, e.size, `${path}:${p}`);
    },
  };
}

function readJson(store: BlobStore, p: string): unknown {
  const src = store.get(p);
  if (src.size > 16 * 1024 * 1024) throw new UkportError('limit-exceeded', `${p} is ${src.size} bytes`, store.label);
  try {
    return JSON.parse(src.read(0, src.size).toString('utf8'));
  } catch (e) {
    throw new UkportError('bad-image', `${p}: ${(e as Error).message}`, store.label);
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function blobPath(digest: unknown, label: string): string {
  if (typeof digest !== 'string' || !/^[a-z0-9]+:[a-fA-F0-9]{32,}$/.test(digest)) throw new UkportError('bad-image', `bad digest ${JSON.stringify(digest)}`, label);
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

function configOf(raw: unknown): ImageConfig {
  const top = obj(raw);
  const c = obj(top.config);
  const env: Record<string, string> = {};
  for (const kv of strs(c.Env)) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return {
    entrypoint: strs(c.Entrypoint), cmd: strs(c.Cmd), env, workingDir: typeof c.WorkingDir === 'string' && c.WorkingDir ? c.WorkingDir : '/',
    ...(typeof top.architecture === 'string' ? { architecture: top.architecture } : {}),
    ...(typeof top.os === 'string' ? { os: top.os } : {}),
  };
}

/** Picks the image manifest from an OCI index: linux/amd64 first, then the first one; nested indexes followed. */
function ociManifest(store: BlobStore, index: Json, depth = 0): { manifest: Json; name?: string } {
  if (depth > 4) throw new UkportError('bad-image', 'image indexes nested too deeply', store.label);
  const list = Array.isArray(index.manifests) ? index.manifests.map(obj) : [];
  if (list.length === 0) throw new UkportError('bad-image', 'index lists no manifests', store.label);
  const plat = (m: Json) => obj(m.platform);
  const pick = list.find((m) => plat(m).os === 'linux' && plat(m).architecture === 'amd64') ?? list[0]!;
  const name = obj(pick.annotations)['org.opencontainers.image.ref.name'];
  const blob = obj(readJson(store, blobPath(pick.digest, store.label)));
  if (Array.isArray(blob.manifests)) return ociManifest(store, blob, depth + 1);
  return { manifest: blob, ...(typeof name === 'string' ? { name } : {}) };
}

/**
 * Opens a `docker save` archive or an OCI image layout (directory or tar) without extracting anything:
 * layers are indexed in order into a read-only virtual root.
 */
export async function openImage(path: string, limits: ImageLimits = {}): Promise<ContainerImage> {
  let isDir: boolean;
  try { isDir = statSync(path).isDirectory(); } catch { throw new UkportError('not-found', '', path); }
  const budget: InflateBudget = { max: limits.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES, used: 0 };
  const store = isDir ? dirStore(path) : await tarStore(path, limits, budget);
  let diffIds: string[] = [];
  let format: ContainerImage['format'];
  let name = basename(path);
  let config: ImageConfig;
  const layerRefs: { blob: string; blobDigest?: string }[] = [];
  if (store.has('manifest.json')) {
    format = 'docker-archive';
    const list = readJson(store, 'manifest.json');
    const m = Array.isArray(list) ? obj(list[0]) : {};
    if (typeof m.Config !== 'string') throw new UkportError('bad-image', 'manifest.json names no Config', path);
    checkLayerCount(strs(m.Layers).length, limits, path);
    const rawConfig = readJson(store, m.Config);
    config = configOf(rawConfig);
    diffIds = strs(obj(obj(rawConfig).rootfs).diff_ids);
    for (const l of strs(m.Layers)) layerRefs.push({ blob: l });
    name = strs(m.RepoTags)[0] ?? name;
  } else if (store.has('index.json') && store.has('oci-layout')) {
    format = 'oci-layout';
    const { manifest, name: ref } = ociManifest(store, obj(readJson(store, 'index.json')));
    checkLayerCount(Array.isArray(manifest.layers) ? manifest.layers.length : 0, limits, path);
    const rawConfig = readJson(store, blobPath(obj(manifest.config).digest, path));
    config = configOf(rawConfig);
    diffIds = strs(obj(obj(rawConfig).rootfs).diff_ids);
    for (const l of Array.isArray(manifest.layers) ? manifest.layers.map(obj) : []) {
      layerRefs.push({ blob: blobPath(l.digest, path), blobDigest: String(l.digest) });
    }
    if (ref) name = ref;
  } else {
    throw new UkportError('bad-image', 'neither a docker save archive (manifest.json) nor an OCI image layout (oci-layout, index.json)', path);
  }
  // the config pins the image's content: every layer's tar stream must hash to its diff_id, in order
  if (layerRefs.length !== diffIds.length) throw new UkportError('bad-image', `the manifest lists ${layerRefs.length} layers but the config's rootfs.diff_ids has ${diffIds.length}`, path);
  const read = new Map<string, InflatedLayer>(); // a blob listed twice is read once
  const layers: ImageLayer[] = [];
  for (const [i, ref] of layerRefs.entries()) {
    let got = read.get(ref.blob);
    if (!got) { got = await inflateLayer(store.get(ref.blob), budget); read.set(ref.blob, got); }
    if (ref.blobDigest !== undefined && ref.blobDigest !== got.blobDigest) throw new UkportError('bad-image', `layer ${i + 1}: blob hashes to ${got.blobDigest}, the manifest says ${ref.blobDigest}`, path);
    if (got.diffId !== diffIds[i]) throw new UkportError('bad-image', `layer ${i + 1}: its tar stream hashes to ${got.diffId}, the config's diff_id is ${diffIds[i]}`, path);
    const entries = layers.find((l) => l.source === got.source)?.entries ?? readTar(got.source, { maxEntries: limits.maxEntries });
    layers.push({ digest: ref.blobDigest ?? got.diffId, source: got.source, entries });
  }
  return { path, name, format, layers: layers.map((l) => l.digest), config, root: buildImageRoot(layers, path) };
}

/** Layer references are bounded before anything else of the manifest is read (400,000 references fit in 2 MB). */
function checkLayerCount(count: number, limits: ImageLimits, path: string): void {
  const max = limits.maxLayers ?? DEFAULT_MAX_LAYERS;
  if (count > max) throw new UkportError('limit-exceeded', `the manifest lists ${count} layers, more than ${max} (--max-layers)`, path);
}

/** Whether DIR looks like an OCI image layout (the walker hands it over whole). */
export function isOciLayoutDir(dir: string): boolean {
  try { return statSync(`${dir}/oci-layout`).isFile() && statSync(`${dir}/index.json`).isFile(); } catch { return false; }
}
