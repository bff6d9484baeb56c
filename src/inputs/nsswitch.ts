import { readFileSync, statSync } from 'node:fs';
import { UkportError } from '../errors.js';
import { hostRootFs, type RootFs } from './root-fs.js';
import { resolveInRootFs } from './rooted-path.js';

/** A line of nsswitch.conf that names a service: where glibc learns to load its module. */
export interface NssLine { file: string; line: number; text: string }

/** One NSS service of /etc/nsswitch.conf, the databases that name it and the lines that do. */
export interface NssService { name: string; databases: string[]; lines?: NssLine[] }

const MAX_NSSWITCH_BYTES = 1024 * 1024;

/**
 * The services /etc/nsswitch.conf names (`passwd: files systemd` → files, systemd), in order of first use.
 * Action items (`[NOTFOUND=return]`) and comments are skipped. glibc loads each service it consults as
 * `libnss_<service>.so.2` with dlopen (files and dns are built into glibc 2.34+).
 */
export function parseNsswitch(text: string, file = '/etc/nsswitch.conf'): NssService[] {
  const out = new Map<string, NssService>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^([A-Za-z0-9_]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const items = m[2].replace(/\[[^\]]*\]/g, ' ').split(/\s+/).filter((s) => /^[A-Za-z0-9_-]+$/.test(s));
    for (const name of items) {
      const s = out.get(name) ?? { name, databases: [], lines: [] };
      if (!s.databases.includes(m[1])) s.databases.push(m[1]);
      if (!s.lines!.some((l) => l.line === i + 1)) s.lines!.push({ file, line: i + 1, text: line.replace(/\s+/g, ' ') });
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

/** The NSS services of an nsswitch.conf named on the command line (--nsswitch): the image's, not the scanned root's. */
export function readNsswitchFile(path: string): NssService[] {
  let text: string;
  try {
    if (statSync(path).size > MAX_NSSWITCH_BYTES) throw new UkportError('too-large', `nsswitch.conf over ${MAX_NSSWITCH_BYTES} bytes`, path);
    text = readFileSync(path, 'latin1');
  } catch (e) {
    if (e instanceof UkportError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UkportError(code === 'ENOENT' ? 'not-found' : 'unreadable', code === 'ENOENT' ? 'nsswitch.conf' : (e as Error).message, path);
  }
  return parseNsswitch(text, path);
}
