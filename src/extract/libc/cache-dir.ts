import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $XDG_CACHE_HOME/ukport, else ~/.cache/ukport. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'ukport');
}

const checkedDirs = new Map<string, boolean>();

/**
 * Whether the cache directories can be used: each is a real directory (made 0700 when missing), never a symbolic link
 * that would send entries elsewhere. On first use a run also removes temporary files that a killed run left behind.
 */
export function usableCache(root: string, dir: string): boolean {
  const known = checkedDirs.get(dir);
  if (known !== undefined) return known;
  let ok = true;
  for (const d of [root, dir]) {
    try { mkdirSync(d, { recursive: true, mode: 0o700 }); } catch { /* read-only: checked below */ }
    try { ok = lstatSync(d).isDirectory(); } catch { ok = false; }
    if (!ok) break; // nothing is made through a link
  }
  if (ok) removeStaleTemps(dir);
  checkedDirs.set(dir, ok);
  return ok;
}

/** Removes `*.tmp` files of runs that are gone (their pid is dead) or older than a day (another host, another pid namespace). */
function removeStaleTemps(dir: string): void {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names) {
    const m = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (alive(Number(m[1])) && Date.now() - st.mtimeMs < 24 * 3600 * 1000) continue;
      rmSync(path, { force: true });
    } catch { /* another run removed it */ }
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

