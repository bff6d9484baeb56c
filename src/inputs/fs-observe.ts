import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';

/**
 * What an analysis saw of the host filesystem, so that its result can be reused only while the filesystem still
 * shows the same: every path looked up (present or not, a link and its target, a directory), every file read
 * (size, modification and change time, inode, device) and every directory listed. The readers of src/inputs and the
 * library search note what they see here while an observation is open; `stillHolds` looks at all of it again.
 * Keys are `KIND\0PATH`: `l` lstat (no link followed), `s` stat (links followed: files opened by path), `d` listing.
 */
export type Observed = Map<string, string>;

let open: Observed | undefined;

/** Runs FN (synchronous) and returns what it saw of the filesystem with its value. */
export function observeDuring<T>(fn: () => T): { value: T; observed: Observed } {
  const outer = open;
  const observed: Observed = new Map();
  open = observed;
  try {
    return { value: fn(), observed };
  } finally {
    open = outer;
    if (outer) for (const [k, v] of observed) if (!outer.has(k)) outer.set(k, v);
  }
}

/** Runs FN with nothing noted (reads of the tool's own content-addressed cache are no input of the analysis). */
export function unobserved<T>(fn: () => T): T {
  const outer = open;
  open = undefined;
  try { return fn(); } finally { open = outer; }
}

/** Whether an observation is open (callers skip the work of noting otherwise). */
export function observing(): boolean {
  return open !== undefined;
}

function stamp(st: Stats | undefined, link?: () => string): string {
  if (!st) return 'absent';
  if (st.isSymbolicLink()) return `link:${link ? link() : ''}`;
  if (st.isDirectory()) return 'dir';
  const id = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}:${st.dev}:${st.mode}`;
  return st.isFile() ? `file:${id}` : `other:${id}`;
}

function errorStamp(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : `error:${code ?? 'unknown'}`;
}

function lstamp(path: string): string {
  try { return stamp(lstatSync(path), () => readlinkSync(path)); } catch (e) { return errorStamp(e); }
}

function sstamp(path: string): string {
  try { return stamp(statSync(path)); } catch (e) { return errorStamp(e); }
}

function dstamp(path: string): string {
  try { return readdirSync(path).sort().join('\0'); } catch (e) { return `!${errorStamp(e)}`; }
}

const LOOK: Record<string, (path: string) => string> = { l: lstamp, s: sstamp, d: dstamp };

/** Notes a lookup of PATH that does not follow a link in its last component (lstat, readlink). */
export function noteLstat(path: string): void {
  if (open && !open.has(`l\0${path}`)) open.set(`l\0${path}`, lstamp(path));
}

/**
 * Notes a file opened (or looked for) by PATH, links followed: ST is what fstat of the opened file gave, ERROR why it
 * could not be opened (its own outcome, not a later look that could see a file created since); neither: looked at now.
 */
export function noteStat(path: string, st?: Stats, error?: unknown): void {
  if (!open || open.has(`s\0${path}`)) return;
  open.set(`s\0${path}`, st ? stamp(st) : error !== undefined ? errorStamp(error) : sstamp(path));
}

/** Notes a directory listed. */
export function noteListing(path: string): void {
  if (open && !open.has(`d\0${path}`)) open.set(`d\0${path}`, dstamp(path));
}

/** Whether the filesystem still shows everything OBSERVED noted (same files, same absences, same links and listings). */
export function stillHolds(observed: Iterable<[string, string]>): boolean {
  for (const [key, was] of observed) {
    const look = LOOK[key[0]];
    if (!look || key[1] !== '\0' || look(key.slice(2)) !== was) return false;
  }
  return true;
}
