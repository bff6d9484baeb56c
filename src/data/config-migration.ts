import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { EntrySource, Tables, UnikraftTable } from '../model/coverage.js';
import type { Severity } from '../model/vocab.js';
import { UkportError } from '../errors.js';
import { compareReleases } from './tables.js';

/** A Unikraft configuration someone wrote: a Kraftfile / kraft.yaml, or a defconfig / .config. */
export interface ConfigFile {
  path: string;
  kind: 'kraftfile' | 'defconfig';
  /** The Unikraft release the file names (`unikraft: version: v0.17.0` / `unikraft: v0.17.0`), when it does. */
  release?: string;
  /** Options set to anything but `n` (a `# CONFIG_X is not set` line sets nothing). */
  symbols: { name: string; value: string; line: number }[];
}

/** One option of an old configuration the target release renamed, removed or deprecated. A renamed option is an
 *  error: the old name is ignored, so the feature is silently lost; a removed or deprecated one a warning. */
export interface MigrationItem {
  file: string;
  line: number;
  symbol: string;
  kind: 'renamed' | 'removed' | 'deprecated' | 'deprecated-library' | 'unknown';
  severity: Severity;
  /** The option that replaces it. */
  to?: string;
  /** The release that made the change. */
  release?: string;
  message: string;
  source?: EntrySource;
}

/** The result of checking configurations against a target release. */
export interface Migration {
  target: string;
  partial: boolean;
  files: { path: string; kind: ConfigFile['kind']; release?: string; options: number }[];
  items: MigrationItem[];
}

