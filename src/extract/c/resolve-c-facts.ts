import type { Arch, Evidence, UnknownReason } from '../../model/index.js';
import type { FactBag } from './fact-bag.js';
import { expandMacroCalls, expandObjectText, macroMayCall, tokenize, type MacroTable } from './macros.js';
import type { FileScan, NameSite, SiteContext } from './scan-c-file.js';

/** Syscall name ↔ number table of one architecture (the shape `loadLinuxSyscalls(arch)` returns). */
export interface SyscallNames {
  byName: ReadonlyMap<string, number>;
  byNumber: ReadonlyMap<number, string>;
}

/** What name resolution needs beyond the per-file scans. */
export interface ResolveContext {
  libcFunctions: ReadonlySet<string>;
  macros: MacroTable;
  /** Functions defined anywhere in the scanned tree: calls to them are not libc calls. */
  defined: ReadonlySet<string>;
  arch: Arch;
  syscalls?: Partial<Record<Arch, SyscallNames>>;
}

/** Path argument index of functions that open or name files; their literal paths are string facts. */
const PATH_ARG: Readonly<Record<string, number>> = {
  fopen: 0, fopen64: 0, freopen: 0, open: 0, open64: 0, openat: 1, openat2: 1, creat: 0, access: 0, faccessat: 1,
  stat: 0, lstat: 0, fstatat: 1, opendir: 0, readlink: 0, realpath: 0, unlink: 0, mkdir: 0, rename: 0,
  execv: 0, execve: 0, execvp: 0, execl: 0, execlp: 0, execle: 0, dlopen: 0, inotify_add_watch: 1, mkfifo: 0,
};

const CONST_TEXT = /^[\sA-Za-z0-9_|&+\-~()<>]*$/;
const IDENT = /^[A-Za-z_]\w*$/;

/** Source text of a constant flag argument (`MAP_SHARED | MAP_ANONYMOUS`), or null. */
export function constantArgText(text: string): string | null {
  const t = text.replace(/\s+/g, ' ').trim();
  if (!CONST_TEXT.test(t)) return null;
  const idents = (t.match(/[A-Za-z_]\w*/g) ?? []).filter((id) => id !== 'NULL');
  // flag constants are upper-case macros; lower-case names are variables
  if (idents.length === 0 || idents.some((id) => !/^[A-Z_][A-Z0-9_]*$/.test(id))) return null;
  return t;
}

function evidence(file: string, extractor: string, ctx: SiteContext, chain?: string[]): Evidence {
  const ev: Evidence = { artifact: file, extractor, location: { file, line: ctx.line, column: ctx.column } };
  if (ctx.function) ev.location!.function = ctx.function;
  if (ctx.condition) ev.condition = ctx.condition;
  if (ctx.linuxOnly) ev.detail = 'linux-only';
  if (ctx.offLinux !== undefined) ev.offLinux = ctx.offLinux;
  if (chain && chain.length > 1) ev.chain = chain;
  return ev;
}

