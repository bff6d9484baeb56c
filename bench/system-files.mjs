// The ELF files a whole-system scan analyses: every real file under DIRS once (by device and inode), in name order.
import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** ELF files under DIRS, each real file once (what the scan's walker analyses too), with their sizes. */
export function elfFiles(dirs) {
  const seen = new Set(), dirsSeen = new Set(), out = [];
  const head = Buffer.alloc(4);
  const visit = (d) => {
    // a directory reached twice (/usr/bin/X11 -> .) is walked once
    const id = statSync(d);
    if (dirsSeen.has(`${id.dev}:${id.ino}`)) return;
    dirsSeen.add(`${id.dev}:${id.ino}`);
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      let st;
      // like the scan's walker: a link is followed only to a target inside the scanned directories
      try { st = statSync(p); if (!roots.some((r) => realpathSync(p).startsWith(r + '/'))) continue; } catch { continue; }
      if (st.isDirectory()) { visit(p); continue; }
      if (!st.isFile() || st.size < 64 || seen.has(`${st.dev}:${st.ino}`)) continue;
      seen.add(`${st.dev}:${st.ino}`);
      try {
        const fd = openSync(p, 'r');
        readSync(fd, head, 0, 4, 0);
        closeSync(fd);
      } catch { continue; }
      if (head.readUInt32BE(0) === 0x7f454c46) out.push({ path: p, size: st.size });
    }
  };
  const roots = dirs.map((d) => realpathSync(d));
  for (const d of dirs) visit(d);
  return out;
}
