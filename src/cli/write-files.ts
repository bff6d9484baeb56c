import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UkportError } from '../errors.js';

/** What writeFilesConfined did. */
export interface WriteResult {
  written: string[];
  unchanged: string[];
}

/** Hashes of the files ukport last wrote in a directory: a file whose hash still matches was not edited by the user. */
const RECORD = '.ukport-written.json';

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function readRecord(outDir: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(readFileSync(join(outDir, RECORD), 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root + sep);
}

/** Resolves REL under OUT, refusing absolute paths, `..` escapes and symlinks anywhere on the way. */
function confine(out: string, realOut: string, rel: string): string {
  if (!rel || isAbsolute(rel) || rel.includes('\0')) throw new UkportError('path-escape', `'${rel}' is not a relative path`, out);
  const target = resolve(out, rel);
  if (!within(out, target) || target === out) throw new UkportError('path-escape', `'${rel}' leaves it`, out);
  // every existing component must be a real directory inside OUT (a symlink could point anywhere)
  let p = out;
  for (const part of relative(out, target).split(sep)) {
    p = join(p, part);
    if (!existsSync(p) && !isSymlink(p)) break;
    if (isSymlink(p)) throw new UkportError('path-escape', `'${rel}' goes through the symbolic link ${relative(out, p)}`, out);
    if (!within(realOut, realpathSync(p))) throw new UkportError('path-escape', `'${rel}' resolves outside it`, out);
  }
  return target;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Writes FILES (relative path → text or bytes) under OUTDIR, all or nothing: every path is checked first (no escapes, no
 * symlinks), a file that differs from what ukport last wrote there (the user edited it) is overwritten only with
 * `force`, and each file is written to a temporary name and renamed into place.
 */
export function writeFilesConfined(outDir: string, files: Map<string, string | Buffer>, options: { force?: boolean } = {}): WriteResult {
  const out = resolve(outDir);
  if (existsSync(out) && (isSymlink(out) || !lstatSync(out).isDirectory())) throw new UkportError('path-escape', 'the output path is a symbolic link or not a directory', outDir);
  mkdirSync(out, { recursive: true });
  const realOut = realpathSync(out);
  const record = readRecord(out);
  const plan: { rel: string; target: string; text: string | Buffer }[] = [];
  const unchanged: string[] = [];
  const edited: string[] = [];
  for (const [rel, text] of [...files].sort((a, b) => a[0].localeCompare(b[0]))) {
    const target = confine(out, realOut, rel);
    if (existsSync(target)) {
      if (!lstatSync(target).isFile()) throw new UkportError('file-exists', `${rel} exists and is not a regular file`, outDir);
      const current = readFileSync(target);
      if (current.equals(Buffer.from(text))) { unchanged.push(rel); continue; }
      if (record[rel] !== sha(current) && !options.force) edited.push(rel);
    }
    plan.push({ rel, target, text });
  }
  if (edited.length) throw new UkportError('file-exists', `not overwriting files that differ from what ukport last wrote (edited?): ${edited.join(', ')}; use --force to replace them`, outDir);
  const written: string[] = [];
  for (const f of plan) {
    mkdirSync(dirname(f.target), { recursive: true });
    const tmp = `${f.target}.ukport-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, f.text, { flag: 'wx' });
      renameSync(tmp, f.target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    record[f.rel] = sha(f.text);
    written.push(f.rel);
  }
  for (const rel of unchanged) record[rel] = sha(files.get(rel)!);
  const recTmp = join(out, `${RECORD}.${process.pid}.tmp`);
  writeFileSync(recTmp, JSON.stringify(record, null, 2) + '\n');
  renameSync(recTmp, join(out, RECORD));
  return { written, unchanged };
}
