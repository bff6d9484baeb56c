import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BuildProblem } from '../model/index.js';
import { archiveFetches, parseDotConfig, type ArchiveFetch } from './fetches.js';
import { runBounded, type Bounds } from './run-bounded.js';
import type { SourceTree } from './sources.js';

/** The make invocation of one port: core tree, app directory, external libraries, output and config paths. */
export interface MakeLayout {
  unikraft: string;
  /** A= : the manifest directory (read only; nothing is written there). */
  app: string;
  /** L= : external library directories, in the manifest's order. */
  libs: string[];
  /** O= : build directory under --out. */
  buildDir: string;
  /** C= : the .config under --out. */
  config: string;
}

/** Names in the manifest's Makefile `LIBS :=` line that the sources directory lacks. */
export interface LibraryResolution {
  libs: string[];
  missing: string[];
}

/**
 * The external libraries of the emitted Makefile (`LIBS := $(UK_LIBS)/musl:$(CURDIR)/lib-x-compat`):
 * `$(UK_LIBS)/<name>` is looked up in the sources directory (libs/, then apps/: app-elfloader is built as
 * one), `$(CURDIR)/<dir>` inside the manifest directory.
 */
export function resolveManifestLibs(makefile: string, manifestDir: string, sources: SourceTree): LibraryResolution {
  const line = makefile.split('\n').find((l) => /^LIBS\s*:?=/.test(l));
  const entries = line ? line.replace(/^LIBS\s*:?=\s*/, '').split(':').map((s) => s.trim()).filter(Boolean) : [];
  const libs: string[] = [];
  const missing: string[] = [];
  for (const e of entries) {
    // `$(CURDIR)` alone: the manifest directory itself is a library (binary-compat: it selects the plan's libraries)
    const local = /^\$\(CURDIR\)(?:\/(.+))?$/.exec(e);
    if (local) { libs.push(local[1] ? join(manifestDir, local[1]) : manifestDir); continue; }
    const name = e.replace(/^\$\(UK_LIBS\)\//, '');
    const found = name.startsWith('app-') ? sources.find('app', name) : sources.find('lib', name) ?? sources.find('app', name);
    if (found) libs.push(found); else missing.push(name);
  }
  return { libs, missing };
}

/**
 * The application the manifest's Makefile builds (`A=$(UK_APPS)/app-elfloader` in its rule, as catalog-core
 * writes it for binary-compat): the app's name in --sources, or undefined when A= is the manifest directory.
 */
export function makefileApp(makefile: string): string | undefined {
  const m = /\bA=\$\(UK_APPS\)\/([A-Za-z0-9._-]+)/.exec(makefile);
  return m?.[1];
}

/**
 * The template app a Kraftfile names (`template: source: …/app-elfloader.git`): KraftKit builds the template as
 * the application and applies the Kraftfile's configuration on top; verify does the same with make (A= the
 * template's checkout in --sources, the manifest's defconfig, its libraries).
 */
export function kraftfileTemplate(kraftfile: string): string | undefined {
  const m = /^template:\s*\n\s+source:\s*"?([^"\n]+?)"?\s*$/m.exec(kraftfile) ?? /^template:\s*"?([^"\n]+?)"?\s*$/m.exec(kraftfile);
  return m ? m[1]!.replace(/\.git$/, '').replace(/\/+$/, '').split('/').pop() : undefined;
}

/** The make argv for a goal (olddefconfig, or the build when goal is undefined). */
export function makeArgv(layout: MakeLayout, goal: string | undefined, jobs: number): string[] {
  const argv = ['make', '-C', layout.unikraft, `A=${layout.app}`, `O=${layout.buildDir}`, `C=${layout.config}`];
  if (layout.libs.length) argv.push(`L=${layout.libs.join(':')}`);
  if (goal) argv.push(goal); else argv.push(`-j${jobs}`);
  return argv;
}

/** An archive make would download, and whether the sources directory has it. */
export interface ArchiveNeed extends ArchiveFetch {
  /** Where it was found (sources' archives/), when it was. */
  found?: string;
  /** Where make looks for it: `$(O)/<lib>/<file>`. */
  target: string;
}

/** The archives every library of the build fetches (under the resolved .config), looked up in the sources' archives/. */
export function neededArchives(layout: MakeLayout, sources: SourceTree): ArchiveNeed[] {
  const config = parseDotConfig(existsSync(layout.config) ? readFileSync(layout.config, 'utf8') : '');
  const needs: ArchiveNeed[] = [];
  for (const dir of [layout.app, ...layout.libs]) {
    const mk = join(dir, 'Makefile.uk');
    if (!existsSync(mk)) continue;
    for (const f of archiveFetches(readFileSync(mk, 'utf8'), config)) {
      const candidates = sources.archives ? [join(sources.archives, f.lib, f.file), join(sources.archives, f.file)] : [];
      const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      needs.push({ ...f, target: join(layout.buildDir, f.lib, f.file), ...(found ? { found } : {}) });
    }
  }
  return needs;
}

/** Puts each found archive where Unikraft's `fetchas` rule looks first ($(O)/<lib>/<file>), so make downloads nothing. */
export function stageArchives(needs: ArchiveNeed[]): void {
  for (const n of needs) {
    if (!n.found || existsSync(n.target)) continue;
    mkdirSync(join(n.target, '..'), { recursive: true });
    copyFileSync(n.found, n.target);
  }
}

/** The kernel image make produced: `<name>_qemu-x86_64` (or `_kvm-`, `-arm64`), not its .dbg. */
export function findImage(buildDir: string, arch: 'x86_64' | 'aarch64'): string | undefined {
  if (!existsSync(buildDir)) return undefined;
  const suffix = arch === 'x86_64' ? /_(?:qemu|kvm)-x86_64$/ : /_(?:qemu|kvm)-arm64$/;
  const images = readdirSync(buildDir).filter((n) => suffix.test(n)).map((n) => join(buildDir, n));
  return images.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/** Writes C: the emitted defconfig plus verify's own lines (tracing), to be completed by `make olddefconfig`. */
export function writeSeedConfig(layout: MakeLayout, defconfig: string, extra: string[]): void {
  mkdirSync(layout.buildDir, { recursive: true });
  const body = defconfig.trimEnd() + '\n' + (extra.length ? `# added by ukport verify\n${extra.join('\n')}\n` : '');
  // an unchanged seed keeps the old .config, so make reuses the build
  const seed = `${layout.config}.seed`;
  if (existsSync(seed) && existsSync(layout.config) && readFileSync(seed, 'utf8') === body) return;
  writeFileSync(seed, body);
  writeFileSync(layout.config, body);
}

/** Runs one make goal bounded, logging to LOG; returns whether it succeeded and the time it took. */
export async function runMake(layout: MakeLayout, goal: string | undefined, log: string, bounds: Bounds, jobs: number): Promise<{ ok: boolean; seconds: number; detail?: string }> {
  const r = await runBounded(makeArgv(layout, goal, jobs), { cwd: layout.unikraft, log, bounds, env: { ...process.env, LC_ALL: 'C' } });
  const ok = r.code === 0 && !r.timedOut;
  return { ok, seconds: r.seconds, ...(ok ? {} : { detail: r.timedOut ? `time bound of ${bounds.seconds} s reached` : `make exited with ${r.code ?? r.signal}` }) };
}

/** Missing archives as build problems: the file, where to put it, and the URLs make would fetch it from. */
export function missingArchiveProblems(needs: ArchiveNeed[], sources: SourceTree): BuildProblem[] {
  const dir = sources.archives ?? join(sources.root, 'archives');
  return needs.filter((n) => !n.found && !existsSync(n.target)).map((n) => ({
    kind: 'missing-archive' as const,
    message: `${n.file} (${n.lib}) is not in ${dir}/: put it there (from ${n.urls.join(' or ')}), or run without --offline to let make fetch it`,
    symbol: basename(n.file),
  }));
}
