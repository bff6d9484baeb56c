/** What a Unikraft boot log shows about the run. */
export interface BootLog {
  /** Syscall name → times seen in strace-like lines (CONFIG_LIBSYSCALL_SHIM_STRACE). */
  traced: Map<string, number>;
  /** Syscall name → times Unikraft said it is not available (-ENOSYS). */
  notAvailable: Map<string, number>;
  /** The first crash, assertion or fatal error line. */
  crash?: string;
  /** The app's own output lines: what is left after kernel messages and trace lines. */
  output: string[];
}

// Unikraft's shim (lib/syscall_shim/uk_syscall*.awk, include/uk/syscall.h): `syscall "rseq" is not available`,
// `System call "rseq" is not available (-ENOSYS)`, as uk_pr_debug lines with a `[time] dbg: [lib] <file @ line>` prefix.
const NOT_AVAILABLE = /(?:syscall|System call) "([A-Za-z0-9_]+)" is not available/;
// CONFIG_LIBSYSCALL_SHIM_DEBUG_SYSCALLS (include/uk/syscall.h): each registered syscall a native app makes, as
// `dbg: [libposix_fdio] <fd-shim.c @ 227> (ssize_t) uk_syscall_r_writev((int) 0x1, ...)`; DEBUG_HANDLER for binary ones:
// `Binary system call request "openat" (257) at ip:...`.
const DEBUG_SYSCALL = /\buk_syscall_[er]_([a-z0-9_]+)\(|Binary system call request "([a-z0-9_]+)"/;
// uk_snprsyscall (lib/syscall_shim/uk_prsyscall.c): `name(args) = result`, args may be truncated with `...`.
const TRACE = /^(?:\x1b\[[0-9;]*m)*([a-z_][a-z0-9_]*)(?:\x1b\[[0-9;]*m)*\((.*)$/;
const TRACE_RESULT = / = \S/;
const KERNEL_LINE = /^\[\s*\d+\.\d+\]|^(?:dbg|Info|Warn|ERR|CRIT|Err)\s*:|^\s*(?:o\.|\/_ |_\/|Powered by|Calypso|Prometheus|Helene|Telesto|Kiviuq|Pandora)|^SeaBIOS|^Booting from|^iPXE|^\s*$/;
const CRASH = [
  /Unhandled Trap.*/,
  /Assertion failure:.*/,
  /CRIT:.*/,
  /\bcrash\b.*(?:page fault|#PF|#GP|#UD).*/i,
  /Could not initialize the HWRNG.*/,
  /\[\s*\d+\.\d+\] (?:CRIT|ERR):.*(?:panic|fatal|halt).*/i,
  /Init function at 0x[0-9a-f]+ returned error.*/,
  /error while loading shared libraries:.*/,
  /KVM internal error.*/,
  /kvm_buf_set_msrs.*|failed to set MSR.*/,
  /System halted.*crash.*/i,
];

/** The first line of LOG that shows a crash or a fatal boot error, when any. */
export function crashLine(log: string): string | undefined {
  for (const line of log.split('\n')) for (const re of CRASH) {
    const m = re.exec(line);
    if (m) return line.replace(/\x1b\[[0-9;]*m/g, '').trim().slice(0, 300);
  }
  return undefined;
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Reads a console log of a Unikraft boot (ANSI colours removed, CRLF tolerated). */
export function parseBootLog(log: string, options: { maxOutputLines?: number; mode?: 'binary-compat' | 'native' } = {}): BootLog {
  // binary-compat: the app's syscalls are the binary ones (strace lines, handler requests); the shim's
  // per-call debug lines there are Unikraft's own calls (initrd extraction: mkdir, chmod, symlink, utime, mount)
  const binary = options.mode === 'binary-compat';
  const traced = new Map<string, number>();
  const notAvailable = new Map<string, number>();
  const output: string[] = [];
  let banner = false; // ukboot's banner: from "Powered by" to the codename and version line
  for (const raw of log.split('\n')) {
    const line = stripAnsi(raw.replace(/\r$/, ''));
    const na = NOT_AVAILABLE.exec(line);
    if (na) { bump(notAvailable, na[1]!); continue; }
    const dbg = DEBUG_SYSCALL.exec(line);
    if (dbg) {
      if (dbg[2] || !binary) bump(traced, (dbg[1] ?? dbg[2])!.replace(/^[eu]_/, '')); // uk_syscall_r_u_arch_prctl: the execenv variant
      continue;
    }
    const tr = TRACE.exec(line.trim());
    if (tr && (TRACE_RESULT.test(line) || line.trim().endsWith('...'))) {
      bump(traced, tr[1]!);
      if (/ = Function not implemented \(-38\)|= -38\b|ENOSYS/.test(line)) bump(notAvailable, tr[1]!);
      continue;
    }
    if (/^Powered by\b/.test(line.trim())) { banner = true; continue; }
    if (banner) { if (/^\s*[A-Z][a-z]+ \d+\.\d+\.\d+/.test(line)) banner = false; continue; }
    if (KERNEL_LINE.test(line) || line.startsWith('$ ') || line.startsWith('[ukport:')) continue;
    if (output.length < (options.maxOutputLines ?? 40)) output.push(line.trimEnd().slice(0, 300));
  }
  const crash = crashLine(log);
  return { traced, notAvailable, ...(crash ? { crash } : {}), output };
}
