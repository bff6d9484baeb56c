import { basename, dirname, join, sep } from 'node:path';
import type { Artifact, Fact, PackageFact } from '../../model/index.js';
import type { MeasureTree } from '../../inputs/tree-size.js';
import { packageKey } from '../merge-facts.js';
import { parseRequirements } from './requirements.js';
import { readDistMetadata, readPipfile, readPipfileLock, readPoetryLock, readPyproject, readRecord, readTopLevel, type DeclaredDependency, type ManifestRead } from './manifests.js';

/** Reads a file's text (bounded); undefined when it could not be read (the reader records why). */
export type ReadText = (path: string) => string | undefined;

/** An installed distribution: a `*.dist-info` or `*.egg-info` directory and the site-packages it is in. */
export interface InstalledDist {
  name: string;
  version?: string;
  /** The site-packages (or dist-packages) directory. */
  root: string;
  infoDir: string;
  /** Top-level modules it installs (`PIL`). */
  topLevel: string[];
  bytes: number;
  files: number;
}

const SITE = /^(?:site|dist)-packages$/;

/** The site-packages (dist-packages) directory PATH lies in, when any. */
export function sitePackagesRoot(path: string): string | undefined {
  const parts = path.split(sep);
  for (let i = parts.length - 2; i >= 0; i--) if (SITE.test(parts[i]!)) return parts.slice(0, i + 1).join(sep);
  return undefined;
}

/** `Pillow-9.4.0.egg-info` → name and version (when the metadata file is missing). */
function nameFromInfoDir(dir: string): { name: string; version?: string } {
  const m = /^(.+?)-(\d[^-]*?)(?:-py\d[\d.]*)?\.(?:dist|egg)-info$/.exec(basename(dir));
  return m ? { name: m[1]!, version: m[2]! } : { name: basename(dir).replace(/\.(dist|egg)-info$/, '') };
}

/** Modules named by RECORD paths: first components that are not metadata, scripts or caches. */
function topLevelFromRecord(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const first = p.split('/')[0]!;
    if (first === '..' || first === '__pycache__' || /\.(dist|egg)-info$/.test(first) || first.endsWith('.pth') || first.endsWith('.data')) continue;
    out.add(first.replace(/\.(?:cpython-[^.]*|abi3)?\.?(py|so|pyd)$/, '').replace(/\.$/, ''));
  }
  return [...out].filter(Boolean).sort();
}

/** Installed distributions from the metadata files among the inputs, grouped by their info directory. */
export function readInstalledDists(manifests: Artifact[], read: ReadText, measureTree: MeasureTree): InstalledDist[] {
  const byDir = new Map<string, Map<string, string>>();
  for (const a of manifests) {
    const dir = dirname(a.path);
    if (!/\.(dist|egg)-info$/.test(dir)) continue;
    const files = byDir.get(dir) ?? new Map<string, string>();
    byDir.set(dir, files);
    files.set(basename(a.path), a.path);
  }
  const out: InstalledDist[] = [];
  for (const [infoDir, files] of [...byDir].sort(([a], [b]) => a.localeCompare(b))) {
    const metaPath = files.get('METADATA') ?? files.get('PKG-INFO');
    const meta = metaPath ? readDistMetadata(read(metaPath) ?? '') : {};
    const fallback = nameFromInfoDir(infoDir);
    const recordPath = files.get('RECORD');
    const record = recordPath ? readRecord(read(recordPath) ?? '') : [];
    const topPath = files.get('top_level.txt');
    const topLevel = topPath ? readTopLevel(read(topPath) ?? '') : topLevelFromRecord(record.map((r) => r.path));
    const root = dirname(infoDir);
    let bytes = 0;
    let count = 0;
    if (record.length > 0 && record.every((r) => r.size !== undefined || r.path.endsWith('RECORD') || r.path.endsWith('.pyc'))) {
      for (const r of record) { bytes += r.size ?? 0; count++; }
    } else {
      // no sizes recorded (egg-info): measure what it installs (package directories, single-file modules, extension modules)
      for (const t of topLevel) {
        const m = measureTree(join(root, t.split('.')[0]!));
        const single = measureTree(join(root, `${t}.py`));
        bytes += m.bytes + single.bytes; count += m.files + single.files;
      }
      const info = measureTree(infoDir);
      bytes += info.bytes; count += info.files;
    }
    out.push({ name: meta.name ?? fallback.name, ...(meta.version ?? fallback.version ? { version: meta.version ?? fallback.version } : {}), root, infoDir, topLevel, bytes, files: count });
  }
  return out;
}

