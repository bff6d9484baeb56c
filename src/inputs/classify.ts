import { basename, extname } from 'node:path';
import type { ArtifactKind } from '../model/index.js';

const BY_EXTENSION: Record<string, ArtifactKind> = {
  '.c': 'c-source', '.h': 'c-header', '.py': 'python', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescript', '.jsx': 'javascript',
};

/** Classifies a file by its leading bytes, then by its name. */
export function classifyFile(path: string, head: Buffer): ArtifactKind {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return 'elf';
  if (basename(path) === 'compile_commands.json') return 'compile-db';
  // ustar magic at offset 257 marks a tar archive (docker save / OCI layout tar).
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'container-image';
  // a gzip-compressed image archive (`docker save | gzip`) is known by its name only
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b && /\.(tar\.gz|tgz)$/i.test(path)) return 'container-image';
  return BY_EXTENSION[extname(path).toLowerCase()] ?? 'other';
}

/** Bytes to read to classify a file (tar magic sits at 257). */
export const CLASSIFY_HEAD_BYTES = 264;
