import { basename, extname } from 'node:path';
import type { ArtifactKind } from '../model/index.js';

const BY_EXTENSION: Record<string, ArtifactKind> = {
  '.c': 'c-source', '.h': 'c-header', '.py': 'python', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescript', '.jsx': 'javascript',
};

// Package manifests, lock files and installed-package metadata (Python and npm).
const MANIFEST_NAMES = new Set(['pyproject.toml', 'Pipfile', 'Pipfile.lock', 'poetry.lock', 'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'binding.gyp']);
const DIST_INFO_FILES = new Set(['METADATA', 'PKG-INFO', 'RECORD', 'top_level.txt']);

/** Whether PATH is a package manifest, lock file or installed-package metadata file. */
export function isPackageManifest(path: string): boolean {
  const name = basename(path);
  if (MANIFEST_NAMES.has(name) || /^(requirements|constraints)[\w.-]*\.(txt|in)$/i.test(name)) return true;
  const parent = basename(path.slice(0, Math.max(0, path.length - name.length - 1)));
  if (DIST_INFO_FILES.has(name) && /\.(dist-info|egg-info)$/.test(parent)) return true;
  return parent === 'requirements' && /\.(txt|in)$/.test(name);
}

/** Classifies a file by its leading bytes, then by its name. */
export function classifyFile(path: string, head: Buffer): ArtifactKind {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return 'elf';
  if (basename(path) === 'compile_commands.json') return 'compile-db';
  // ustar magic at offset 257 marks a tar archive (docker save / OCI layout tar).
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'container-image';
  // a gzip-compressed image archive (`docker save | gzip`) is known by its name only
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b && /\.(tar\.gz|tgz)$/i.test(path)) return 'container-image';
  const byExt = BY_EXTENSION[extname(path).toLowerCase()];
  if (byExt) return byExt;
  return isPackageManifest(path) ? 'package-manifest' : 'other';
}

/** Bytes to read to classify a file (tar magic sits at 257). */
export const CLASSIFY_HEAD_BYTES = 264;
