import { hostRootFs, type RootFs } from './root-fs.js';
import { resolveInRootFs } from './rooted-path.js';

/** One NSS service of /etc/nsswitch.conf and the databases that name it. */
export interface NssService { name: string; databases: string[] }

const MAX_NSSWITCH_BYTES = 1024 * 1024;

/**
 * The services /etc/nsswitch.conf names (`passwd: files systemd` → files, systemd), in order of first use.
 * Action items (`[NOTFOUND=return]`) and comments are skipped. glibc loads each service it consults as
 * `libnss_<service>.so.2` with dlopen (files and dns are built into glibc 2.34+).
 */
export function parseNsswitch(text: string): NssService[] {
  const out = new Map<string, NssService>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^([A-Za-z0-9_]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const items = m[2].replace(/\[[^\]]*\]/g, ' ').split(/\s+/).filter((s) => /^[A-Za-z0-9_-]+$/.test(s));
    for (const name of items) {
      const s = out.get(name) ?? { name, databases: [] };
      if (!s.databases.includes(m[1])) s.databases.push(m[1]);
      out.set(name, s);
    }
  }
  return [...out.values()];
}

/** The NSS services of the root filesystem's /etc/nsswitch.conf (none when it is missing or unreadable). */
export function readNsswitch(root: string | RootFs = '/'): NssService[] {
  const fs = typeof root === 'string' ? hostRootFs(root) : root;
  try {
    const p = resolveInRootFs(fs, '/etc/nsswitch.conf');
    return p ? parseNsswitch(fs.readFile(p, MAX_NSSWITCH_BYTES).toString('latin1')) : [];
  } catch {
    return [];
  }
}
