import { posix } from 'node:path';
import { UkportError } from '../../errors.js';
import { resolveInRootFs } from '../rooted-path.js';
import type { RootFs } from '../root-fs.js';
import type { ImageConfig } from './open-image.js';

/** One program on the way from the image's command to the ELF that runs: a script or the ELF itself. */
export interface EntrypointStep {
  /** Canonical path inside the image. */
  path: string;
  /** What the config or the previous `#!` line named. */
  named: string;
  kind: 'script' | 'elf';
  layer?: string;
  /** The `#!` line of a script. */
  shebang?: string;
}

/** What the image runs: its argv, the scripts followed, and the main ELF (or why none was found). */
export interface ResolvedEntrypoint {
  argv: string[];
  chain: EntrypointStep[];
  /** Canonical path of the main ELF executable. */
  main?: string;
  problem?: string;
}

/** Docker's default PATH when the image sets none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Linux follows at most this many nested `#!` interpreters (BINPRM_MAX_RECURSION). */
const MAX_SHEBANG_DEPTH = 4;

function findProgram(fs: RootFs, name: string, config: ImageConfig): string | undefined {
  const isFile = (p: string): string | undefined => {
    const c = resolveInRootFs(fs, p);
    return c !== undefined && fs.lstat(c)?.type === 'file' ? c : undefined;
  };
  if (name.includes('/')) return isFile(posix.resolve(config.workingDir, name));
  for (const dir of (config.env.PATH ?? DEFAULT_PATH).split(':')) {
    if (!dir) continue;
    const hit = isFile(posix.resolve(config.workingDir, dir, name));
    if (hit) return hit;
  }
  return undefined;
}

/** Interpreter named by a `#!` line; `/usr/bin/env [-S] prog` names prog. */
function interpreterOf(line: string): { program: string; viaEnv: boolean } | undefined {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  if (posix.basename(words[0]!) !== 'env') return { program: words[0]!, viaEnv: false };
  const rest = words.slice(1).filter((w) => !w.startsWith('-') && !w.includes('='));
  return rest[0] ? { program: rest[0], viaEnv: true } : undefined;
}

/**
 * Picks the program an image runs: Entrypoint + Cmd (as Docker builds argv), looked up through PATH and
 * WorkingDir inside the image, following `#!` lines to the interpreter until an ELF is reached.
 */
export function resolveEntrypoint(fs: RootFs, config: ImageConfig): ResolvedEntrypoint {
  const argv = [...config.entrypoint, ...config.cmd];
  const out: ResolvedEntrypoint = { argv, chain: [] };
  if (argv.length === 0) return { ...out, problem: 'the image config sets neither Entrypoint nor Cmd' };
  let named = argv[0]!;
  let path = findProgram(fs, named, config);
  for (let depth = 0; ; depth++) {
    if (path === undefined) return { ...out, problem: `${named} not found in the image (PATH ${config.env.PATH ?? DEFAULT_PATH})` };
    const st = fs.lstat(path);
    let head: Buffer;
    try {
      head = fs.readFile(path).subarray(0, 256);
    } catch (e) {
      if (e instanceof UkportError) return { ...out, problem: `${path}: ${e.detail}` };
      throw e;
    }
    const step = { path, named, ...(st?.layer ? { layer: st.layer } : {}) };
    if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) {
      out.chain.push({ ...step, kind: 'elf' });
      return { ...out, main: path };
    }
    if (head.toString('latin1', 0, 2) !== '#!') return { ...out, chain: [...out.chain, { ...step, kind: 'script' }], problem: `${path} is neither an ELF executable nor a #! script` };
    const line = head.toString('utf8', 2).split('\n')[0]!;
    out.chain.push({ ...step, kind: 'script', shebang: `#!${line.trim()}` });
    if (depth + 1 >= MAX_SHEBANG_DEPTH) return { ...out, problem: `more than ${MAX_SHEBANG_DEPTH} nested #! interpreters` };
    const interp = interpreterOf(line);
    if (!interp) return { ...out, problem: `${path}: empty #! line` };
    // `#!/usr/bin/env prog` runs env first: it must exist in the image, then prog is searched on PATH
    const envPath = line.trim().split(/\s+/)[0]!;
    if (interp.viaEnv && findProgram(fs, envPath, config) === undefined) return { ...out, problem: `${path}: #! interpreter ${envPath} not found in the image` };
    named = interp.program;
    // The kernel takes a #! path literally, relative to the working directory (no PATH search); env searches PATH.
    path = findProgram(fs, interp.viaEnv || named.includes('/') ? named : `./${named}`, config);
  }
}
