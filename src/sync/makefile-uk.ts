/** One `UK_PROVIDED_SYSCALLS-$(CONFIG_X) += name-N` entry. */
export interface ProvidedSyscall {
  name: string;
  nargs: number;
  /** Letters after the count: `e` (execution-environment syscall, e.g. clone-5e), `u` (arch_prctl-3u). */
  flags: string;
  kconfig: string;
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
    const p = PROVIDED.exec(line);
    if (!p) continue;
    const kconfig = p[1] ?? '';
    for (const word of p[2]!.split(/\s+/).filter(Boolean)) {
      const e = ENTRY.exec(word);
      if (e) out.provided.push({ name: e[1]!, nargs: Number(e[2]), flags: e[3]!, kconfig, line: lineNo });
    }
  }
  return out;
}

/** `#define __NR_name N` lines of the shim's arch/<arch>/syscall.h.in. */
export function parseSyscallNumbers(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^\s*#define\s+__NR_([A-Za-z0-9_]+)\s+(\d+)\s*$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}