const CONFIG_LINE = /^\s*CONFIG_([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/;

/** Whether PATH is a configuration this aid reads (by name, else by its first meaningful line). */
export function isConfigFile(path: string): boolean {
  const name = basename(path);
  if (/^(Kraftfile|kraft\.ya?ml)$/i.test(name) || /defconfig|^\.config$/.test(name)) return true;
  let head: string;
  try {
    head = readFileSync(path, 'latin1').slice(0, 4096);
  } catch {
    return false;
  }
  const first = head.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  return first !== undefined && CONFIG_LINE.test(first);
}

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  return i < 0 ? 1 : text.slice(0, i).split('\n').length;
}

/** Reads a Kraftfile (yaml: unikraft.kconfig and every libraries.*.kconfig, map or `CONFIG_X=y` list) or a defconfig. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UkportError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'unreadable', 'configuration file', path);
  }
  if (/^(Kraftfile|kraft\.ya?ml)$/i.test(basename(path))) {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      throw new UkportError('unsupported-input', `not a readable Kraftfile (${(e as Error).message.split('\n')[0]})`, path);
    }
    const d = (doc ?? {}) as Record<string, unknown>;
    const uk = d['unikraft'];
    const release = typeof uk === 'string' ? uk : typeof (uk as Record<string, unknown>)?.['version'] === 'string' ? String((uk as Record<string, unknown>)['version']) : undefined;
    const blocks = [uk, ...Object.values((d['libraries'] ?? {}) as Record<string, unknown>)].map((b) => (b as Record<string, unknown> | undefined)?.['kconfig']);
    const symbols: ConfigFile['symbols'] = [];
    for (const k of blocks) {
      const pairs: [string, string][] = Array.isArray(k)
        ? k.map((e) => String(e).split('=')).map(([a, ...v]) => [a!.trim(), v.join('=').trim()])
        : Object.entries((k ?? {}) as Record<string, unknown>).map(([a, v]) => [a, String(v)]);
      for (const [a, v] of pairs) {
        const m = /^CONFIG_([A-Za-z0-9_]+)$/.exec(a);
        if (m && v !== 'n') symbols.push({ name: m[1]!, value: v, line: lineOf(text, a) });
      }
    }
    return { path, kind: 'kraftfile', ...(release ? { release } : {}), symbols };
  }
  const symbols: ConfigFile['symbols'] = [];
  text.split('\n').forEach((l, i) => {
    const m = CONFIG_LINE.exec(l);
    if (m && m[2] !== 'n') symbols.push({ name: m[1]!, value: m[2]!, line: i + 1 });
  });
  if (symbols.length === 0 && !text.split('\n').some((l) => /^#\s*CONFIG_\w+ is not set/.test(l))) {
    throw new UkportError('unsupported-input', 'no CONFIG_ options: not a defconfig or .config', path);
  }
  return { path, kind: 'defconfig', symbols };
}

const sourceText = (s?: EntrySource): string =>
  !s ? '' : s.kind === 'release-note' ? ` (${s.path}:${s.line})` : s.kind === 'indexed-file' ? ` (${s.path}@${s.commit.slice(0, 12)})` : s.kind === 'tree' ? ` (${s.ref} tree @${s.commit.slice(0, 12)}, ${s.date})` : '';

/**
 * What an old configuration must change for TARGET: options the release notes rename or deprecate (table data,
 * `kconfigChanges`, each with its source), options no longer in the target's table, libraries it deprecates.
 */
export function migrateConfig(files: ConfigFile[], tables: Tables, target: UnikraftTable): Migration {
  const upTo = tables.unikraft.filter((t) => compareReleases(t.release, target.release) <= 0);
  const changes = upTo.flatMap((t) => t.kconfigChanges ?? []);
  const known = new Set(tables.unikraft.flatMap((t) => Object.keys(t.kconfig ?? {})));
  const items: MigrationItem[] = [];
  for (const f of files) {
    for (const s of f.symbols) {
      const at = { file: f.path, line: s.line, symbol: `CONFIG_${s.name}` };
      const mine = changes.filter((c) => c.from.includes(s.name));
      const renamed = mine.find((c) => c.kind === 'renamed');
      const removed = mine.find((c) => c.kind === 'removed');
      const deprecated = mine.find((c) => c.kind === 'deprecated');
      if (renamed) items.push({ ...at, kind: 'renamed', severity: 'error', to: `CONFIG_${renamed.to}`, release: renamed.release, source: renamed.source, message: `CONFIG_${s.name} is replaced by CONFIG_${renamed.to} since ${renamed.release}${sourceText(renamed.source)}` });
      else if (removed || (!target.kconfig?.[s.name] && known.has(s.name) && !deprecated)) {
        const last = [...upTo].reverse().find((t) => t.kconfig?.[s.name]);
        // Kconfig ignores an unknown option (a warning): the build goes on, the option does nothing
        items.push({ ...at, kind: 'removed', severity: 'warning', ...(removed ? { release: removed.release, source: removed.source } : {}), message: `CONFIG_${s.name} does not exist in ${target.release} and has no effect there${removed ? ` (gone in ${removed.release}${sourceText(removed.source)})` : last ? ` (last in ${last.release})` : ''}${deprecated ? `; deprecated in ${deprecated.release}${sourceText(deprecated.source)}` : ''}` });
      } else if (deprecated) items.push({ ...at, kind: 'deprecated', severity: 'warning', release: deprecated.release, source: deprecated.source, message: `CONFIG_${s.name} is deprecated since ${deprecated.release}${sourceText(deprecated.source)}` });
      else if (!known.has(s.name)) items.push({ ...at, kind: 'unknown', severity: 'note', message: `CONFIG_${s.name} is in no shipped Unikraft table (an app or external library option?)` });
      const lib = Object.values(target.libraries).find((l) => l.kconfig === s.name && l.deprecated);
      if (lib?.deprecated) items.push({ ...at, kind: 'deprecated-library', severity: 'warning', release: lib.deprecated.since, source: lib.deprecated.source, message: `${lib.name} (CONFIG_${s.name}) is deprecated since ${lib.deprecated.since}${sourceText(lib.deprecated.source)}` });
    }
  }
  const order = files.map((f) => f.path);
  items.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.line - b.line || a.kind.localeCompare(b.kind));
  return {
    target: target.release, partial: target.partial !== undefined,
    files: files.map((f) => ({ path: f.path, kind: f.kind, ...(f.release ? { release: f.release } : {}), options: f.symbols.length })),
    items,
  };
}
