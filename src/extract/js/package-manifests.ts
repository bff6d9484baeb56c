/** What one package.json says: the package itself and what it depends on. */
export interface PackageJson {
  name?: string;
  version?: string;
  /** Runtime dependencies (`dependencies`, `optionalDependencies`) with their ranges; not devDependencies. */
  dependencies: { name: string; spec: string; optional: boolean }[];
  /** Why this package builds or loads a compiled addon (gypfile, install script, addon loader dependency). */
  nativeEvidence: string[];
}

/** One package a package-lock.json pins. */
export interface LockedPackage {
  name: string;
  version?: string;
  /** `hasInstallScript` (lockfile v2+): npm runs its install script, usually node-gyp or a prebuilt-addon download. */
  installScript: boolean;
  optional: boolean;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

// Packages whose only purpose is building or loading a compiled addon.
const ADDON_TOOLS = ['node-gyp-build', 'node-gyp', 'prebuild-install', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'node-addon-api', 'nan', 'bindings', 'cmake-js', 'prebuildify'];
const ADDON_SCRIPT = /\b(node-gyp(?:-build)?|prebuild-install|node-pre-gyp|cmake-js)\b/;

function parseJson(text: string): { doc?: Table; problem?: string } {
  try {
    const doc: unknown = JSON.parse(text);
    return isTable(doc) ? { doc } : { problem: 'not a JSON object' };
  } catch (e) {
    return { problem: `not valid JSON: ${(e as Error).message}` };
  }
}

/** Reads a package.json; a malformed one gives a problem instead. */
export function readPackageJson(text: string): { pkg?: PackageJson; problem?: string } {
  const { doc, problem } = parseJson(text);
  if (!doc) return { problem: problem! };
  const deps: PackageJson['dependencies'] = [];
  for (const [field, optional] of [['dependencies', false], ['optionalDependencies', true]] as const) {
    const d = doc[field];
    if (isTable(d)) for (const [name, spec] of Object.entries(d)) deps.push({ name, spec: typeof spec === 'string' ? spec : '', optional });
  }
  const evidence: string[] = [];
  if (doc.gypfile === true) evidence.push('gypfile');
  const scripts = isTable(doc.scripts) ? doc.scripts : {};
  for (const s of ['preinstall', 'install', 'postinstall']) {
    const cmd = scripts[s];
    const tool = typeof cmd === 'string' ? ADDON_SCRIPT.exec(cmd)?.[1] : undefined;
    if (tool) evidence.push(`${s} script runs ${tool}`);
  }
  for (const d of deps) if (ADDON_TOOLS.includes(d.name)) evidence.push(`dependency ${d.name}`);
  if (isTable(doc.binary) && typeof doc.binary.module_name === 'string') evidence.push('node-pre-gyp binary');
  return {
    pkg: {
      ...(typeof doc.name === 'string' ? { name: doc.name } : {}),
      ...(typeof doc.version === 'string' ? { version: doc.version } : {}),
      dependencies: deps,
      nativeEvidence: [...new Set(evidence)],
    },
  };
}

/** The package name of a lockfile v2+ key: `node_modules/a/node_modules/@s/b` → `@s/b`. */
function nameOfLockPath(path: string): string | undefined {
  const i = path.lastIndexOf('node_modules/');
  return i < 0 ? undefined : path.slice(i + 'node_modules/'.length) || undefined;
}

/** Reads package-lock.json / npm-shrinkwrap.json (lockfile v1 `dependencies` tree, v2/v3 `packages` map); dev packages are left out. */
export function readPackageLock(text: string): { packages: LockedPackage[]; problem?: string } {
  const { doc, problem } = parseJson(text);
  if (!doc) return { packages: [], problem: problem! };
  const out: LockedPackage[] = [];
  if (isTable(doc.packages)) {
    for (const [path, v] of Object.entries(doc.packages)) {
      const name = nameOfLockPath(path);
      if (!name || !isTable(v) || v.dev === true || v.link === true) continue;
      out.push({ name, ...(typeof v.version === 'string' ? { version: v.version } : {}), installScript: v.hasInstallScript === true, optional: v.optional === true });
    }
    return { packages: out };
  }
  // lockfile v1: nested `dependencies`, bounded depth (a hostile file may nest deeply)
  const walk = (deps: unknown, depth: number): void => {
    if (!isTable(deps) || depth > 64) return;
    for (const [name, v] of Object.entries(deps)) {
      if (!isTable(v) || v.dev === true) continue;
      out.push({ name, ...(typeof v.version === 'string' ? { version: v.version } : {}), installScript: false, optional: v.optional === true });
      walk(v.dependencies, depth + 1);
    }
  };
  if (!isTable(doc.dependencies)) return { packages: [], problem: 'neither "packages" nor "dependencies"' };
  walk(doc.dependencies, 0);
  return { packages: out };
}

/** The package a bare module specifier names: `@scope/name/sub` → `@scope/name`, `lodash/fp` → `lodash`. */
export function packageOfSpecifier(spec: string): string | undefined {
  if (/^(\.{1,2}(\/|$)|\/|[a-z]+:)/i.test(spec)) return undefined;
  const parts = spec.split('/');
  if (spec.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0] || undefined;
}
