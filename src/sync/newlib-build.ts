import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { UkportError } from '../errors.js';
import { loadLinuxSyscalls } from '../data/linux-syscalls.js';
import { loadElf } from '../extract/elf/resolve-libraries.js';
import { evalMakefile } from './makefile-eval.js';

/**
 * Builds newlib the way unikraft/lib-newlib does (its Makefile.uk source lists, per-file flags and patches,
 * against the newlib release it pins), as one x86-64 shared object whose function summaries stand in for
 * Unikraft's newlib in native mode. What lib-newlib leaves to Unikraft is linked against generated stubs:
 * a POSIX function named like a Linux syscall (`read`, `open`, `uk_syscall_r_fstat`) becomes that raw syscall,
 * since Unikraft serves it through its syscall shim; `syscall`/`uk_syscall` take the number as an argument;
 * another POSIX function makes what `proxy` says; Unikraft internals (`uk_*`, `ukplat_*`) make no syscall.
 */
export interface NewlibBuildOptions {
  /** unikraft/lib-newlib checkout. */
  port: string;
  /** newlib checkout at the version the port pins (LIBNEWLIB_VERSION). */
  newlib: string;
  /** unikraft checkout (the release the port is for): lib-newlib's headers include Unikraft's. */
  unikraft: string;
  /** Empty scratch directory. */
  work: string;
  cc?: string;
  log?: (message: string) => void;
  /**
   * Syscalls of a POSIX function Unikraft implements outside newlib (`opendir`, `raise`), on a Linux libc:
   * the stub makes those (the musl summaries, so that what newlib calls is not taken as syscall-free).
   */
  proxy?: (name: string) => string[] | undefined;
}

export interface NewlibBuild {
  /** The linked shared object. */
  library: string;
  compiled: number;
  /** Sources that did not compile (file and first error line): their functions are absent from the summaries. */
  failed: { file: string; error: string }[];
  /** Unresolved names linked to raw syscalls (name → syscalls). */
  syscallStubs: Record<string, string[]>;
  /** Unresolved names that take the syscall number as their first argument. */
  wrapperStubs: string[];
  /** Unresolved names linked to a stub that makes no syscall (Unikraft internals). */
  silentStubs: string[];
  /** Kconfig symbols assumed set when reading Makefile.uk. */
  config: Record<string, string>;
}

/**
 * Kconfig the summaries assume: x86-64, libc and libm, the syscall shim, threads (scheduler, mutexes),
 * sockets over lwIP, crypt (lib-newlib's default).
 */
export const NEWLIB_CONFIG: Record<string, string> = {
  CONFIG_LIBNEWLIBC: 'y', CONFIG_LIBNEWLIBM: 'y', CONFIG_ARCH_X86_64: 'y', CONFIG_HAVE_SCHED: 'y',
  CONFIG_LIBSYSCALL_SHIM: 'y', CONFIG_LIBUKLOCK: 'y', CONFIG_LIBUKLOCK_MUTEX: 'y', CONFIG_LIBUKLOCK_SEMAPHORE: 'y',
  CONFIG_LIBPOSIX_SOCKET: 'y', CONFIG_LIBLWIP: 'y', CONFIG_LIBNEWLIBC_CRYPT: 'y', CONFIG_UKPLAT_LCPU_MAXCOUNT: '1',
};

/** libc names whose Linux x86-64 syscall has another name. */
export const SYSCALL_ALIASES: Record<string, string> = {
  wait: 'wait4', waitpid: 'wait4', wait3: 'wait4', sbrk: 'brk', signal: 'rt_sigaction', sigaction: 'rt_sigaction',
  sigprocmask: 'rt_sigprocmask', sigsuspend: 'rt_sigsuspend', sigpending: 'rt_sigpending', pread: 'pread64',
  pwrite: 'pwrite64', lseek64: 'lseek', fstat64: 'fstat', stat64: 'stat', lstat64: 'lstat', open64: 'open',
  _exit: 'exit_group', _Exit: 'exit_group',
};
/** Unikraft's syscall entry points that take the number first. */
const WRAPPER_NAMES = new Set(['syscall', 'uk_syscall', 'uk_syscall6', 'uk_syscall_r', 'uk_syscall_e']);

