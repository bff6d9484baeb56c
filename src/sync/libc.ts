import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LibcTable } from '../model/coverage.js';
import type { Libc } from '../model/vocab.js';
import { UkportError } from '../errors.js';
import { loadCParser } from './c-syscalls.js';
import { makeProvenance } from './git-provenance.js';

/** How a Unikraft libc port refers to its upstream tree and where headers come from. */
interface PortLayout {
  versionVar: string;
  /** Makefile variable → directory, given (port, upstream). */
  vars: (port: string, up: string) => Record<string, string>;
  /** Include roots in compiler search order (first wins for a header name). */
  includes: (port: string, up: string) => string[];
  upstreamRepo: string;
}

const LAYOUTS: Record<Libc, PortLayout> = {
  musl: {
    versionVar: 'LIBMUSL_VERSION',
    vars: (port, up) => ({ LIBMUSL: up, LIBMUSL_BASE: port }),
    // lib-musl: -I$(LIBMUSL)/arch/$(ARCH) -I$(LIBMUSL)/arch/generic -I$(LIBMUSL_BASE)/include, then musl's include/
    includes: (port, up) => [join(up, 'arch/x86_64'), join(up, 'arch/generic'), join(port, 'include'), join(up, 'include')],
    upstreamRepo: 'https://git.musl-libc.org/git/musl (mirror github.com/bminor/musl)',
  },
  newlib: {
    versionVar: 'LIBNEWLIB_VERSION',
    vars: (port, up) => ({ LIBNEWLIB_LIBC: join(up, 'newlib/libc'), LIBNEWLIB_LIBM: join(up, 'newlib/libm'), LIBNEWLIBC_BASE: port }),
    // lib-newlib: its include/, musl-imported headers, then newlib/libc/include
    includes: (port, up) => [join(port, 'include'), join(port, 'musl-imported/include'), join(port, 'musl-imported/arch/generic'),
      join(port, 'musl-imported/arch/x86_64'), join(up, 'newlib/libc/include')],
    upstreamRepo: 'https://sourceware.org/git/newlib-cygwin.git (mirror github.com/bminor/newlib)',
  },
};

// newlib declares with `int _EXFUN(printf, (…))` and defines with `_DEFUN (strcpy, (…), …)`
const NAME_MACROS = new Set(['_EXFUN', '_EXFUN_NOTHROW', '_DEFUN', '_DEFUN_VOID']);
const ALIAS_MACROS = new Set(['weak_alias', 'strong_alias', '__weak_alias', '__strong_reference', '__weak_reference']);

function listFiles(dir: string, ext: RegExp, out: string[] = [], depth = 6): string[] {
  if (!existsSync(dir) || depth < 0) return out;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) listFiles(p, ext, out, depth - 1);
    else if (ext.test(n)) out.push(p);
  }
  return out;
}

/** Source files the port's Makefile.uk* lists (`*_SRCS-y += $(LIBMUSL)/src/x.c|suffix`), commented lines skipped. */
export function listPortSources(portDir: string, vars: Record<string, string>): string[] {
  const files = readdirSync(portDir).filter((f) => /^Makefile\.uk/.test(f)).sort();
  const out = new Set<string>();
  for (const f of files) {
    for (const raw of readFileSync(join(portDir, f), 'utf8').split('\n')) {
      const m = /^\s*[A-Z0-9_]+_SRCS-(?:y|\$\(CONFIG_[A-Z0-9_]+\))\s*\+=\s*(.+)$/.exec(raw);
      if (!m) continue;
      for (const word of m[1]!.trim().split(/\s+/)) {
        const path = word.split('|')[0]!.replace(/\$\(([A-Z0-9_]+)\)/g, (all, v: string) => vars[v] ?? all);
        if (!path.includes('$(')) out.add(path);
      }
    }
  }
  return [...out];
}

