/** One `UK_PROVIDED_SYSCALLS-$(CONFIG_X) += name-N` entry. */
export interface ProvidedSyscall {
  name: string;
  nargs: number;
  /** Letters after the count: `e` (execution-environment syscall, e.g. clone-5e), `u` (arch_prctl-3u). */
  flags: string;
  kconfig: string;
  /**
   * Further Kconfig symbols the line sits under (`ifeq ($(CONFIG_LIBPOSIX_PROCESS_CLONE),y)` around posix-futex's
   * `set_tid_address-1`): the syscall is provided only when they are set too (`!X`: only when X is not set).
   */
  requires?: string[];
  line: number;
}

/** What a library's Makefile.uk declares. */
export interface MakefileUk {
  /** `$(eval $(call addlib_s,libposix_poll,$(CONFIG_LIBPOSIX_POLL)))` → {name: libposix_poll, kconfig: LIBPOSIX_POLL}. */
  libs: { name: string; kconfig?: string }[];
  provided: ProvidedSyscall[];
}

const ADDLIB = /\$\(call\s+(addlib(?:_s|_paramprefix)?)\s*,\s*([A-Za-z0-9_]+)\s*(?:,\s*\$\(CONFIG_([A-Za-z0-9_]+)\))?/;
const PROVIDED = /^UK_PROVIDED_SYSCALLS(?:-\$\(CONFIG_([A-Za-z0-9_]+)\)|-y)?\s*\+?=\s*(.*)$/;
const ENTRY = /^([a-z_][a-z0-9_]*)-(\d+)([a-z]*)$/;

/** Reads the addlib calls and provided-syscall lines of a Makefile.uk (continuations joined). */
export function parseMakefileUk(text: string): MakefileUk {
  const out: MakefileUk = { libs: [], provided: [] };
  const lines = text.split(/\r?\n/);
  // the conditionals around each line: a CONFIG_ symbol that must be set ('X') or unset ('!X'), null for another test
  const conditions: (string | null)[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i]!;
    line = line.replace(/#.*$/, '').trim();
    const lib = ADDLIB.exec(line);
    if (lib && line.includes('$(eval')) {
      // addlib_paramprefix and plain addlib libraries are always built with their parent (no own symbol)
      out.libs.push(lib[1] === 'addlib_s' && lib[3] ? { name: lib[2]!, kconfig: lib[3] } : { name: lib[2]! });
      continue;
    }
    const cond = conditionOf(line);
    if (cond !== undefined) { conditions.push(cond); continue; }
    if (/^else\b/.test(line) && conditions.length) { const top = conditions.pop()!; conditions.push(top === null ? null : negate(top)); continue; }
    if (/^endif\b/.test(line)) { conditions.pop(); continue; }
    const p = PROVIDED.exec(line);
    if (!p) continue;
    const kconfig = p[1] ?? '';
    const requires = conditions.filter((c): c is string => c !== null);
    for (const word of p[2]!.split(/\s+/).filter(Boolean)) {
      const e = ENTRY.exec(word);
      if (e) out.provided.push({ name: e[1]!, nargs: Number(e[2]), flags: e[3]!, kconfig, ...(requires.length ? { requires } : {}), line: lineNo });
    }
  }
  return out;
}

const negate = (c: string): string => (c.startsWith('!') ? c.slice(1) : `!${c}`);

/**
 * A conditional's test as a Kconfig requirement: `ifeq ($(CONFIG_X),y)` / `ifdef CONFIG_X` → 'X', `ifneq` /
 * `ifndef` → '!X'; null for any other test (it stays open until its endif); undefined when LINE is no conditional.
 */
function conditionOf(line: string): string | null | undefined {
  const eq = /^(ifeq|ifneq)\s*\(\s*\$\(CONFIG_([A-Za-z0-9_]+)\)\s*,\s*y\s*\)$/.exec(line) ?? /^(ifeq|ifneq)\s*\(\s*y\s*,\s*\$\(CONFIG_([A-Za-z0-9_]+)\)\s*\)$/.exec(line);
  if (eq) return eq[1] === 'ifeq' ? eq[2]! : `!${eq[2]}`;
  const def = /^(ifdef|ifndef)\s+CONFIG_([A-Za-z0-9_]+)$/.exec(line);
  if (def) return def[1] === 'ifdef' ? def[2]! : `!${def[2]}`;
  return /^(ifeq|ifneq|ifdef|ifndef)\b/.test(line) ? null : undefined;
}

/** `#define __NR_name N` lines of the shim's arch/<arch>/syscall.h.in. */
export function parseSyscallNumbers(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^\s*#define\s+__NR_([A-Za-z0-9_]+)\s+(\d+)\s*$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}
