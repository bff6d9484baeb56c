/** Linux UAPI constants rules may name in argument conditions (same values on x86_64 and aarch64). */
export const LINUX_CONSTANTS: Readonly<Record<string, number>> = {
  // socket(2) domains and types
  AF_UNIX: 1, AF_LOCAL: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16, AF_PACKET: 17,
  PF_UNIX: 1, PF_LOCAL: 1, PF_INET: 2, PF_INET6: 10, PF_NETLINK: 16, PF_PACKET: 17,
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5,
  // mmap(2) protection and flags
  PROT_READ: 0x1, PROT_WRITE: 0x2, PROT_EXEC: 0x4,
  MAP_SHARED: 0x01, MAP_PRIVATE: 0x02, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20,
  // clone(2) flags
  CLONE_VM: 0x100, CLONE_FS: 0x200, CLONE_FILES: 0x400, CLONE_SIGHAND: 0x800, CLONE_VFORK: 0x4000, CLONE_THREAD: 0x10000,
  // tty ioctls (asm-generic/ioctls.h)
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TIOCSCTTY: 0x540e, TIOCGPGRP: 0x540f,
  TIOCSPGRP: 0x5410, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414, TIOCNOTTY: 0x5422,
  // mlockall(2)
  MCL_CURRENT: 1, MCL_FUTURE: 2,
};

/** Value of a constant named in a rule, or undefined. */
export function constantValue(name: string): number | undefined {
  if (/^(0x[0-9a-fA-F]+|\d+)$/.test(name)) return Number(name);
  return LINUX_CONSTANTS[name];
}