/** The name a (possibly pointer-wrapped) declarator declares, or a macro-wrapped name (`_EXFUN(printf, …)`). */
function declaredName(decl: import('web-tree-sitter').Node | null): string | undefined {
  let d = decl;
  while (d && (d.type === 'pointer_declarator' || d.type === 'parenthesized_declarator' || d.type === 'attributed_declarator')) {
    d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c?.type.endsWith('declarator')) ?? null;
  }
  if (!d || d.type !== 'function_declarator') return undefined;
  const inner = d.childForFieldName('declarator');
  if (inner?.type !== 'identifier') return declaredName(inner);
  if (NAME_MACROS.has(inner.text)) return /^\(\s*([A-Za-z_]\w*)/.exec(d.childForFieldName('parameters')?.text ?? '')?.[1];
  return inner.text;
}

/** `#define open64 open`: function-like names a header maps onto another identifier (musl's LFS aliases). */
export function findMacroAliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*#\s*define\s+([a-z_][a-z0-9_]*)\s+([a-z_][a-z0-9_]*)\s*$/gm)) if (!m[1]!.startsWith('__')) out.set(m[1]!, m[2]!);
  return out;
}

/** Public function names declared in header TEXT (all #if branches). */
export async function findDeclarations(text: string): Promise<Set<string>> {
  const out = new Set<string>();
  const parser = await loadCParser();
  const tree = parser.parse(text);
  if (!tree) return out;
  try {
    for (const decl of tree.rootNode.descendantsOfType('declaration')) {
      if (!decl) continue;
      for (const d of decl.childrenForFieldName('declarator')) {
        const name = declaredName(d);
        // skip reserved names and macro helpers that look like declarations (`_PARAMS`, `EXFUN`)
        if (name && !name.startsWith('__') && !/^[A-Z_][A-Z0-9_]*$/.test(name)) out.add(name);
      }
    }
  } finally {
    tree.delete();
  }
  for (const m of text.matchAll(/\b_EXFUN(?:_NOTHROW)?\s*\(\s*([A-Za-z_]\w*)\s*,/g)) out.add(m[1]!);
  // an attribute macro after the parameters defeats the parser: `int setjmp (jmp_buf) __setjmp_attr;`
  for (const m of text.matchAll(/^[A-Za-z_][\w \t*]*?[\s*]([a-z_]\w*)\s*\([^;{}()]*\)\s*__[a-z_]+\s*;/gm)) if (!m[1]!.startsWith('__')) out.add(m[1]!);
  // newlib's math.h: `extern double floor _PARAMS((double));`
  for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s+_PARAMS\s*\(\(/g)) if (!m[1]!.startsWith('__')) out.add(m[1]!);
  return out;
}

/** Externally visible functions a C or assembly source defines, aliases included. */
export async function findDefinitions(text: string, asm: boolean): Promise<Set<string>> {
  const out = new Set<string>();
  if (asm) {
    for (const m of text.matchAll(/^\s*\.glob(?:a)?l\s+([A-Za-z_]\w*)/gm)) out.add(m[1]!);
    return out;
  }
  const parser = await loadCParser();
  const tree = parser.parse(text);
  if (!tree) return out;
  try {
    for (const fn of tree.rootNode.descendantsOfType('function_definition')) {
      if (!fn || fn.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static')) continue;
      const name = declaredName(fn.childForFieldName('declarator'));
      if (name) out.add(name);
    }
  } finally {
    tree.delete();
  }
  // the return type on its own line, the name at column 0 (musl's regcomp): found by text too, since a macro earlier in
  // the file (tre's declare_popf) can derail the parser's recovery so that the definition never parses as one
  for (const m of text.matchAll(/^(?!static\b|#|typedef\b|return\b)[A-Za-z_][\w \t*]*\n([A-Za-z_]\w*)\s*\([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*\)\s*\{/gm)) out.add(m[1]!);
  for (const m of text.matchAll(/\b(\w+)\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)\s*;/g)) if (ALIAS_MACROS.has(m[1]!)) out.add(m[3]!);
  for (const m of text.matchAll(/^_DEFUN(?:_VOID)?\s*\(\s*([A-Za-z_]\w*)/gm)) out.add(m[1]!);
  return out;
}

/** Reads a Unikraft libc port and the upstream tree it pins into a LibcTable. */
export async function syncLibc(target: Libc, portDir: string, upstreamDir: string, log: (m: string) => void = () => {}): Promise<LibcTable> {
  const layout = LAYOUTS[target];
  if (!existsSync(join(portDir, 'Makefile.uk'))) throw new UkportError('unsupported-input', 'no Makefile.uk: not a Unikraft libc port', portDir);
  const mk = readFileSync(join(portDir, 'Makefile.uk'), 'utf8');
  const version = new RegExp(`^${layout.versionVar}\\s*:?=\\s*(\\S+)`, 'm').exec(mk)?.[1];
  if (!version) throw new UkportError('unsupported-input', `no ${layout.versionVar}= in Makefile.uk`, portDir);
  const sources = listPortSources(portDir, layout.vars(portDir, upstreamDir));
  const defined = new Set<string>();
  const glue = new Set<string>();
  const absent: string[] = [];
  for (const src of sources) {
    if (!existsSync(src)) {
      absent.push(relative(upstreamDir, src));
      continue;
    }
    const names = await findDefinitions(readFileSync(src, 'latin1'), /\.[sS]$/.test(src));
    const inPort = !relative(portDir, src).startsWith('..');
    for (const n of names) {
      defined.add(n);
      if (inPort) glue.add(n);
    }
  }
  const missingSources = absent.length;
  if (missingSources > sources.length / 4) {
    throw new UkportError('unsupported-input', `${missingSources} of ${sources.length} listed sources are absent: is ${upstreamDir} the pinned ${target} ${version}?`, upstreamDir);
  }
  const headers = new Set<string>();
  const upstreamHeaders = new Set<string>();
  const declared = new Set<string>();
  const aliases = new Map<string, string>();
  for (const root of layout.includes(portDir, upstreamDir)) {
    const fromPort = !relative(portDir, root).startsWith('..');
    for (const h of listFiles(root, /\.h$/)) {
      // every root is parsed: port headers often wrap upstream ones with #include_next
      headers.add(relative(root, h));
      if (!fromPort) upstreamHeaders.add(relative(root, h));
      const text = readFileSync(h, 'latin1');
      for (const n of await findDeclarations(text)) declared.add(n);
      for (const [a, target] of findMacroAliases(text)) aliases.set(a, target);
    }
  }
  // a macro alias of a provided function is callable under its alias name too (open64 → open)
  for (const [a, target] of aliases) if (declared.has(target) && defined.has(target) && !declared.has(a)) {
    declared.add(a);
    defined.add(a);
  }
  const functions = [...declared].filter((n) => defined.has(n)).sort();
  const declaredNotBuilt = [...declared].filter((n) => !defined.has(n)).sort();
  log(`${target} ${version}: ${sources.length} sources (${missingSources} absent), ${headers.size} headers, ${functions.length} functions, ${declaredNotBuilt.length} declared but not built`);
  if (absent.length > 0) log(`  absent (generated or patched in by the port's build): ${absent.join(' ')}`);
  const provenance = makeProvenance(portDir, `https://github.com/unikraft/lib-${target}`, {}, `tables sync --lib-${target}`);
  const up = makeProvenance(upstreamDir, layout.upstreamRepo);
  provenance.extra = [{ repo: up.repo, tag: up.tag, commit: up.commit }];
  return {
    target,
    version,
    provenance,
    functions,
    headers: [...headers].sort(),
    portHeaders: [...headers].filter((h) => !upstreamHeaders.has(h)).sort(),
    declaredNotBuilt,
    glue: [...glue].filter((n) => declared.has(n)).sort(),
  };
}
