import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { KconfigEntry, PortProgram, PortVersions, UnikraftPort, UnikraftPortsTable } from '../model/coverage.js';
import { parseKconfig, type KconfigSymbol } from '../data/kconfig.js';
import { UkportError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';

// What each application port builds when its main-function option is on, and where Unikraft's own catalog-core
// selects those options for that program (the program ↔ option link is not machine-readable in the port itself).
const CATALOG_CORE = 'unikraft/catalog-core@7196610a2a6dd5979ebd2f14f7412c4413983093';
const PROGRAMS: Record<string, PortProgram[]> = {
  'lib-nginx': [{ program: 'nginx', kconfig: ['LIBNGINX', 'LIBNGINX_MAIN_FUNCTION'], source: `${CATALOG_CORE}:nginx/Config.uk` }],
  'lib-redis': [
    { program: 'redis-server', kconfig: ['LIBREDIS', 'LIBREDIS_SERVER', 'LIBREDIS_SERVER_MAIN_FUNCTION'], source: `${CATALOG_CORE}:redis/Config.uk` },
    { program: 'redis-cli', kconfig: ['LIBREDIS', 'LIBREDIS_CLIENT', 'LIBREDIS_CLIENT_MAIN_FUNCTION'], source: 'Config.uk of the port (LIBREDIS_CLIENT_MAIN_FUNCTION)' },
  ],
  'lib-sqlite': [{ program: 'sqlite3', kconfig: ['LIBSQLITE', 'LIBSQLITE_MAIN_FUNCTION'], source: `${CATALOG_CORE}:sqlite/Config.uk` }],
};
// Roles of the non-application repos: the libcs, the network stack, app-elfloader's ELF parser, app-elfloader itself.
const ROLES: Record<string, UnikraftPort['role']> = {
  'lib-musl': 'libc', 'lib-newlib': 'libc', 'lib-lwip': 'library', 'lib-libelf': 'library', 'app-elfloader': 'application',
};

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 }).trim();
  } catch {
    return undefined;
  }
}

/** Whether DIR is a repository of its own (a checkout's top or a bare mirror), not a directory inside another one. */
function isOwnRepo(dir: string): boolean {
  if (git(dir, ['rev-parse', '--is-bare-repository']) === 'true') return true;
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  return !!top && resolve(top) === resolve(dir);
}

/** Config.uk of the checkout (work tree) or, for a bare mirror, of HEAD. */
function readConfigUk(dir: string): string | undefined {
  const file = join(dir, 'Config.uk');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  return isOwnRepo(dir) ? git(dir, ['show', 'HEAD:Config.uk']) : undefined;
}

/** RELEASE-* tags and the stable/staging branches (local or origin's) with their commits and dates. */
export function readPortVersions(dir: string): PortVersions {
  const out: PortVersions = { tags: {} };
  if (!isOwnRepo(dir)) return out;
  const refs = git(dir, ['for-each-ref', '--format=%(refname) %(objectname) %(*objectname) %(creatordate:short) %(committerdate:short)',
    'refs/tags/RELEASE-*', 'refs/heads/stable', 'refs/heads/staging', 'refs/remotes/origin/stable', 'refs/remotes/origin/staging']) ?? '';
  for (const line of refs.split('\n').filter(Boolean)) {
    const [ref, obj, peeled, ...dates] = line.split(' ');
    // annotated tags name a tag object; the commit is the peeled one (then the second field is empty)
    const commit = peeled && /^[0-9a-f]{40}$/.test(peeled) ? peeled : obj!;
    const date = dates.find((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)) ?? (peeled && /^\d{4}/.test(peeled) ? peeled : 'unknown');
    const name = ref!.replace(/^refs\/(tags|heads|remotes\/origin)\//, '');
    if (ref!.startsWith('refs/tags/')) out.tags[name] = { commit, date };
    else if (name === 'stable' || name === 'staging') out[name] ??= { commit, date };
  }
  return out;
}

function toEntry(sym: KconfigSymbol, library: string): KconfigEntry {
  const e: KconfigEntry = {
    library,
    select: sym.select.map((r) => (r.cond ? `${r.symbol} if ${r.cond}` : r.symbol)),
    imply: sym.imply.map((r) => (r.cond ? `${r.symbol} if ${r.cond}` : r.symbol)),
    dependsOn: sym.dependsOn,
  };
  if (sym.type) e.type = sym.type;
  if (sym.prompt) e.prompt = sym.prompt;
  if (sym.defaults.length) e.default = sym.defaults[0]!.cond ? `${sym.defaults[0]!.value} if ${sym.defaults[0]!.cond}` : sym.defaults[0]!.value;
  if (sym.defaults.length > 1) e.defaults = sym.defaults.map((d) => (d.cond ? `${d.value} if ${d.cond}` : d.value));
  if (sym.choice) e.choice = sym.choice;
  return e;
}

/** Reads one port or application repository: its Kconfig, its tags and branches, and for application ports the programs they build. */
export function syncPort(dir: string): UnikraftPort {
  const name = basename(dir.replace(/\/+$/, '').replace(/\/repo$/, '')).replace(/^unikraft\+/, '');
  const text = readConfigUk(dir);
  if (text === undefined) throw new UkportError('unsupported-input', 'no Config.uk: not a Unikraft library or application repository', dir);
  const symbols = parseKconfig(text).symbols;
  const kconfig: Record<string, KconfigEntry> = {};
  for (const s of symbols) if (!kconfig[s.name]) kconfig[s.name] = toEntry(s, name);
  const conventional = 'LIB' + name.replace(/^lib-/, '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  const role = ROLES[name] ?? (PROGRAMS[name] ? 'app-port' : 'library');
  // the switch: LIB<NAME>, else the only or first menuconfig symbol; an application (app-elfloader) has none, it is always built
  const main = role === 'application' ? undefined
    : symbols.find((s) => s.name === conventional) ?? (symbols.length === 1 ? symbols[0] : symbols.find((s) => s.menuconfig));
  const own = isOwnRepo(dir);
  const commit = own ? git(dir, ['rev-parse', 'HEAD']) : undefined;
  const tag = own ? git(dir, ['describe', '--tags', 'HEAD']) : undefined;
  const date = own ? git(dir, ['log', '-1', '--format=%cs', 'HEAD']) : undefined;
  const port: UnikraftPort = {
    name,
    repo: `https://github.com/unikraft/${name}`,
    role,
    provenance: {
      repo: `https://github.com/unikraft/${name}`, tag: tag ?? commit?.slice(0, 12) ?? 'unknown', commit: commit ?? 'unknown',
      generator: `ukport ${TOOL_VERSION} tables sync --port`, date: new Date().toISOString().slice(0, 10),
    },
    kconfig,
    versions: readPortVersions(dir),
  };
  if (date) port.headDate = date;
  if (main) port.switch = main.name;
  const programs = (PROGRAMS[name] ?? []).filter((p) => p.kconfig.every((k) => kconfig[k]));
  if (programs.length) port.programs = programs;
  return port;
}

/** `tables sync --port DIR...`: every port read, sorted by name. */
export function syncPorts(dirs: string[]): UnikraftPortsTable {
  const ports = dirs.map(syncPort).sort((a, b) => a.name.localeCompare(b.name));
  return { target: 'unikraft-ports', ports };
}
