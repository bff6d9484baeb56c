import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExternalLibPort } from '../model/coverage.js';
import type { ExternalLibsFile } from '../data/tables.js';
import { parseKconfig } from '../data/kconfig.js';
import { makeProvenance } from './git-provenance.js';
import { parseMakefileUk } from './makefile-uk.js';

/** Linux side of one soname a port stands in for: how the soname's version follows from the ported upstream version. */
interface SonameRule {
  /** Soname stem before `.so`, e.g. `libssl`; `libpython{mm}` is filled with major.minor. */
  stem: string;
  /** Soname version(s) ABI-compatible with upstream version V (e.g. openssl 1.1.1c → ['1.1']). */
  compatible: (v: number[]) => string[];
  /** Kconfig symbol that switches this part on, when it is not the port's main one (lib-openssl: LIBSSL, LIBCRYPTO). */
  kconfig?: string;
}

const mm = (v: number[]): string => `${v[0]}.${v[1] ?? 0}`;
const fixed = (...s: string[]) => (): string[] => s;

// Soname versions per upstream release series: Linux distribution facts, checked against upstream build files
// (libtool -version-info / SONAME settings). The port and its version are read from the port repository.
const CATALOG: Record<string, SonameRule[]> = {
  'lib-openssl': [
    { stem: 'libssl', kconfig: 'LIBSSL', compatible: (v) => (v[0]! >= 3 ? [String(v[0])] : v[0] === 1 && v[1] === 0 ? ['1.0.0', '1.0.2', '10'] : [mm(v)]) },
    { stem: 'libcrypto', kconfig: 'LIBCRYPTO', compatible: (v) => (v[0]! >= 3 ? [String(v[0])] : v[0] === 1 && v[1] === 0 ? ['1.0.0', '1.0.2', '10'] : [mm(v)]) },
  ],
  'lib-zlib': [{ stem: 'libz', compatible: fixed('1') }],
  'lib-sqlite': [{ stem: 'libsqlite3', compatible: (v) => (v[0] === 3 ? ['0'] : []) }],
  'lib-libuuid': [{ stem: 'libuuid', compatible: fixed('1') }],
  'lib-libpng': [{ stem: 'libpng{mmc}', compatible: (v) => [`${v[0]}${v[1]}`] }],
  'lib-libjpeg': [{ stem: 'libjpeg', compatible: fixed('8', '62') }],
  'lib-python3': [{ stem: 'libpython{mm}', compatible: fixed('1.0') }],
  // PCRE1 8.x is libpcre.so.1 (libpcre.so.3 on Debian); PCRE2 is a different library
  'lib-pcre': [{ stem: 'libpcre', compatible: (v) => (v[0] === 8 ? ['1', '3'] : []) }],
  // libffi: 3.2 → .so.6, 3.3 → .so.7, 3.4 → .so.8
  'lib-libffi': [{ stem: 'libffi', compatible: (v) => (v[0] === 3 ? [String(Math.max(6, (v[1] ?? 0) + 4))] : []) }],
  'lib-libevent': [{ stem: 'libevent-2.1', compatible: fixed('7') }],
  'lib-libuv': [{ stem: 'libuv', compatible: (v) => (v[0] === 1 ? ['1'] : []) }],
  'lib-lua': [{ stem: 'liblua{mm}', compatible: fixed('0') }],
  'lib-mbedtls': [
    { stem: 'libmbedtls', compatible: (v) => (v[0] === 2 && (v[1] ?? 0) >= 7 && (v[1] ?? 0) < 24 ? ['12'] : []) },
    { stem: 'libmbedcrypto', compatible: (v) => (v[0] === 2 && (v[1] ?? 0) >= 14 && (v[1] ?? 0) < 19 ? ['3'] : []) },
    { stem: 'libmbedx509', compatible: (v) => (v[0] === 2 && (v[1] ?? 0) >= 2 ? ['0'] : []) },
  ],
  'lib-libsodium': [{ stem: 'libsodium', compatible: (v) => (v[0] === 1 && v[1] === 0 && (v[2] ?? 0) >= 12 ? ['23'] : []) }],
  'lib-c-ares': [{ stem: 'libcares', compatible: fixed('2') }],
  'lib-libcxx': [{ stem: 'libc++', compatible: fixed('1') }],
  'lib-libcxxabi': [{ stem: 'libc++abi', compatible: fixed('1') }],
  'lib-libunwind': [{ stem: 'libunwind', compatible: fixed('1') }],
  // libtiff 4.5 bumped the soname to 6
  'lib-libtiff': [{ stem: 'libtiff', compatible: (v) => (v[0] === 4 && (v[1] ?? 0) >= 5 ? ['6'] : v[0] === 4 ? ['5'] : []) }],
  'lib-openjpeg': [{ stem: 'libopenjp2', compatible: (v) => (v[0] === 2 ? ['7'] : []) }],
  // protobuf 3.x: libtool current = minor + 12 (3.6 → 17, 3.12 → 23 ... 3.10 → 22)
  'lib-protobuf': [{ stem: 'libprotobuf', compatible: (v) => (v[0] === 3 ? [String((v[1] ?? 0) + 12)] : []) }],
  'lib-libicu': [
    { stem: 'libicuuc', compatible: (v) => [String(v[0])] },
    { stem: 'libicui18n', compatible: (v) => [String(v[0])] },
    { stem: 'libicudata', compatible: (v) => [String(v[0])] },
  ],
  'lib-libelf': [{ stem: 'libelf', compatible: fixed('1') }],
  // Pillow's libraries (lib-python-pillow builds against them): freetype 2.x is libfreetype.so.6, lcms2 liblcms2.so.2,
  // libwebp 1.x libwebp.so.7 with libwebpmux.so.3 / libwebpdemux.so.2 (LIBWEBP_MUX builds both), raqm 0.x libraqm.so.0
  'lib-freetype': [{ stem: 'libfreetype', compatible: (v) => (v[0] === 2 ? ['6'] : []) }],
  'lib-littlecms': [{ stem: 'liblcms2', compatible: (v) => (v[0] === 2 ? ['2'] : []) }],
  'lib-libwebp': [
    { stem: 'libwebp', compatible: (v) => (v[0] === 1 ? ['7'] : []) },
    { stem: 'libwebpmux', kconfig: 'LIBWEBP_MUX', compatible: (v) => (v[0] === 1 ? ['3'] : []) },
    { stem: 'libwebpdemux', kconfig: 'LIBWEBP_MUX', compatible: (v) => (v[0] === 1 ? ['2'] : []) },
  ],
  'lib-raqm': [{ stem: 'libraqm', compatible: (v) => (v[0] === 0 ? ['0'] : []) }],
  // libtiff's and raqm's own libraries: libdeflate.so.0, libzstd.so.1, liblzma.so.5 (xz 5.x), libharfbuzz.so.0, libfribidi.so.0
  'lib-libdeflate': [{ stem: 'libdeflate', compatible: (v) => (v[0] === 1 ? ['0'] : []) }],
  'lib-zstd': [{ stem: 'libzstd', compatible: (v) => (v[0] === 1 ? ['1'] : []) }],
  'lib-xz': [{ stem: 'liblzma', compatible: (v) => (v[0] === 5 ? ['5'] : []) }],
  'lib-harfbuzz': [{ stem: 'libharfbuzz', compatible: (v) => (v[0]! >= 1 ? ['0'] : []) }],
  'lib-fribidi': [{ stem: 'libfribidi', compatible: (v) => (v[0] === 1 ? ['0'] : []) }],
};

