import type { Mode } from '../model/index.js';

/**
 * Syscalls whose -ENOSYS is survivable whatever the app, because of how the C library or Unikraft itself
 * behaves (read in their sources; Loupe's per-app priors cannot see this). Unikraft's syscall shim answers
 * -ENOSYS for every syscall no library registers (lib/syscall_shim/include/uk/syscall.h, uk_syscall_r.awk), so a
 * caller that falls back on ENOSYS keeps working.
 */
export interface EnosysTolerance {
  /** Why ENOSYS is harmless, citing the source that shows it. */
  reason: string;
  /** The fallback makes this syscall instead: ENOSYS is harmless only when the release provides it. */
  fallback?: string;
  /** Modes where this holds (default: both): glibc's fallbacks matter where glibc runs, i.e. binary compatibility. */
  modes?: Mode[];
}

const GLIBC = 'glibc 2.36 (bminor/glibc c804cd1c)';
// Unikraft never builds a Linux signal frame: v0.17.0's uksignal stores no handler at all (lib/uksignal/signal.c,
// rt_sigaction), and the posix-process signal code of later releases calls the handler and returns to the kernel
// (lib/posix-process/signal/deliver.c handle_self → pprocess_signal_arch_jmp_handler, unikraft/unikraft 24ccb503).
const NO_SIGNAL_FRAME = 'Unikraft calls signal handlers directly and never builds a Linux signal frame (lib/posix-process/signal/deliver.c, unikraft/unikraft 24ccb503; v0.17.0\'s uksignal delivers none), so glibc\'s __restore_rt trampoline, the only caller of rt_sigreturn, never runs';

/** Per syscall: why its ENOSYS is tolerated. */
export const ENOSYS_TOLERATED: Readonly<Record<string, EnosysTolerance>> = {
  rseq: { reason: `${GLIBC} registers rseq at start-up and on failure marks the thread unregistered and goes on (sysdeps/unix/sysv/linux/rseq-internal.h rseq_register_current_thread)`, modes: ['binary-compat'] },
  set_robust_list: { reason: `${GLIBC} sets __nptl_set_robust_list_avail only when set_robust_list succeeds, and goes on without robust futexes otherwise (sysdeps/nptl/dl-tls_init_tp.c); with one process no other owner can die`, modes: ['binary-compat'] },
  clone3: { reason: `${GLIBC} tries clone3 and falls back to clone on ENOSYS (sysdeps/unix/sysv/linux/clone-internal.c __clone_internal)`, fallback: 'clone', modes: ['binary-compat'] },
  faccessat2: { reason: `${GLIBC} tries faccessat2 and falls back to faccessat on ENOSYS (sysdeps/unix/sysv/linux/faccessat.c)`, fallback: 'faccessat', modes: ['binary-compat'] },
  rt_sigreturn: { reason: NO_SIGNAL_FRAME },
};

/** How ENOSYS for NAME is tolerated in MODE, when it is; `provided` says whether the release serves a syscall. */
export function enosysTolerance(name: string, mode: Mode, provided: (syscall: string) => boolean): EnosysTolerance | undefined {
  const t = ENOSYS_TOLERATED[name];
  if (!t || (t.modes && !t.modes.includes(mode))) return undefined;
  if (t.fallback && !provided(t.fallback)) return undefined;
  return t;
}
