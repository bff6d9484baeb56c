import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** Reads a file under --out without following a link and only when it is a regular file (never a FIFO or a device). */
function readOwnFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new UkportError('file-exists', 'exists and is not a regular file', path);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes TEXT to a fresh temporary name beside TARGET (created exclusively: a planted file or link there is never written through), then renames it into place. */
function replaceFile(target: string, text: string | Buffer): void {
  const tmp = `${target}.ukport-${randomBytes(8).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UkportError('file-exists', `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`, target);
  }
}

/** --out must be a real directory (or not exist yet): a link, a file or anything else is a one-line error. */
export function checkOutDir(outDir: string): void {
  let st;
  try { st = lstatSync(outDir); } catch { return; }
  if (st.isSymbolicLink()) throw new UkportError('path-escape', 'the output path is a symbolic link; give the directory it points to', outDir);
  if (!st.isDirectory()) throw new UkportError('file-exists', 'the output path exists and is not a directory', outDir);
}

function readRecord(outDir: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(readOwnFile(join(outDir, RECORD)).toString('utf8'));
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
export function writeFilesConfined(outDir: string, files: Map<string, string | Buffer>, options: { force?: boolean; record?: boolean } = {}): WriteResult {
  const out = resolve(outDir);
  checkOutDir(out);
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
      const current = readOwnFile(target);
      if (current.equals(Buffer.from(text))) { unchanged.push(rel); continue; }
      if (record[rel] !== sha(current) && !options.force) edited.push(rel);
    }
    plan.push({ rel, target, text });
  }
  if (edited.length) throw new UkportError('file-exists', `not overwriting files that differ from what ukport last wrote (edited?): ${edited.join(', ')}; use --force to replace them`, outDir);
  const written: string[] = [];
  for (const f of plan) {
    mkdirSync(dirname(f.target), { recursive: true });
    confine(out, realOut, f.rel); // again: a directory made above must not have been swapped for a link meanwhile
    replaceFile(f.target, f.text);
    record[f.rel] = sha(f.text);
    written.push(f.rel);
  }
  for (const rel of unchanged) record[rel] = sha(files.get(rel)!);
  if (options.record !== false) replaceFile(join(out, RECORD), JSON.stringify(record, null, 2) + '\n');
  return { written, unchanged };
}
