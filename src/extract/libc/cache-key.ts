import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The secret that authenticates cache entries. */
export type CacheKey = Buffer;

/**
 * Where the key lives: `$UKPORT_CACHE_KEY` (a secret given by CI) wins; else `$XDG_CONFIG_HOME/ukport/cache-key`
 * (else `~/.config/ukport/cache-key`), outside the cache directory, so a cache restored from elsewhere brings no key.
 */
export function cacheKeyFile(): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config'), 'ukport', 'cache-key');
}

let loaded: { key: CacheKey | undefined } | undefined;

/** The HMAC-SHA256 of BODY under KEY, as a cache entry's digest. */
export function entryDigest(key: CacheKey, body: Buffer): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** Reads the key file: a regular file (no link), owned by this user, readable by no one else, 32–1024 bytes. */
function readKeyFile(path: string): CacheKey | undefined {
  let fd: number;
  try { fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK); } catch { return undefined; }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0 || st.size < 32 || st.size > 1024) return undefined;
    const buf = Buffer.alloc(st.size);
    return readSync(fd, buf, 0, st.size, 0) === st.size ? buf : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates the key file: written whole under a private name (0600), then linked into place, which fails if anything
 * is there already (a concurrent run's key, or a planted file that is then used only if it passes the checks).
 */
function createKeyFile(path: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try { writeSync(fd, randomBytes(32)); } finally { closeSync(fd); }
    linkSync(tmp, path);
  } catch { /* another process made it, or the directory is read-only: read below */ } finally {
    rmSync(tmp, { force: true });
  }
}

/** This user's cache key (made on first use); undefined when none can be had: the cache is then not used. */
export function cacheKey(): CacheKey | undefined {
  if (loaded) return loaded.key;
  const fromEnv = process.env.UKPORT_CACHE_KEY;
  if (fromEnv) { loaded = { key: Buffer.from(fromEnv, 'utf8') }; return loaded.key; }
  const path = cacheKeyFile();
  let key = readKeyFile(path);
  if (!key) { createKeyFile(path); key = readKeyFile(path); }
  loaded = { key };
  return key;
}
