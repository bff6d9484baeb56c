import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EntrySource } from '../model/coverage.js';
import { parseKconfig, type KconfigSymbol } from '../data/kconfig.js';
import { UkportError } from '../errors.js';
import { parseMakefileUk, type ProvidedSyscall } from './makefile-uk.js';

/** One entry of a directory of indexed files' index.json. */
interface IndexEntry {
  /** owner/name of the repository the search index holds the file for. */
  repo: string;
  path: string;
  commit: string;
  /** Set when only some lines were kept (e.g. the addlib and UK_PROVIDED_SYSCALLS lines of a Makefile.uk). */
  excerpt?: string;
}

/** What one library's indexed Makefile.uk and Config.uk say. */
export interface IndexedLibrary {
  /** Table library name: lib/posix-vfs → posix-vfs; an extra repo's root → its name (app-elfloader, lwip). */
  name: string;
  /** Provided syscalls, when a Makefile.uk is indexed. */
  makefile?: { provided: ProvidedSyscall[]; kconfig?: string; source: EntrySource & { kind: 'indexed-file' } };
  /** Kconfig symbols, when a Config.uk is indexed. */
  config?: { symbols: KconfigSymbol[]; source: EntrySource & { kind: 'indexed-file' } };
}

function libraryOf(repo: string, path: string): string {
  const dir = dirname(path);
  if (dir === '.') return basename(repo).replace(/^lib-/, '');
  return dir.startsWith('lib/') ? dir.slice(4) : dir;
}

/**
 * Reads a directory of files copied from the search index: `index.json` ({files: [{repo, path, commit}]}) and each
 * file under `files/<repo>/<commit>/<path>`. Only Makefile.uk and Config.uk are read; a library with several
 * versions of one file keeps the one listed last for that path (index.json orders them oldest first).
 */
export function readIndexedFiles(dir: string): IndexedLibrary[] {
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) throw new UkportError('unsupported-input', 'no index.json: not a directory of indexed files', dir);
  let entries: IndexEntry[];
  try {
    entries = (JSON.parse(readFileSync(indexFile, 'utf8')) as { files: IndexEntry[] }).files;
  } catch (e) {
    throw new UkportError('bad-json', (e as Error).message.split('\n')[0]!, indexFile);
  }
  if (!Array.isArray(entries)) throw new UkportError('unsupported-input', 'index.json has no files list', indexFile);
  const libs = new Map<string, IndexedLibrary>();
  for (const e of entries) {
    if (typeof e.repo !== 'string' || typeof e.path !== 'string' || !/^[0-9a-f]{40}$/.test(String(e.commit))) {
      throw new UkportError('unsupported-input', `index.json entry needs repo, path and a 40-hex commit: ${JSON.stringify(e)}`, indexFile);
    }
    const file = join(dir, 'files', e.repo, e.commit, e.path);
    if (!existsSync(file)) throw new UkportError('not-found', `indexed file listed in index.json`, file);
    const text = readFileSync(file, 'utf8');
    const name = libraryOf(e.repo, e.path);
    const lib = libs.get(name) ?? { name };
    const source = { kind: 'indexed-file' as const, repo: e.repo, path: e.path, commit: e.commit };
    if (basename(e.path) === 'Makefile.uk') {
      const mk = parseMakefileUk(text);
      const kconfig = mk.libs.find((l) => l.kconfig)?.kconfig;
      lib.makefile = { provided: mk.provided, ...(kconfig ? { kconfig } : {}), source };
    } else if (basename(e.path) === 'Config.uk') {
      lib.config = { symbols: parseKconfig(text).symbols, source };
    }
    libs.set(name, lib);
  }
  return [...libs.values()].sort((a, b) => a.name.localeCompare(b.name));
}
