import { execFileSync } from 'node:child_process';
import type { PythonPortRelease, PythonPortTable } from '../data/python-port.js';
import { TOOL_VERSION } from '../version.js';

const REPO = 'https://github.com/unikraft/lib-python3';

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
}

/** One `_PyImport_Inittab` entry of modules_config.c with the `#if CONFIG_*` guards around it. */
export interface InittabEntry {
  name: string;
  init: string;
  enabled: boolean;
  kconfig: string[];
}

/**
 * Reads the built-in module table (`_PyImport_Inittab`) of lib-python3's modules_config.c: entries in
 * `//` or `/* *\/` comments are disabled, `#if CONFIG_X` guards become kconfig conditions.
 */
export function parseInittab(source: string): InittabEntry[] {
  const start = source.indexOf('_PyImport_Inittab[]');
  if (start === -1) return [];
  const body = source.slice(start, source.indexOf('};', start));
  const out: InittabEntry[] = [];
  const guards: string[][] = [];
  let inComment = false;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    const cond = /^#\s*if\s+(?:defined\s*\(?\s*)?(CONFIG_\w+)/.exec(line);
    if (cond) { guards.push([cond[1]!]); continue; }
    if (/^#\s*if/.test(line)) { guards.push([]); continue; }
    if (/^#\s*endif/.test(line)) { guards.pop(); continue; }
    const commented = inComment || line.startsWith('//') || line.startsWith('/*');
    if (line.includes('/*') && !line.includes('*/')) inComment = true;
    if (inComment && line.includes('*/')) inComment = false;
    for (const m of line.matchAll(/\{\s*"([^"]+)"\s*,\s*([A-Za-z_]\w*)\s*\}/g)) {
      out.push({ name: m[1]!, init: m[2]!, enabled: !commented, kconfig: guards.flat() });
    }
  }
  return out;
}

/**
 * Which libraries each extension option of Config.uk needs: an option inside `if LIBSQLITE … endif` exists only
 * when that library is selected (`LIBPYTHON3_EXTENSION_SQLITE` → `LIBSQLITE`), plus its own `depends on`.
 */
export function parseExtensionRequires(configUk: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const guards: string[] = [];
  let current: string | undefined;
  for (const raw of configUk.split('\n')) {
    const line = raw.trim();
    const ifm = /^if\s+([A-Z0-9_]+)\s*$/.exec(line);
    if (ifm) { guards.push(ifm[1]!); current = undefined; continue; }
    if (/^endif\b/.test(line)) { guards.pop(); current = undefined; continue; }
    const cfg = /^(?:menu)?config\s+(LIBPYTHON3_EXTENSION_[A-Z0-9_]+)\s*$/.exec(line);
    if (cfg) {
      current = cfg[1]!;
      const need = guards.filter((g) => g !== 'LIBPYTHON3' && g !== 'LIBPYTHON3_EXTENSIONS');
      out[`CONFIG_${current}`] = need;
      continue;
    }
    if (/^(?:menu)?config\s/.test(line) || /^(?:menu|endmenu|choice|endchoice|comment)\b/.test(line)) { current = undefined; continue; }
    const dep = current ? /^depends\s+on\s+([A-Z0-9_]+)\s*$/.exec(line) : null;
    if (dep && current) out[`CONFIG_${current}`]!.push(dep[1]!);
  }
  return out;
}

/** Python version the port builds (`LIBPYTHON3_VERSION` + `LIBPYTHON3_REVISION` of Makefile.uk). */
export function parsePortVersion(makefile: string): string | undefined {
  const v = /^LIBPYTHON3_VERSION\s*=\s*(\S+)/m.exec(makefile)?.[1];
  const r = /^LIBPYTHON3_REVISION\s*=\s*(\S+)/m.exec(makefile)?.[1];
  return v && (r ? `${v}.${r}` : v);
}

/** The port at one git ref: its Python version, built-in and disabled modules, patches. */
export function readPortRelease(dir: string, ref: string): PythonPortRelease | undefined {
  let config: string;
  let makefile: string;
  try {
    config = git(dir, ['show', `${ref}:modules_config.c`]);
    makefile = git(dir, ['show', `${ref}:Makefile.uk`]);
  } catch {
    return undefined;
  }
  const python = parsePortVersion(makefile);
  if (!python) return undefined;
  const builtin: Record<string, { kconfig?: string[] }> = {};
  const disabled = new Set<string>();
  for (const e of parseInittab(config)) {
    if (!e.enabled) { disabled.add(e.name); continue; }
    const prev = builtin[e.name];
    // the same module listed twice (core list and Unikraft list): unconditional wins
    if (prev && !prev.kconfig) continue;
    builtin[e.name] = e.kconfig.length > 0 ? { kconfig: e.kconfig } : {};
  }
  for (const name of Object.keys(builtin)) disabled.delete(name);
  let requires: Record<string, string[]> = {};
  try { requires = parseExtensionRequires(git(dir, ['show', `${ref}:Config.uk`])); } catch { /* no Config.uk */ }
  let patches: string[] = [];
  try { patches = git(dir, ['ls-tree', '--name-only', `${ref}:patches`]).split('\n').filter((p) => p.endsWith('.patch')); } catch { /* no patches dir */ }
  return {
    ref, commit: git(dir, ['rev-parse', `${ref}^{commit}`]).trim(), date: git(dir, ['log', '-1', '--format=%cs', ref]).trim(),
    python, builtin: Object.fromEntries(Object.entries(builtin).sort(([a], [b]) => a.localeCompare(b))), disabled: [...disabled].sort(), patches,
    ...(Object.keys(requires).length ? { extensionRequires: requires } : {}),
  };
}

/** Builds the python-port table from a lib-python3 git directory (bare or checkout): every RELEASE tag plus `stable`. */
export function syncPythonPort(dir: string, today = new Date().toISOString().slice(0, 10)): PythonPortTable {
  const tags = git(dir, ['tag', '-l', 'RELEASE-*', '--sort=v:refname']).split('\n').filter(Boolean);
  const refs = [...tags, ...(git(dir, ['branch', '--list', 'stable']).trim() ? ['stable'] : [])];
  const releases = refs.map((r) => readPortRelease(dir, r)).filter((r): r is PythonPortRelease => r !== undefined);
  const head = releases[releases.length - 1];
  return {
    target: 'lib-python3',
    provenance: { repo: REPO, tag: head?.ref ?? 'unknown', commit: head?.commit ?? 'unknown', generator: `ukport ${TOOL_VERSION} sync python-port`, date: today },
    releases,
  };
}