/** Expands `$(VAR)` references with the Makefile's own simple assignments. */
function makeVars(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const m of text.matchAll(/^([A-Za-z0-9_-]+)\s*:?=\s*(.*?)\s*$/gm)) if (!vars.has(m[1]!)) vars.set(m[1]!, m[2]!);
  const expand = (s: string, depth = 0): string =>
    depth > 8 ? s : s.replace(/\$\(([A-Za-z0-9_-]+)\)/g, (all, v: string) => (vars.has(v) ? expand(vars.get(v)!, depth + 1) : all));
  for (const [k, v] of vars) vars.set(k, expand(v));
  return vars;
}

/** The upstream version a port's Makefile.uk pins (`LIBZLIB_VERSION=1.2.13`, sqlite's 3400100 → 3.40.1). */
export function readPortVersion(makefile: string): string | undefined {
  const vars = makeVars(makefile);
  const key = [...vars.keys()].find((k) => k.endsWith('_VERSION_LONG')) ?? [...vars.keys()].find((k) => k.endsWith('_VERSION'));
  const v = key ? vars.get(key) : undefined;
  if (!v || v.includes('$(')) return undefined;
  // sqlite encodes 3.40.1 as 3400100 (MNNPPxx)
  const sq = /^(\d)(\d\d)(\d\d)00$/.exec(v);
  return sq ? `${sq[1]}.${Number(sq[2])}.${Number(sq[3])}` : v;
}

