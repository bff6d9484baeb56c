import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExternalLibPort, LibcSummaryTable, LibcTable, Provenance, SyscallPrior, Tables, UnikraftPortsTable, UnikraftTable } from '../model/coverage.js';
import { DEFAULT_TABLES_DIR, isShippedData, loadTableFile } from './validate.js';

/** syscall-tables/external-libs.json. */
export interface ExternalLibsFile {
  ports: ExternalLibPort[];
  /** Port repositories that exist but hold no port yet (lib-libjpeg, lib-libevent). */
  placeholders?: { port: string; provenance: Provenance; note: string }[];
}

/** syscall-tables/loupe-priors.json. */
export interface LoupePriorsFile {
  provenance: Provenance;
  attribution: string;
  /** Which CSV column means what, as checked against the Loupe tool source. */
  columns: string;
  priors: Record<string, SyscallPrior>;
}

const cache = new Map<string, Tables>();

function jsonFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

/** Orders releases by version: v0.4 < v0.10.0 < v0.17.0; non-version names (staging) last. */
export function compareReleases(a: string, b: string): number {
  const parse = (r: string): number[] | undefined => (/^v?(\d+(?:\.\d+)*)$/.exec(r)?.[1] ?? '').split('.').filter(Boolean).map(Number);
  const pa = parse(a);
  const pb = parse(b);
  if (!pa?.length || !pb?.length) return (pa?.length ? -1 : 1) - (pb?.length ? -1 : 1) || a.localeCompare(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/**
 * A shipped release table that is read on first use: a run needs one or two of the releases, and parsing all
 * of them took a tenth of a second. Its `release` is the file name (`tables sync` writes unikraft/<release>.json).
 */
function lazyReleaseTable(schemaFile: string, file: string): UnikraftTable {
  let table: UnikraftTable | undefined;
  const load = (): UnikraftTable => (table ??= loadTableFile<UnikraftTable>(schemaFile, file));
  const release = basename(file, '.json');
  return new Proxy({ release } as UnikraftTable, {
    get: (_t, key) => (key === 'release' ? release : Reflect.get(load(), key)),
    has: (_t, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(load(), key);
      return d && { ...d, configurable: true };
    },
  });
}

/** Loads and validates every table under DIR (default: the shipped syscall-tables/); cached per directory. */
export function loadTables(dir: string = DEFAULT_TABLES_DIR): Tables {
  const hit = cache.get(dir);
  if (hit) return hit;
  const schema = (name: string): string => join(dir, `${name}.schema.json`);
  // a directory the user names is validated whole at once; the shipped releases are read when used
  const shipped = isShippedData(join(dir, 'unikraft', 'x.json'));
  const unikraft = jsonFiles(join(dir, 'unikraft'))
    .map((f) => (shipped ? lazyReleaseTable : loadTableFile<UnikraftTable>)(schema('unikraft'), join(dir, 'unikraft', f)))
    .sort((a, b) => compareReleases(a.release, b.release));
  const libc = jsonFiles(join(dir, 'libc')).map((f) => loadTableFile<LibcTable>(schema('libc'), join(dir, 'libc', f)));
  const readSummaries = (): LibcSummaryTable[] => jsonFiles(join(dir, 'libc-summaries')).map((f) =>
    loadTableFile<LibcSummaryTable>(schema('libc-summary'), join(dir, 'libc-summaries', f)));
  const ext = join(dir, 'external-libs.json');
  const externalLibs = existsSync(ext) ? loadTableFile<ExternalLibsFile>(schema('external-libs'), ext).ports : [];
  const pri = join(dir, 'loupe-priors.json');
  const priors = existsSync(pri) ? loadTableFile<LoupePriorsFile>(schema('loupe-priors'), pri).priors : {};
  const portsFile = join(dir, 'unikraft-ports.json');
  const ports = existsSync(portsFile) ? loadTableFile<UnikraftPortsTable>(schema('unikraft-ports'), portsFile).ports : undefined;
  const tables = { unikraft, libc, externalLibs, priors, ...(ports ? { ports } : {}) } as Omit<Tables, 'libcSummaries'> as Tables;
  // the libc function summaries serve native mode only: shipped ones are read when first asked for
  let summaries: LibcSummaryTable[] | undefined = shipped ? undefined : readSummaries();
  Object.defineProperty(tables, 'libcSummaries', { enumerable: true, get: () => (summaries ??= readSummaries()) });
  cache.set(dir, tables);
  return tables;
}