/** Turns one file's scan into facts, resolving names against libc and the tree's macros. */
export function resolveFileFacts(file: string, scan: FileScan, rc: ResolveContext, bag: FactBag): void {
  const unknown = (reason: UnknownReason, message: string, ctx: SiteContext, extractor: string): void =>
    bag.add({ kind: 'unknown', reason, message, evidence: [evidence(file, extractor, ctx)] });

  const call = (name: string, args: readonly string[], ctx: SiteContext, chain?: string[]): void => {
    if (rc.defined.has(name)) return;
    // these say what they do whether or not the libc list has them (Unikraft's musl declares but does not build syscall())
    if (name === 'syscall') syscallCall(args, ctx);
    if (name === 'dlopen' || name === 'dlsym') {
      unknown(name, `${name}(${args.join(', ')}): code loaded or looked up at run time is not analysed`, ctx, 'c.call');
    }
    if (!rc.libcFunctions.has(name)) return;
    const consts: Record<number, string> = {};
    args.forEach((a, i) => {
      const c = constantArgText(expandObjectText(rc.macros, a));
      if (c !== null) consts[i] = c;
    });
    bag.add({ kind: 'symbol', name, role: 'call', type: 'func', ...(Object.keys(consts).length ? { args: consts } : {}),
      evidence: [evidence(file, chain ? 'c.macro-call' : 'c.call', ctx, chain)] });
    const pathArg = PATH_ARG[name];
    if (pathArg !== undefined && args[pathArg] !== undefined) {
      const lit = expandObjectText(rc.macros, args[pathArg]);
      const seenAsLiteral = /^"\/(proc|sys|etc|dev)\//.test(args[pathArg].trim());
      if (/^"[^"]*"$/.test(lit) && !seenAsLiteral) bag.add({ kind: 'string', value: lit.slice(1, -1), evidence: [evidence(file, 'c.path-arg', ctx, chain)] });
    }
  };

  const syscallCall = (args: readonly string[], ctx: SiteContext): void => {
    const raw = args[0] ?? '';
    const text = expandObjectText(rc.macros, raw);
    const m = /^(?:SYS|__NR)_(\w+)$/.exec(text);
    const table = rc.syscalls?.[rc.arch];
    let name: string | undefined;
    let nr: number | null = null;
    if (m) {
      name = m[1];
      nr = table?.byName.get(name) ?? null;
      if (table && nr === null) return unknown('unknown-syscall-number', `syscall(${raw}): ${name} is not a ${rc.arch} syscall`, ctx, 'c.syscall');
    } else if (/^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.test(text)) {
      nr = Number.parseInt(text, text.startsWith('0x') || text.startsWith('0X') ? 16 : 10);
      name = table?.byNumber.get(nr);
      if (!name) return unknown('unknown-syscall-number', `syscall(${raw}): no ${rc.arch} syscall has number ${nr}`, ctx, 'c.syscall');
    } else {
      return unknown('indirect-syscall', `syscall(${raw || '…'}): the number is not a constant`, ctx, 'c.syscall');
    }
    const constArgs: Record<number, number[]> = {};
    args.slice(1).forEach((a, i) => { if (/^\d+$/.test(a.trim())) constArgs[i] = [Number(a.trim())]; });
    bag.add({ kind: 'syscall', name, nr, arch: rc.arch, class: 'program', ...(Object.keys(constArgs).length ? { constArgs } : {}),
      evidence: [evidence(file, 'c.syscall', ctx)] });
  };

  const isTarget = (n: string): boolean => rc.libcFunctions.has(n) || n === 'syscall' || n === 'dlopen' || n === 'dlsym';
  for (const site of scan.names) nameSite(site);
  function nameSite(site: NameSite): void {
    const defs = rc.macros.get(site.name);
    if (site.role === 'macro-use' && !defs?.some((d) => d.params !== null)) return;
    if (defs && !rc.defined.has(site.name)) {
      if (site.role === 'ref' && !defs.some((d) => d.params === null)) return;
      // a file-scope use parsed as a declaration has no parsed arguments: look at them here
      if (site.role === 'macro-use') for (const a of site.args) argRefs(a, site.ctx);
      // arguments parsed as expressions are sites of their own (`CHECK(CLOSE_FD(fd))`)
      if (!macroMayCall(rc.macros, site.name, isTarget)) return;
      const exp = expandMacroCalls(rc.macros, site.name, site.role === 'ref' ? null : site.args);
      for (const c of exp.calls) call(c.callee, c.args, site.ctx, c.chain);
      for (const m of exp.opaque) {
        const what = m === site.name ? `macro ${m}` : `${site.name} expands through macro ${m}, which`;
        unknown('macro', `${what} pastes tokens (##); calls it builds are not seen`, site.ctx, 'c.macro');
      }
      return;
    }
    if (site.role === 'call') call(site.name, site.args, site.ctx);
    else if (rc.libcFunctions.has(site.name) && !rc.defined.has(site.name) && !scan.variables.has(site.name)) {
      bag.add({ kind: 'symbol', name: site.name, role: 'address-taken', type: 'func', evidence: [evidence(file, 'c.address-taken', site.ctx)] });
    }
  }
  // an object-like macro given as an argument of a file-scope macro use may expand to calls
  function argRefs(text: string, ctx: SiteContext): void {
    const toks = tokenize(text);
    if (toks.length === 1 && IDENT.test(toks[0]) && rc.macros.get(toks[0])?.some((d) => d.params === null)) {
      nameSite({ name: toks[0], role: 'ref', args: [], ctx });
    }
  }

  for (const s of scan.strings) bag.add({ kind: 'string', value: s.value, evidence: [evidence(file, 'c.string', s.ctx)] });
  for (const { def, ctx } of scan.macros) {
    for (const lit of def.body.match(/"\/(proc|sys|etc|dev)\/[^"]*"/g) ?? []) {
      bag.add({ kind: 'string', value: lit.slice(1, -1), evidence: [evidence(file, 'c.string', ctx)] });
    }
  }
  // "\n\tsyscall": the escapes separate instructions
  for (const a of scan.asms) asmSite(a.code.replace(/\\[ntr]/g, ' '), a.inputs, a.ctx);
  function asmSite(code: string, inputs: readonly { constraint: string; value: string }[], ctx: SiteContext): void {
    const x86 = /\bsyscall\b/.test(code);
    const arm = /\bsvc\s+#?0\b/.test(code);
    if (/\bint\s+\$?(0x80|128)\b|\bsysenter\b/.test(code)) {
      return unknown('syscall-32bit-abi', 'inline asm makes a 32-bit syscall (int $0x80 / sysenter)', ctx, 'c.asm');
    }
    if (!x86 && !arm) return;
    const arch: Arch = x86 ? 'x86_64' : 'aarch64';
    // x86-64: number in eax ("a" input or mov $n, %eax); aarch64: number in x8 (mov x8, #n)
    const input = x86 ? inputs.find((i) => /^[=+&]*a$/.test(i.constraint))?.value : undefined;
    const inText = x86 ? /mov[lq]?\s+\$(\w+)\s*,\s*%+[er]?ax\b/.exec(code)?.[1] : /mov\s+[xw]8\s*,\s*#?(\w+)/.exec(code)?.[1];
    const raw = (input ?? inText ?? '').trim();
    const text = expandObjectText(rc.macros, raw);
    const table = rc.syscalls?.[arch];
    const m = /^(?:SYS|__NR)_(\w+)$/.exec(text);
    const nr = m ? (table?.byName.get(m[1]) ?? null) : /^(0x[0-9a-fA-F]+|\d+)$/.test(text) ? Number(text) : null;
    const name = m ? m[1] : nr !== null ? table?.byNumber.get(nr) : undefined;
    if (!name) {
      return unknown('inline-asm', `inline asm contains a syscall instruction${raw ? ` with number ${raw}` : ''} that could not be resolved`, ctx, 'c.asm');
    }
    bag.add({ kind: 'syscall', name, nr, arch, class: 'program', evidence: [evidence(file, 'c.asm', ctx)] });
  }

  // a file the grammar cannot follow (heavy macros) would otherwise drown the report
  const MAX_ERRORS = 20;
  if (scan.errors.length > MAX_ERRORS) {
    const rest = scan.errors.slice(MAX_ERRORS);
    unknown('parse-error', `${rest.length} more C parse-error regions from line ${rest[0].ctx.line} on`, rest[0].ctx, 'c.parse-error');
  }
  for (const e of scan.errors.slice(0, MAX_ERRORS)) {
    const span = e.endLine > e.ctx.line ? `lines ${e.ctx.line}-${e.endLine}` : `line ${e.ctx.line}`;
    const what = e.missing ? `missing ${e.missing === e.missing.toLowerCase() && /^\w+$/.test(e.missing) ? e.missing : `'${e.missing}'`}` : 'parse error';
    unknown('parse-error', `C ${what} in ${span}: code here may hide calls`, e.ctx, 'c.parse-error');
  }
}
