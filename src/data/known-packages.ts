import { readFileSync } from 'node:fs';
import { UkportError } from '../errors.js';

/** A Unikraft port that builds a Python package into lib-python3 (lib-python-pillow). */
export interface PackagePort {
  repo: string;
  kconfig: string;
  version: string;
  tag?: string;
  commit?: string;
}

/** What ukport knows about one package without seeing it installed. */
export interface KnownPackage {
  /** Python: top-level modules (or dotted, `google.protobuf`) it provides; absent for npm (the package's own name). */
  imports?: string[];
  native: boolean;
  /** Native code is optional: the package falls back to pure Python without it. */
  pureFallback?: boolean;
  /** lib-python3 option that registers its extension modules (CONFIG_LIBPYTHON3_EXTENSION_PILLOW). */
  libPython3?: string;
  port?: PackagePort;
  /** Features the port builds only when a library's Kconfig symbol is on: symbol → feature (`LIBJPEG` → `JPEG`). */
  portFeatures?: Record<string, string>;
  /** npm: shared libraries its addon needs beyond libc. */
  nativeLibraries?: string[];
  why?: string;
}

/** syscall-tables/python-packages.json or node-packages.json. */
export interface KnownPackages {
  description: string;
  source: string;
  packages: Record<string, KnownPackage>;
}

/** syscall-tables/python-stdlib.json: the standard library's top-level module names. */
export interface PythonStdlib {
  description: string;
  source: string;
  modules: string[];
}

const here = (f: string) => new URL(`../../syscall-tables/${f}`, import.meta.url).pathname;
/** The shipped tables beside the code (same relative spot from src/data and dist/data). */
export const DEFAULT_PACKAGE_TABLES = { python: here('python-packages.json'), node: here('node-packages.json'), pythonStdlib: here('python-stdlib.json') };

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UkportError('bad-table', (e as Error).message, path);
  }
}

/** Loads a known-packages table; a malformed one is a bad-table error. */
export function loadKnownPackages(path: string): KnownPackages {
  const t = readJson(path) as KnownPackages;
  if (typeof t?.packages !== 'object' || t.packages === null) throw new UkportError('bad-table', 'no "packages" object', path);
  for (const [name, p] of Object.entries(t.packages)) {
    if (typeof p?.native !== 'boolean') throw new UkportError('bad-table', `${name}: "native" must be true or false`, path);
    if (p.imports !== undefined && (!Array.isArray(p.imports) || p.imports.some((i) => typeof i !== 'string'))) throw new UkportError('bad-table', `${name}: "imports" must be a list of names`, path);
  }
  return t;
}

/** Loads the Python standard-library module list. */
export function loadPythonStdlib(path = DEFAULT_PACKAGE_TABLES.pythonStdlib): Set<string> {
  const t = readJson(path) as PythonStdlib;
  if (!Array.isArray(t?.modules) || t.modules.some((m) => typeof m !== 'string')) throw new UkportError('bad-table', 'no "modules" list', path);
  return new Set(t.modules);
}