/** The Linux syscall a libc-level NAME stands for on Unikraft, if any (`uk_syscall_r_read` → read). */
export function syscallForName(name: string, known: ReadonlySet<string>): string | undefined {
  const plain = name.replace(/^uk_syscall_[re]_/, '');
  const alias = SYSCALL_ALIASES[plain] ?? plain;
  return known.has(alias) ? alias : undefined;
}

/** One compilation: source, distinct object name and its flags. */
interface Unit { source: string; object: string; flags: string[] }

/** Library prefixes of lib-newlib's Makefile.uk and the tree each compiles from. */
const LIBS = ['LIBNEWLIBC', 'LIBNEWLIBM', 'LIBNEWLIBGLUE'] as const;

function unitsOf(port: string, tree: string, unikraft: string, generated: string): Unit[] {
  const vars = { LIBNEWLIBC_BASE: port, LIBNEWLIB_LIBC: join(tree, 'newlib/libc'), LIBNEWLIB_LIBM: join(tree, 'newlib/libm'), LIBNEWLIBC_ORIGIN: tree };
  const mk = evalMakefile(readdirSync(port).filter((f) => /^Makefile\.uk/.test(f)).sort().map((f) => readFileSync(join(port, f), 'utf8')).join('\n'), NEWLIB_CONFIG, vars);
  // Unikraft's per-library and per-file variables come with and without the `-y` list suffix
  const words = (name: string): string[] => [...mk.words(`${name}-y`), ...mk.words(name)];
  const global = [...mk.words('CFLAGS-y'), ...mk.words('CINCLUDES-y')];
  const ukIncludes = unikraftIncludes(unikraft, generated);
  const units: Unit[] = [];
  for (const lib of LIBS) {
    const libFlags = [...words(`${lib}_CFLAGS`), ...words(`${lib}_CINCLUDES`)];
    for (const entry of mk.words(`${lib}_SRCS-y`)) {
      const [source, variant] = entry.split('|') as [string, string | undefined];
      if (!/\.[cS]$/.test(source)) continue;
      const base = basename(source).replace(/\.[cS]$/, '');
      const key = `${lib}_${base.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
      const perFile = [key, ...(variant ? [`${key}_${variant.toUpperCase()}`] : [])]
        .flatMap((k) => [...words(`${k}_FLAGS`), ...words(`${k}_INCLUDES`)]);
      units.push({ source, object: `${units.length}-${base}${variant ? `-${variant}` : ''}.o`, flags: [...global, ...libFlags, ...perFile, ...ukIncludes] });
    }
  }
  return units;
}

/** Unikraft's public headers (include/, the x86-64 arch, every internal library's include/). */
function unikraftIncludes(uk: string, generated: string): string[] {
  const dirs = [generated, join(uk, 'include'), join(uk, 'arch/x86/x86_64/include'), join(uk, 'arch/x86/include')];
  for (const top of ['lib', 'drivers', 'plat']) {
    if (!existsSync(join(uk, top))) continue;
    for (const d of readdirSync(join(uk, top)).sort()) if (existsSync(join(uk, top, d, 'include'))) dirs.push(join(uk, top, d, 'include'));
  }
  return ['-D__Unikraft__', '-D__X86_64__', ...dirs.filter(existsSync).map((d) => `-I${d}`)];
}

/**
 * The headers a Unikraft build generates: uk/bits/config.h for CONFIG; the library-id table and the syscall
 * shim's tables stay empty (the glue only declares `uk_syscall`, which the stubs then provide).
 */
function writeKconfigHeader(dir: string, config: Record<string, string>): void {
  mkdirSync(join(dir, 'uk/bits'), { recursive: true });
  for (const h of ['libid', 'syscall_nrs', 'syscall_map', 'syscall_provided', 'syscall_stubs', 'syscall_static', 'syscall_r_static']) {
    writeFileSync(join(dir, `uk/bits/${h}.h`), '');
  }
  writeFileSync(join(dir, 'uk/bits/config.h'), Object.entries(config).map(([k, v]) => `#define ${k} ${v === 'y' ? 1 : v}`).join('\n') + '\n');
}

/** Runs `run` over ITEMS with at most `jobs` at a time. */
async function pool<T>(items: T[], jobs: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

function compile(cc: string, args: string[]): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(cc, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { if (err.length < 4096) err += d.toString(); });
    p.on('close', (code) => done({ ok: code === 0, stderr: err }));
    p.on('error', (e) => done({ ok: false, stderr: String(e) }));
  });
}