const REQUIREMENTS = /^(requirements|constraints)[\w.-]*\.(txt|in)$/i;
const MAX_INCLUDE_DEPTH = 8;

/** A dependency as declared, with the manifest that declares it. */
export interface Declared extends DeclaredDependency {
  file: string;
}

/**
 * Dependencies the app's manifests declare: requirements files (following `-r` includes, not `-c` constraints),
 * pyproject.toml, Pipfile, Pipfile.lock, poetry.lock. Manifests inside site-packages belong to installed packages and
 * are not the app's. A manifest that cannot be read gives a problem, never an exception.
 */
export function readDeclaredPython(manifests: Artifact[], read: ReadText): { declared: Declared[]; problems: { file: string; line?: number; message: string }[] } {
  const declared: Declared[] = [];
  const problems: { file: string; line?: number; message: string }[] = [];
  const seen = new Set<string>();
  const requirementsFile = (path: string, depth: number): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = read(path);
    if (text === undefined) return;
    const r = parseRequirements(text);
    for (const q of r.requirements) declared.push({ ...q, file: path });
    for (const p of r.problems) problems.push({ file: path, line: p.line, message: `not a requirement: ${p.text.slice(0, 80)}` });
    for (const inc of r.includes) {
      if (inc.constraints) continue;
      if (depth >= MAX_INCLUDE_DEPTH) { problems.push({ file: path, line: inc.line, message: `-r ${inc.file}: includes nested deeper than ${MAX_INCLUDE_DEPTH}` }); continue; }
      requirementsFile(join(dirname(path), inc.file), depth + 1);
    }
  };
  const other = (path: string, parse: (t: string) => ManifestRead): void => {
    const text = read(path);
    if (text === undefined) return;
    const r = parse(text);
    for (const d of r.dependencies) declared.push({ ...d, file: path });
    if (r.problem) problems.push({ file: path, message: r.problem });
  };
  for (const a of manifests) {
    if (sitePackagesRoot(a.path) || /\/node_modules\//.test(a.path)) continue;
    const name = basename(a.path);
    if (REQUIREMENTS.test(name) || (basename(dirname(a.path)) === 'requirements' && /\.(txt|in)$/.test(name))) {
      if (!/^constraints/i.test(name)) requirementsFile(a.path, 0);
    } else if (name === 'pyproject.toml') other(a.path, readPyproject);
    else if (name === 'Pipfile') other(a.path, readPipfile);
    else if (name === 'Pipfile.lock') other(a.path, readPipfileLock);
    else if (name === 'poetry.lock') other(a.path, readPoetryLock);
  }
  return { declared, problems };
}

/** PackageFacts of the declared and installed Python distributions. */
export function pythonPackageFacts(declared: Declared[], installed: InstalledDist[]): Fact[] {
  const facts: PackageFact[] = [];
  for (const d of declared) {
    facts.push({
      kind: 'package', ecosystem: 'python', name: d.name, sources: [d.locked ? 'lock' : 'declared'], ...(d.locked ? {} : { direct: true }),
      ...(d.version ? { version: d.version } : {}), ...(d.spec ? { specs: [d.spec] } : {}), ...(d.extras.length ? { extras: d.extras } : {}),
      evidence: [{ artifact: d.file, extractor: 'python.manifest', location: { file: d.file, line: d.line, column: 1 }, detail: `${d.name}${d.extras.length ? `[${d.extras.join(',')}]` : ''}${d.spec}${d.marker ? `; ${d.marker}` : ''}` }],
    });
  }
  for (const d of installed) {
    facts.push({
      kind: 'package', ecosystem: 'python', name: d.name, sources: ['installed'], ...(d.version ? { version: d.version } : {}),
      provides: d.topLevel, installed: { path: d.infoDir, bytes: d.bytes, files: d.files },
      evidence: [{ artifact: d.infoDir, extractor: 'python.installed', detail: `${d.name} ${d.version ?? ''} in ${d.root}`.trim() }],
    });
  }
  return facts;
}

/** Same distribution? (PEP 503 normalised names) */
export function sameDist(a: string, b: string): boolean {
  return packageKey('python', a) === packageKey('python', b);
}
