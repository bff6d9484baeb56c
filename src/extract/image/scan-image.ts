import { posix } from 'node:path';
import type { Artifact, Fact } from '../../model/index.js';
import { UkportError } from '../../errors.js';
import { openImage, type ContainerImage, type ImageLimits } from '../../inputs/image/open-image.js';
import { resolveEntrypoint, type ResolvedEntrypoint } from '../../inputs/image/entrypoint.js';
import { classifyFile } from '../../inputs/classify.js';
import { walkImageDir } from '../../inputs/image/walk-image.js';
import { scriptFacts } from '../script-facts.js';
import { loadElfFrom, resolveLibraries, unresolvedLibraryFact, type LibraryClosure, type LoadedElf } from '../elf/resolve-libraries.js';
import { elfFacts } from '../elf/facts.js';

/** What one container image contributes: its files as artifacts, the main ELF, its library closure inside the image. */
export interface ImageScan {
  image: ContainerImage;
  entrypoint: ResolvedEntrypoint;
  artifacts: Artifact[];
  mains: LoadedElf[];
  closure: LibraryClosure;
  facts: Fact[];
}

/** Facts of a closure: resolved paths on library facts, unresolved libraries and unreadable candidates as unknowns. */
export function closureFacts(closure: LibraryClosure, facts: Fact[]): Fact[] {
  const out: Fact[] = [];
  const byEdge = new Map<string, Fact>();
  for (const f of facts) if (f.kind === 'library') byEdge.set(`${f.neededBy[0]}\0${f.soname}`, f);
  for (const edge of closure.edges) {
    const lib = byEdge.get(`${edge.from}\0${edge.soname}`);
    if (lib && lib.kind === 'library' && edge.resolved) lib.resolvedPath = edge.resolved;
  }
  for (const u of closure.unresolved) {
    out.push(unresolvedLibraryFact(u));
  }
  for (const p of closure.problems) {
    out.push({ kind: 'unknown', reason: 'bad-file', message: p.message, evidence: [{ artifact: p.path ?? '', extractor: 'elf.resolve', detail: p.code }] });
  }
  return out;
}

/**
 * Opens the image at PATH read-only, picks the program it runs (Entrypoint/Cmd, PATH, WorkingDir, `#!`) and
 * resolves every library that program needs inside the image. Evidence names the layer of each file.
 */
export async function scanImage(path: string, limits: ImageLimits = {}): Promise<ImageScan> {
  const image = await openImage(path, limits);
  const fs = image.root;
  const entrypoint = resolveEntrypoint(fs, image.config);
  const layerOf = (p: string): string | undefined => fs.lstat(p)?.layer;
  const artifact = (p: string, role: Artifact['role'], kind: Artifact['kind']): Artifact => {
    const layer = layerOf(p);
    return { path: p, kind, size: fs.lstat(p)?.size ?? 0, root: path, image: image.name, role, ...(layer ? { layer } : {}) };
  };
  const artifacts: Artifact[] = [];
  const facts: Fact[] = [];
  const mains: LoadedElf[] = [];
  for (const step of entrypoint.chain) {
    const kind = step.kind === 'elf' ? 'elf' : classifyFile(step.path, Buffer.alloc(0));
    artifacts.push(artifact(step.path, step.kind === 'elf' ? 'entrypoint' : 'script', kind === 'other' ? 'other' : kind));
  }
  if (entrypoint.problem) {
    facts.push({ kind: 'unknown', reason: 'bad-file', message: `image ${image.name}: ${entrypoint.problem}`, evidence: [{ artifact: path, extractor: 'image.entrypoint', detail: entrypoint.argv.join(' ') }] });
  }
  if (entrypoint.main) {
    try {
      mains.push(loadElfFrom(fs, entrypoint.main));
    } catch (e) {
      if (!(e instanceof UkportError)) throw e;
      facts.push({ kind: 'unknown', reason: 'bad-file', message: e.message, evidence: [{ artifact: entrypoint.main, extractor: 'image.entrypoint', detail: e.code }] });
    }
  }
  // An interpreted app: its sources and compiled modules below WorkingDir are part of what the image runs.
  const interpreted = entrypoint.chain.some((s) => s.kind === 'script') || /python|node/.test(posix.basename(entrypoint.main ?? ''));
  if (interpreted && image.config.workingDir !== '/') {
    const known = new Set(artifacts.map((a) => a.path));
    const walked = walkImageDir(fs, image.config.workingDir);
    if (walked.stoppedAfter !== undefined) {
      facts.push({ kind: 'unknown', reason: 'limit-exceeded', message: `image ${image.name}: the walk of WorkingDir ${image.config.workingDir} stopped after ${walked.stoppedAfter} entries; files after them are not analysed`, evidence: [{ artifact: path, extractor: 'image.app', detail: 'walk-entries' }] });
    }
    for (const f of walked.files) {
      if (known.has(f.path)) continue;
      artifacts.push(artifact(f.path, 'app', f.kind));
      if (f.kind !== 'elf') continue;
      try {
        mains.push(loadElfFrom(fs, f.path));
      } catch (e) {
        if (!(e instanceof UkportError)) throw e;
        facts.push({ kind: 'unknown', reason: 'bad-file', message: e.message, evidence: [{ artifact: f.path, extractor: 'image.app', detail: e.code }] });
      }
    }
  }
  for (const m of mains) facts.push(...elfFacts(m));
  facts.push(...scriptFacts(artifacts.filter((a) => a.role === 'script' || a.role === 'app'), mains, { rootFs: fs }));
  const closure = resolveLibraries(mains, { rootFs: fs });
  for (const lib of closure.libraries.values()) artifacts.push(artifact(lib.path, 'library', 'elf'));
  facts.push(...closureFacts(closure, facts));
  const scan = { image, entrypoint, artifacts, mains, closure, facts };
  annotateLayers(facts, scan);
  return scan;
}

/** Adds the image layer to evidence whose artifact is a file of the image. */
export function annotateLayers(facts: Fact[], scan: ImageScan): Fact[] {
  for (const f of facts) for (const e of f.evidence) {
    const layer = e.artifact.startsWith('/') && !e.layer ? scan.image.root.lstat(e.artifact)?.layer : undefined;
    if (layer) e.layer = layer;
  }
  return facts;
}
