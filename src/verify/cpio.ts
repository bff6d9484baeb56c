/** One entry of a cpio archive: a directory, a regular file (its bytes) or a symbolic link (its target). */
export type CpioEntry =
  | { path: string; type: 'dir'; mode?: number }
  | { path: string; type: 'file'; data: Buffer; mode?: number }
  | { path: string; type: 'symlink'; target: string };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const TRAILER = 'TRAILER!!!';

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

/** A newc ("070701") header + name + padding, then the body + padding. */
function record(ino: number, name: string, mode: number, body: Buffer, nlink: number): Buffer[] {
  const nameBytes = Buffer.from(name + '\0', 'utf8');
  const fields = [ino, mode, 0, 0, nlink, 0, body.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from('070701' + fields.map(hex8).join(''), 'ascii');
  return [header, nameBytes, pad4(header.length + nameBytes.length), body, pad4(body.length)];
}

/** Paths inside the archive are relative (`etc/passwd`), as Linux's and Unikraft's initrd readers expect. */
function archivePath(path: string): string {
  const rel = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (!rel || rel.split('/').some((p) => p === '..' || p === '')) throw new Error(`bad cpio path '${path}'`);
  return rel;
}

/**
 * Packs entries as a newc cpio archive (the format of Linux initramfs and Unikraft's ukcpio).
 * Parent directories are added before their contents when not listed; owner is root, times are zero
 * (the archive is reproducible).
 */
export function writeCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  let ino = 1;
  const add = (name: string, mode: number, body: Buffer, nlink: number) => parts.push(...record(ino++, name, mode, body, nlink));
  const ensureParents = (rel: string) => {
    const segs = rel.split('/');
    for (let i = 1; i < segs.length; i++) {
      const dir = segs.slice(0, i).join('/');
      if (!seen.has(dir)) { seen.add(dir); add(dir, S_IFDIR | 0o755, Buffer.alloc(0), 2); }
    }
  };
  for (const e of entries) {
    const rel = archivePath(e.path);
    if (seen.has(rel)) continue;
    ensureParents(rel);
    seen.add(rel);
    if (e.type === 'dir') add(rel, S_IFDIR | (e.mode ?? 0o755), Buffer.alloc(0), 2);
    else if (e.type === 'file') add(rel, S_IFREG | (e.mode ?? 0o644), e.data, 1);
    else add(rel, S_IFLNK | 0o777, Buffer.from(e.target, 'utf8'), 1);
  }
  parts.push(...record(0, TRAILER, 0, Buffer.alloc(0), 1));
  return Buffer.concat(parts);
}