/** Stub source for the unresolved NAMES (see NewlibBuild). */
function stubSource(syscalls: Record<string, string[]>, wrappers: string[], silent: string[], numbers: ReadonlyMap<string, number>): string {
  const out = ['/* generated by ukport: what Unikraft provides outside newlib, reduced to the syscalls it stands for */'];
  for (const [name, scs] of Object.entries(syscalls)) {
    const body = scs.map((sc) => `__asm__ volatile ("syscall" : "=a"(r) : "a"(${numbers.get(sc)}L) : "rcx", "r11", "memory");`).join(' ');
    out.push(`long ${name}(void) { long r; ${body} return r; }`);
  }
  for (const name of wrappers) {
    out.push(`long ${name}(long n) { long r; __asm__ volatile ("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory"); return r; }`);
  }
  for (const name of silent) out.push(`long ${name}(void) { return 0; }`);
  return out.join('\n') + '\n';
}

/** Builds the shared object (see the module comment). Needs gcc and patch; compiles in parallel. */
export async function buildNewlib(o: NewlibBuildOptions): Promise<NewlibBuild> {
  const cc = o.cc ?? 'gcc';
  const log = o.log ?? (() => undefined);
  if (!existsSync(join(o.newlib, 'newlib/libc'))) throw new UkportError('not-found', 'not a newlib checkout (no newlib/libc)', o.newlib);
  if (!existsSync(join(o.port, 'Makefile.uk'))) throw new UkportError('not-found', 'not a lib-newlib checkout (no Makefile.uk)', o.port);
  // the port's patches apply to a copy of the pinned tree
  const tree = join(o.work, 'newlib');
  mkdirSync(join(tree, 'newlib'), { recursive: true });
  for (const part of ['libc', 'libm']) cpSync(join(o.newlib, 'newlib', part), join(tree, 'newlib', part), { recursive: true });
  const patches = existsSync(join(o.port, 'patches')) ? readdirSync(join(o.port, 'patches')).filter((f) => f.endsWith('.patch')).sort() : [];
  for (const p of patches) {
    const r = spawnSync('patch', ['-p1', '-s', '-N', '-d', tree, '-i', join(o.port, 'patches', p)], { encoding: 'utf8' });
    if (r.status !== 0) throw new UkportError('unsupported-input', `lib-newlib patch ${p} does not apply: ${(r.stdout + r.stderr).split('\n')[0]}`, o.port);
  }
  log(`applied ${patches.length} patches of lib-newlib`);
  writeKconfigHeader(join(o.work, 'include'), NEWLIB_CONFIG);
  const units = unitsOf(o.port, tree, o.unikraft, join(o.work, 'include'));
  const objects = join(o.work, 'obj');
  mkdirSync(objects, { recursive: true });
  const failed: NewlibBuild['failed'] = [];
  const built: string[] = [];
  let done = 0;
  await pool(units, Math.max(1, availableParallelism()), async (u) => {
    const out = join(objects, u.object);
    const r = await compile(cc, ['-c', '-O2', '-fPIC', '-w', '-fno-stack-protector', '-fcf-protection=none', ...u.flags, u.source, '-o', out]);
    if (r.ok) built.push(out);
    else failed.push({ file: u.source.replace(`${o.work}/`, '').replace(`${o.port}/`, 'lib-newlib/'), error: (r.stderr.split('\n').find((l) => /error/.test(l)) ?? r.stderr.split('\n')[0] ?? '').trim() });
    if (++done % 100 === 0) log(`compiled ${done}/${units.length}`);
  });
  built.sort(); failed.sort((a, b) => a.file.localeCompare(b.file));
  log(`compiled ${built.length} of ${units.length} sources (${failed.length} failed)`);
  // first link: what stays unresolved
  const first = join(o.work, 'libnewlib-unresolved.so');
  link(cc, built, first);
  const linux = loadLinuxSyscalls('x86_64');
  const known = new Set(linux.byNumber.values());
  const numbers = new Map([...linux.byNumber].map(([n, name]) => [name, n]));
  const unresolved = [...new Set(loadElf(first).decoded.info.imports.map((s) => s.name))].filter((n) => !/^_ITM_|^__gmon_start__$|^_Jv_/.test(n)).sort();
  const syscallStubs: Record<string, string[]> = {};
  const wrapperStubs: string[] = [], silentStubs: string[] = [];
  for (const name of unresolved) {
    const sc = syscallForName(name, known);
    const proxied = sc || /^_*uk/.test(name) ? undefined : o.proxy?.(name);
    if (WRAPPER_NAMES.has(name)) wrapperStubs.push(name);
    else if (sc) syscallStubs[name] = [sc];
    else if (proxied?.length) syscallStubs[name] = proxied.filter((p) => numbers.has(p));
    else silentStubs.push(name);
  }
  const stub = join(o.work, 'unikraft-stubs.c');
  writeFileSync(stub, stubSource(syscallStubs, wrapperStubs, silentStubs, numbers));
  const stubObj = join(objects, 'unikraft-stubs.o');
  const r = spawnSync(cc, ['-c', '-O2', '-fPIC', '-w', '-fno-builtin', stub, '-o', stubObj], { encoding: 'utf8' });
  if (r.status !== 0) throw new UkportError('unsupported-input', `stub compilation failed: ${r.stderr.split('\n')[0]}`, stub);
  const library = join(o.work, 'libnewlib-unikraft.so');
  link(cc, [...built, stubObj], library);
  return { library, compiled: built.length, failed, syscallStubs, wrapperStubs, silentStubs, config: NEWLIB_CONFIG };
}

function link(cc: string, objects: string[], out: string): void {
  const list = `${out}.objects`;
  writeFileSync(list, objects.join('\n') + '\n');
  // libm and libc both define a few helpers: the first definition wins, as in a static link
  const r = spawnSync(cc, ['-shared', '-nostdlib', '-Wl,--allow-multiple-definition', '-o', out, `@${list}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new UkportError('unsupported-input', `linking newlib failed: ${r.stderr.split('\n').find((l) => /error|undefined/.test(l)) ?? r.stderr.split('\n')[0]}`, out);
}

/** Extracts REF of the git repository REPO into DEST (`git archive`): the checkout itself is left alone. */
export function exportTree(repo: string, ref: string, dest: string, paths: string[]): string {
  mkdirSync(dest, { recursive: true });
  const archive = spawnSync('git', ['-C', repo, 'archive', '--format=tar', ref, ...paths], { maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new UkportError('unsupported-input', `git archive ${ref} failed: ${archive.stderr.toString().split('\n')[0]}`, repo);
  const untar = spawnSync('tar', ['-x', '-C', dest], { input: archive.stdout });
  if (untar.status !== 0) throw new UkportError('unsupported-input', `unpacking ${ref} failed`, repo);
  return dest;
}
