import { parse as parseToml } from 'smol-toml';
import { parsePep508, type Requirement } from './requirements.js';

/** A dependency a Python manifest or lock file names. */
export interface DeclaredDependency extends Requirement {
  /** A lock file pins it (poetry.lock, Pipfile.lock): exact version, maybe only pulled in by another package. */
  locked?: boolean;
  /** Version a lock file pins. */
  version?: string;
}

/** Result of reading one manifest: its dependencies, or why it could not be read. */
export interface ManifestRead {
  dependencies: DeclaredDependency[];
  problem?: string;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Line of the first `name` key or string in TEXT (TOML/JSON give no positions): for evidence only. */
function lineOf(text: string, name: string): number {
  const i = text.search(new RegExp(`(^|["'\\s])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(["'\\s=\\[<>~!;]|$)`, 'm'));
  return i < 0 ? 0 : text.slice(0, i).split('\n').length + (text[i] === '\n' ? 1 : 0);
}

function tomlOrProblem(text: string): { doc?: Table; problem?: string } {
  try {
    return { doc: parseToml(text) as Table };
  } catch (e) {
    return { problem: `not valid TOML: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Poetry's `name = "^1.2"` or `name = { version = "^1.2", extras = [...], markers = "..." }`. */
function poetryDependency(name: string, v: unknown, line: number): DeclaredDependency {
  if (typeof v === 'string') return { name, extras: [], spec: v === '*' ? '' : v, line };
  const t = isTable(v) ? v : {};
  const spec = typeof t.version === 'string' && t.version !== '*' ? t.version : typeof t.git === 'string' ? `@${t.git}` : typeof t.path === 'string' ? `@${t.path}` : '';
  return { name, extras: strings(t.extras), spec, ...(typeof t.markers === 'string' ? { marker: t.markers } : {}), line };
}

/** pyproject.toml: PEP 621 `[project] dependencies` and `optional-dependencies`, Poetry's `[tool.poetry.dependencies]` (not dev groups). */
export function readPyproject(text: string): ManifestRead {
  const { doc, problem } = tomlOrProblem(text);
  if (!doc) return { dependencies: [], problem: problem! };
  const deps: DeclaredDependency[] = [];
  const bad: string[] = [];
  const project = isTable(doc.project) ? doc.project : {};
  const pep508 = (s: string) => {
    const r = parsePep508(s, lineOf(text, s.split(/[\s\[<>=!~;@(]/)[0]!));
    if (r) deps.push(r); else bad.push(s);
  };
  strings(project.dependencies).forEach(pep508);
  if (isTable(project['optional-dependencies'])) for (const list of Object.values(project['optional-dependencies'])) strings(list).forEach(pep508);
  const tool = isTable(doc.tool) ? doc.tool : {};
  const poetry = isTable(tool.poetry) ? tool.poetry : {};
  if (isTable(poetry.dependencies)) {
    for (const [name, v] of Object.entries(poetry.dependencies)) if (name.toLowerCase() !== 'python') deps.push(poetryDependency(name, v, lineOf(text, name)));
  }
  return { dependencies: deps, ...(bad.length ? { problem: `not PEP 508 requirements: ${bad.slice(0, 3).join(', ')}` } : {}) };
}

/** Pipfile (`[packages]`, not `[dev-packages]`). */
export function readPipfile(text: string): ManifestRead {
  const { doc, problem } = tomlOrProblem(text);
  if (!doc) return { dependencies: [], problem: problem! };
  const pk = isTable(doc.packages) ? doc.packages : {};
  return { dependencies: Object.entries(pk).map(([name, v]) => poetryDependency(name, v, lineOf(text, name))) };
}

/** Pipfile.lock (JSON): the `default` section's pinned packages (`develop` is for development only). */
export function readPipfileLock(text: string): ManifestRead {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { return { dependencies: [], problem: `not valid JSON: ${(e as Error).message}` }; }
  if (!isTable(doc) || !isTable(doc.default)) return { dependencies: [], problem: 'no "default" section' };
  return {
    dependencies: Object.entries(doc.default).map(([name, v]) => {
      const t = isTable(v) ? v : {};
      const version = typeof t.version === 'string' ? t.version.replace(/^==/, '') : undefined;
      return { name, extras: strings(t.extras), spec: typeof t.version === 'string' ? t.version : '', locked: true, ...(version ? { version } : {}), ...(typeof t.markers === 'string' ? { marker: t.markers } : {}), line: lineOf(text, name) };
    }),
  };
}

/** poetry.lock (TOML): every `[[package]]` with its version; packages of the `dev` category are left out. */
export function readPoetryLock(text: string): ManifestRead {
  const { doc, problem } = tomlOrProblem(text);
  if (!doc) return { dependencies: [], problem: problem! };
  const pkgs = Array.isArray(doc.package) ? doc.package.filter(isTable) : [];
  return {
    dependencies: pkgs.filter((p) => typeof p.name === 'string' && p.category !== 'dev').map((p) => ({
      name: p.name as string, extras: [], spec: typeof p.version === 'string' ? `==${p.version}` : '', locked: true,
      ...(typeof p.version === 'string' ? { version: p.version } : {}), line: lineOf(text, p.name as string),
    })),
  };
}

/** `Name:` and `Version:` of a METADATA / PKG-INFO file (RFC 822 headers before the first blank line). */
export function readDistMetadata(text: string): { name?: string; version?: string } {
  const head = text.split(/\r?\n\r?\n/, 1)[0]!;
  const field = (k: string) => new RegExp(`^${k}:[ \\t]*(.+?)\\s*$`, 'mi').exec(head)?.[1];
  const name = field('Name');
  const version = field('Version');
  return { ...(name ? { name } : {}), ...(version ? { version } : {}) };
}

/** RECORD of a .dist-info: installed files (relative to site-packages) with their sizes when recorded. */
export function readRecord(text: string): { path: string; size?: number }[] {
  const out: { path: string; size?: number }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    // path,hash,size; a path with a comma is quoted
    const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),[^,]*,(\d*)\s*$/.exec(line);
    if (!m) continue;
    const path = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!;
    out.push({ path, ...(m[3] ? { size: Number(m[3]) } : {}) });
  }
  return out;
}

/** top_level.txt: one module name per line. */
export function readTopLevel(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^[A-Za-z_][\w.]*$/.test(l));
}
