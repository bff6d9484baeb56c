import type { Fact } from '../model/index.js';
import type { KconfigWorld } from './kconfig-world.js';

/** Socket families the app uses, as far as constant arguments show them. */
export interface SocketUse {
  inet: boolean;
  inet6: boolean;
  unix: boolean;
  /** A socket is created with a family the analysis could not resolve. */
  unknown: boolean;
  /** Where each family was seen (`socket(AF_INET) in main`). */
  evidence: string[];
}

// Linux address families (include/linux/socket.h): AF_UNIX 1, AF_INET 2, AF_INET6 10
const FAMILIES: Record<string, number> = { AF_UNIX: 1, AF_LOCAL: 1, PF_UNIX: 1, PF_LOCAL: 1, AF_INET: 2, PF_INET: 2, AF_INET6: 10, PF_INET6: 10 };
// name lookups and address conversions mean IP networking even when the socket call's family is not constant
const INET_FUNCTIONS = new Set(['getaddrinfo', 'gethostbyname', 'gethostbyname2', 'gethostbyname_r', 'getnameinfo', 'inet_pton', 'inet_aton', 'inet_addr', 'htons']);

function where(f: Fact): string {
  const e = f.evidence[0];
  if (!e) return 'app';
  return e.location ? `${e.location.file}:${e.location.line}` : `${e.chain?.[0]?.replace(/^\(program\) /, '') ?? e.function ?? e.artifact}`;
}

/** Reads the families of `socket`/`socketpair` from syscall constant arguments and C call arguments. */
export function socketUse(facts: readonly Fact[]): SocketUse {
  const use: SocketUse = { inet: false, inet6: false, unix: false, unknown: false, evidence: [] };
  const note = (family: number | undefined, f: Fact, call: string) => {
    if (family === 1) use.unix = true;
    else if (family === 2) use.inet = true;
    else if (family === 10) use.inet6 = true;
    else return;
    use.evidence.push(`${call}(${family === 1 ? 'AF_UNIX' : family === 2 ? 'AF_INET' : 'AF_INET6'}) in ${where(f)}`);
  };
  for (const f of facts) {
    if (f.kind === 'syscall' && (f.name === 'socket' || f.name === 'socketpair')) {
      const fams = f.constArgs?.[0];
      if (!fams?.length) use.unknown = true;
      for (const n of fams ?? []) note(n, f, f.name);
      if (f.name === 'socketpair' && !fams?.length) use.unix = true;
    } else if (f.kind === 'symbol' && f.role !== 'export' && (f.name === 'socket' || f.name === 'socketpair')) {
      const arg = f.args?.[0];
      if (arg && FAMILIES[arg] !== undefined) note(FAMILIES[arg], f, f.name);
      else if (f.role === 'call') use.unknown = true;
      if (f.name === 'socketpair') use.unix = true;
    } else if (f.kind === 'symbol' && f.role !== 'export' && INET_FUNCTIONS.has(f.name) && !use.inet) {
      use.inet = true;
      use.evidence.push(`${f.name}() in ${where(f)}`);
    }
  }
  // the socket calls first: they name the family; a name lookup only implies it
  use.evidence = [...new Set(use.evidence)].sort((a, b) => Number(!a.startsWith('socket')) - Number(!b.startsWith('socket')) || a.localeCompare(b));
  return use;
}

/** What the plan turns on for IP networking: lwip with its socket API, the netdev layer and its address parameters. */
export interface NetworkConfig {
  /** `SYMBOL` → value requested for every target. */
  symbols: [string, string][];
  /** What the kernel command line needs (`netdev.ip=`), empty when the release configures the address otherwise. */
  kernelArgs: string[];
  notes: string[];
}

/**
 * lwip as Unikraft's own servers configure it (catalog library/base: threaded, socket API, TCP/UDP, IPv4, netdev
 * interface attached automatically), with IPv6 when the app uses it, and `netdev.ip=` read from the kernel command
 * line (LIBUKNETDEV_EINFO_LIBPARAM, which selects uklibparam): without it the interface never gets an address.
 * Releases before that option get DHCP instead. The netdev driver follows per platform (see targets).
 */
export function networkConfig(world: KconfigWorld, use: SocketUse): NetworkConfig {
  const symbols: [string, string][] = [['LIBLWIP', 'y']];
  const want = (s: string) => { if (world.entries.has(s)) symbols.push([s, 'y']); };
  for (const s of ['LWIP_UKNETDEV', 'LWIP_THREADS', 'LWIP_HEAP', 'LWIP_SOCKET', 'LWIP_TCP', 'LWIP_UDP', 'LWIP_IPV4', 'LWIP_AUTOIFACE', 'LWIP_LOOPIF', 'LWIP_ICMP']) want(s);
  if (use.inet6) want('LWIP_IPV6');
  want('LIBUKNETDEV');
  const notes: string[] = [];
  const kernelArgs: string[] = [];
  if (world.entries.has('LIBUKNETDEV_EINFO_LIBPARAM')) {
    want('LIBUKLIBPARAM');
    want('LIBUKNETDEV_EINFO_LIBPARAM');
    kernelArgs.push('netdev.ip=ADDRESS/PREFIX:GATEWAY:::');
    notes.push('the address comes from the kernel command line: netdev.ip=ADDRESS/PREFIX:GATEWAY::: (LIBUKNETDEV_EINFO_LIBPARAM); kraft run sets it from --network');
  } else {
    want('LWIP_DHCP');
    notes.push('this release has no netdev.ip= parameter (LIBUKNETDEV_EINFO_LIBPARAM): lwip takes its address from DHCP');
  }
  return { symbols, kernelArgs, notes };
}

/** The netdev driver symbol of the release: drivers/virtio/net (v0.16+) or plat/kvm's VIRTIO_NET before. */
export function netdevDriver(world: KconfigWorld): string | undefined {
  return ['LIBVIRTIO_NET', 'VIRTIO_NET'].find((s) => world.entries.has(s));
}
