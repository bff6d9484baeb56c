#!/usr/bin/env node
// Records what Unikraft's own catalogs run, as facts with provenance: fixtures/unikraft-catalog/catalog.json.
// Reads fetched snapshots (git directories, never checked out or built) of unikraft/catalog, unikraft/catalog-core and
// unikraft/app-elfloader; copies no code, only Kraftfile / defconfig / Config.uk / Dockerfile facts.
// Usage: node scripts/catalog-fixture.mjs [MIRROR_DIR]   (default /work/.mirror; each repo at <owner>+<name>/repo)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const MIRROR = process.argv[2] ?? '/work/.mirror';
const OUT = new URL('../fixtures/unikraft-catalog/catalog.json', import.meta.url).pathname;

const gitDir = (repo) => join(MIRROR, repo.replace('/', '+'), 'repo');
const git = (repo, ...args) => execFileSync('git', ['--git-dir', gitDir(repo), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const head = (repo) => git(repo, 'rev-parse', 'HEAD').trim();
const show = (repo, commit, path) => { try { return execFileSync('git', ['--git-dir', gitDir(repo), 'show', `${commit}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }); } catch { return undefined; } };
const files = (repo, commit) => git(repo, 'ls-tree', '-r', '--name-only', commit).split('\n').filter(Boolean);
const date = (repo, commit) => git(repo, 'show', '-s', '--format=%cI', commit).trim();

// Which function a library or option serves; used to say what an entry relies on (the plan must serve the same).
const ROLE_OF_LIBRARY = { lwip: 'network', musl: 'libc', newlib: 'libc', libelf: 'loader', 'app-elfloader': 'loader', libcxx: 'c++', libcxxabi: 'c++', libunwind: 'c++', 'compiler-rt': 'c++' };
const ROLE_OF_SYMBOL = [
  [/^CONFIG_LIB(VFSCORE|RAMFS|UKCPIO|DEVFS|9PFS|UK9P)(_|$)/, 'filesystem'],
  [/^CONFIG_LIBUKNETDEV|^CONFIG_LWIP_|^CONFIG_VIRTIO_NET/, 'network'],
  [/^CONFIG_APPELFLOADER_|^CONFIG_LIBELF$/, 'loader'],
  [/^CONFIG_LIBUKLIBPARAM$/, 'kernel-parameters'],
  [/^CONFIG_LIBPOSIX_EVENTFD$/, 'eventfd'],
  [/^CONFIG_LIBPOSIX_UNIXSOCKET$/, 'unix-sockets'],
  [/^CONFIG_LIBPOSIX_SOCKET$/, 'network'],
];

function rolesOf(libraries, kconfig) {
  const roles = {};
  const add = (role, what) => { (roles[role] ??= []).includes(what) || roles[role].push(what); };
  for (const l of libraries) add(ROLE_OF_LIBRARY[l.name] ?? (l.name.startsWith('lib') ? 'port' : 'app-port'), l.name);
  for (const k of kconfig) {
    const sym = k.split('=')[0];
    if (k.endsWith('=n')) continue;
    for (const [re, role] of ROLE_OF_SYMBOL) if (re.test(sym)) { add(role, sym); break; }
  }
  for (const r of Object.values(roles)) r.sort();
  return roles;
}

const kv = (o) => Object.entries(o ?? {}).map(([k, v]) => `${k}=${v === true ? 'y' : v === false ? 'n' : String(v)}`).sort();

/** Library entries of a Kraftfile: `name: version` or `name: {source, version, kconfig}`. */
function kraftLibraries(libs) {
  return Object.entries(libs ?? {}).map(([name, v]) => {
    if (v === null || typeof v !== 'object') return { name, version: v === null ? null : String(v) };
    return { name, version: v.version === undefined ? null : String(v.version), ...(v.source ? { source: v.source } : {}), kconfig: kv(v.kconfig) };
  });
}

/** The Dockerfile's base images and what it copies from them (paths only). */
function dockerfileFacts(text) {
  if (!text) return undefined;
  const from = [...text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], ...(m[2] ? { as: m[2] } : {}) }));
  const copies = [...text.matchAll(/^COPY\s+(?:--from=(\S+)\s+)?(\S+)\s+(\S+)\s*$/gim)].map((m) => ({ ...(m[1] ? { from: m[1] } : {}), src: m[2], dst: m[3] }));
  const compiles = /\b(gcc|g\+\+|clang|cc)\b/.test(text);
  return { from, copies, ...(compiles ? { compiles: true } : {}) };
}

/** The catalog entry a `runtime: name:version` names (`base:latest` → library/base/Kraftfile), when the catalog has it. */
function runtimeEntry(all, runtime) {
  const [name, version] = runtime.replace(/^.*\//, '').split(':');
  const candidates = [`library/${name}/${version}/Kraftfile`, `library/${name}/Kraftfile`];
  if (version && version !== 'latest') candidates.push(...all.filter((f) => f.startsWith(`library/${name}/${version}`) && f.endsWith('/Kraftfile')).sort().reverse());
  return candidates.find((c) => all.includes(c)) ?? null;
}

function catalogEntries() {
  const repo = 'unikraft/catalog';
  const commit = head(repo);
  const all = files(repo, commit);
  return { source: { repo, commit, date: date(repo, commit) }, // published entries only (library/, examples/, native/); tests/ is the catalog's own test harness
  entries: all.filter((f) => f.endsWith('/Kraftfile') && /^(library|examples|native)\//.test(f)).sort().map((kf) => {
    const dir = kf.slice(0, -'/Kraftfile'.length);
    const k = parse(show(repo, commit, kf), { uniqueKeys: false }) ?? {}; // some Kraftfiles repeat a key (nginx 1.15: CONFIG_LIBUK9P)
    const uk = typeof k.unikraft === 'object' && k.unikraft !== null ? k.unikraft : k.unikraft !== undefined ? { version: k.unikraft } : undefined;
    const template = typeof k.template === 'object' && k.template !== null ? k.template : k.template !== undefined ? { source: String(k.template) } : undefined;
    const form = k.runtime ? 'runtime' : template && /app-elfloader/.test(template.source ?? '') ? 'binary-compat-template' : template ? 'template' : 'native';
    const libraries = kraftLibraries(k.libraries);
    if (template && /app-elfloader/.test(template.source ?? '')) libraries.unshift({ name: 'app-elfloader', version: template.version === undefined ? null : String(template.version), source: template.source });
    const kconfig = kv(uk?.kconfig);
    const rootfs = typeof k.rootfs === 'string' ? k.rootfs : k.rootfs?.source ?? null;
    const docker = rootfs && /Dockerfile$/.test(rootfs) ? dockerfileFacts(show(repo, commit, join(dir, rootfs))) : undefined;
    return {
      repo, path: kf, commit, name: k.name ?? dir.split('/').pop(), spec: k.spec ?? null, form,
      unikraft: uk?.version === undefined ? null : String(uk.version),
      ...(k.runtime ? { runtime: String(k.runtime), runtimeEntry: runtimeEntry(all, String(k.runtime)) } : {}),
      ...(template ? { template: { source: template.source ?? null, version: template.version === undefined ? null : String(template.version) } } : {}),
      libraries, kconfig, targets: (k.targets ?? []).map((t) => (typeof t === 'string' ? t : `${t.platform ?? t.plat}/${t.architecture ?? t.arch}`)),
      rootfs, cmd: Array.isArray(k.cmd) ? k.cmd.map(String) : typeof k.cmd === 'string' ? [k.cmd] : [],
      ...(docker ? { dockerfile: docker } : {}),
      relies: rolesOf(libraries, kconfig),
    };
  }) };
}

function coreEntries() {
  const repo = 'unikraft/catalog-core';
  const commit = head(repo);
  const all = files(repo, commit);
  const apps = all.filter((f) => /^[^/]+\/Makefile$/.test(f)).map((f) => f.split('/')[0]).sort();
  return { source: { repo, commit, date: date(repo, commit) }, entries: apps.map((app) => {
    const mk = show(repo, commit, `${app}/Makefile`) ?? '';
    const libsLine = /^UK_LIBS\s*\?=\s*(.*)$/m.exec(mk)?.[1] ?? '';
    const elfloader = /apps\/elfloader/.test(/^UK_APP\s*\?=\s*(.*)$/m.exec(mk)?.[1] ?? '');
    const libraries = [...libsLine.matchAll(/\$\(LIBS_BASE\)\/([\w.-]+)/g)].map((m) => ({ name: m[1], version: null }));
    if (elfloader) libraries.unshift({ name: 'app-elfloader', version: null, source: 'https://github.com/unikraft/app-elfloader' });
    const defconfigs = all.filter((f) => f.startsWith(`${app}/.scripts/defconfig/`)).sort();
    const main = defconfigs.find((f) => f.endsWith('qemu.x86_64')) ?? defconfigs[0];
    const kconfig = (show(repo, commit, main ?? '') ?? '').split('\n').map((l) => l.trim()).filter((l) => /^CONFIG_\w+=/.test(l))
      .filter((l) => !/^CONFIG_(PLAT_|KVM_VMM_|ARCH_)/.test(l)).sort();
    const selects = [...(show(repo, commit, `${app}/Config.uk`) ?? '').matchAll(/^\s*select\s+(\w+)/gm)].map((m) => `CONFIG_${m[1]}`).sort();
    const targets = defconfigs.map((f) => f.split('/').pop().replace('.', '/')).map((t) => t.replace(/^qemu|^fc|^xen/, (p) => p));
    return {
      repo, path: `${app}/Makefile`, commit, name: app, spec: null, form: elfloader || app.startsWith('bincompat-') ? 'binary-compat-template' : 'native',
      // catalog-core clones each repo's default branch (setup.sh): it follows staging
      unikraft: 'staging', libraries, kconfig, selects, ...(main ? { defconfig: main } : {}), targets, rootfs: all.some((f) => f.startsWith(`${app}/rootfs/`)) ? `${app}/rootfs` : null, cmd: [],
      relies: rolesOf(libraries, [...kconfig, ...selects.map((s) => `${s}=y`)]),
    };
  }) };
}

function elfloaderFacts() {
  const repo = 'unikraft/app-elfloader';
  const commit = head(repo);
  const cfg = show(repo, commit, 'Config.uk') ?? '';
  const block = /config APPELFLOADER_DEPENDENCIES[\s\S]*?(?=\n(?:###|config |choice|menu|if ))/.exec(cfg)?.[0] ?? '';
  const pick = (kw) => [...block.matchAll(new RegExp(`^\\s*${kw}\\s+(\\w+)(?:\\s+if\\s+(.+))?$`, 'gm'))].map((m) => (m[2] ? `CONFIG_${m[1]} if ${m[2].trim()}` : `CONFIG_${m[1]}`));
  return { repo, path: 'Config.uk', commit, date: date(repo, commit), option: 'APPELFLOADER_DEPENDENCIES', selects: pick('select'), implies: pick('imply') };
}

const catalog = catalogEntries();
const core = coreEntries();
const fixture = {
  $schema: './catalog.schema.json',
  description: 'What Unikraft\'s own catalogs run, read from their Kraftfiles, defconfigs, Config.uk and Dockerfiles (facts, no code). Generated by scripts/catalog-fixture.mjs from fetched snapshots; `relies` is derived by that script (which function each library or option serves).',
  sources: [catalog.source, core.source, { repo: 'unikraft/app-elfloader', commit: head('unikraft/app-elfloader'), date: date('unikraft/app-elfloader', head('unikraft/app-elfloader')) }],
  templates: [elfloaderFacts()],
  entries: [...catalog.entries, ...core.entries],
};
// arrays of strings stay on one line: one entry reads as a screenful
const text = JSON.stringify(fixture, null, 2).replace(/\[\n\s*("(?:[^"\\]|\\.)*"(?:,\n\s*"(?:[^"\\]|\\.)*")*)\n\s*\]/g, (_m, items) => `[${items.split(/,\n\s*/).join(', ')}]`);
writeFileSync(OUT, text + '\n');
console.error(`wrote ${OUT}: ${fixture.entries.length} entries`);
