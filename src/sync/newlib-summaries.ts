import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LibcSummaryTable } from '../model/index.js';
import { loadLinuxSyscalls } from '../data/linux-syscalls.js';
import { loadLibcSummary } from '../extract/libc/native-libc.js';
import { readGitInfo } from './git-provenance.js';
import { buildNewlib, exportTree, SYSCALL_ALIASES, syscallForName } from './newlib-build.js';
import { summarizeLibc } from './libc-summaries.js';
import { TOOL_VERSION } from '../version.js';

export interface NewlibSummaryOptions {
  /** unikraft/lib-newlib checkout (its tag names the Unikraft release). */
  libNewlib: string;
  /** newlib checkout at the version lib-newlib pins. */
  newlib: string;
  /** unikraft repository: its headers at lib-newlib's tag (the working tree when the tag is missing). */
  unikraft: string;
  log?: (message: string) => void;
  /** Keep the scratch build (for inspection). */
  keep?: boolean;
}

/** Pseudo-function listing sources of the port that did not compile here (their functions are unresolved). */
export const NOT_BUILT_KEY = '(not-built)';

/**
 * Function → syscall summaries of Unikraft's newlib on x86-64 (see newlib-build.ts): newlib built as the port
 * builds it, then summarised like a libc binary. Functions Unikraft provides outside newlib under a Linux
 * syscall's name (`socket`, `epoll_wait`: UK_LIBC_SYSCALLS of the syscall shim) map to that syscall.
 */
export async function summarizeNewlib(o: NewlibSummaryOptions): Promise<LibcSummaryTable> {
  const log = o.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'ukport-newlib-'));
  try {
    const port = readGitInfo(o.libNewlib);
    const upstream = readGitInfo(o.newlib);
    // Unikraft's headers at the port's release tag; the working tree when the repository lacks that tag
    const ukInfo = readGitInfo(o.unikraft);
    let ukTree = o.unikraft, ukTag = ukInfo?.tag ?? 'working tree', ukCommit = ukInfo?.commit ?? 'unknown';
    if (port && ukInfo) {
      try {
        const commit = execFileSync('git', ['-C', o.unikraft, 'rev-parse', `${port.tag}^{commit}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        ukTree = exportTree(o.unikraft, port.tag, join(work, 'unikraft'), ['include', 'arch', 'lib', 'plat', 'drivers']);
        [ukTag, ukCommit] = [port.tag, commit];
        log(`unikraft headers at ${port.tag}`);
      } catch { log(`unikraft has no ${port.tag}: headers of its working tree (${ukTag})`); }
    }
    const musl = loadLibcSummary('musl', 'x86_64');
    const known = new Set(loadLinuxSyscalls('x86_64').byNumber.values());
    const build = await buildNewlib({
      port: o.libNewlib, newlib: o.newlib, unikraft: ukTree, work, log,
      proxy: (name) => musl.functions[name],
    });
    log(`stubs: ${Object.keys(build.syscallStubs).length} syscall, ${build.wrapperStubs.length} wrapper, ${build.silentStubs.length} without syscalls`);
    const table = summarizeLibc(build.library, 'newlib', {
      repo: 'https://github.com/unikraft/lib-newlib', tag: port?.tag ?? 'unknown', commit: port?.commit ?? 'unknown',
      generator: `ukport ${TOOL_VERSION} newlib-summaries (gcc build of the port's sources, x86_64)`,
      date: new Date().toISOString().slice(0, 10),
      extra: [
        { repo: 'https://sourceware.org/git/newlib-cygwin.git (mirror github.com/bminor/newlib)', tag: upstream?.tag ?? 'unknown', commit: upstream?.commit ?? 'unknown' },
        { repo: 'https://github.com/unikraft/unikraft (headers)', tag: ukTag, commit: ukCommit },
        { repo: `syscall-tables/libc-summaries/musl-x86_64.json (POSIX functions outside newlib: ${Object.keys(build.syscallStubs).filter((n) => musl.functions[n] && !syscallForName(n, known)).join(', ')})`, tag: musl.provenance.tag, commit: musl.provenance.commit },
      ],
    });
    // Unikraft defines libc-level functions for the syscalls it implements (UK_LIBC_SYSCALLS): an app's
    // `socket()` is the syscall shim's, not newlib's
    for (const name of [...known, ...Object.keys(SYSCALL_ALIASES)]) {
      const sc = syscallForName(name, known);
      if (sc && !(name in table.functions)) table.functions[name] = [sc];
    }
    table.functions[NOT_BUILT_KEY] = build.failed.map((f) => f.file);
    table.functions = Object.fromEntries(Object.entries(table.functions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return table;
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  }
}