function numbers(v: string): number[] {
  return (v.match(/\d+/g) ?? []).map(Number);
}

/**
 * Merges a sync of some port repos into an existing table: entries of the synced repos are replaced, the others
 * kept (so one port can be added without checking out all of them again).
 */
export function mergeExternalLibs(existing: ExternalLibsFile | undefined, fresh: ExternalLibsFile, syncedRepos: string[]): ExternalLibsFile {
  const synced = new Set(syncedRepos);
  const ports = [...(existing?.ports ?? []).filter((p) => !synced.has(p.port)), ...fresh.ports].sort((a, b) => a.port.localeCompare(b.port));
  const placeholders = [...(existing?.placeholders ?? []).filter((p) => !synced.has(p.port)), ...(fresh.placeholders ?? [])].sort((a, b) => a.port.localeCompare(b.port));
  return { ports, ...(placeholders.length ? { placeholders } : {}) };
}

/** Reads Unikraft library port repos into soname → port entries (ports without a Makefile.uk are placeholders). */
export function syncExternalLibs(portDirs: string[]): ExternalLibsFile {
  const ports: ExternalLibPort[] = [];
  const placeholders: NonNullable<ExternalLibsFile['placeholders']> = [];
  for (const dir of [...portDirs].sort()) {
    const repo = basename(dir.replace(/\/+$/, ''));
    const prov = makeProvenance(dir, `https://github.com/unikraft/${repo}`, {}, 'tables sync --ext-port');
    const mkFile = join(dir, 'Makefile.uk');
    if (!existsSync(mkFile)) {
      placeholders.push({ port: repo, provenance: prov, note: 'repository holds no port yet (no Makefile.uk)' });
      continue;
    }
    const mk = readFileSync(mkFile, 'utf8');
    const mainSymbol = parseMakefileUk(mk).libs.find((l) => l.kconfig)?.kconfig
      ?? parseKconfig(existsSync(join(dir, 'Config.uk')) ? readFileSync(join(dir, 'Config.uk'), 'utf8') : '').symbols[0]?.name ?? '';
    const version = readPortVersion(mk) ?? 'unknown';
    const v = numbers(version);
    for (const rule of CATALOG[repo] ?? []) {
      const stem = rule.stem.replace('{mm}', mm(v)).replace('{mmc}', `${v[0]}${v[1]}`);
      ports.push({
        sonamePattern: `${stem}.so*`,
        port: repo,
        kconfig: rule.kconfig ?? mainSymbol,
        upstreamVersion: version,
        compatibleVersions: version === 'unknown' ? [] : rule.compatible(v),
        provenance: prov,
      });
    }
  }
  return { ports, placeholders };
}
