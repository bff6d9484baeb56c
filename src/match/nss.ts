import type { Evidence, Fact } from '../model/index.js';

/** An NSS module a fact is reached through: glibc loads it because a line of nsswitch.conf names its service. */
export interface NssVia {
  service: string;
  /** `libnss_systemd.so.2, /etc/nsswitch.conf:2 "passwd: files systemd"` (the module and the line), as the reach recorded it. */
  origin: string;
}

// the chain entry the reach writes when it enters an NSS module (src/extract/elf/summaries.ts)
const NSS_STEP = /^\(NSS service "([^"]+)", (.*)\) \S+$/;

/** The NSS module EVIDENCE is reached through, when its call chain enters one. */
export function nssVia(e: Evidence | undefined): NssVia | undefined {
  for (const step of e?.chain ?? []) {
    const m = NSS_STEP.exec(step);
    if (m) return { service: m[1]!, origin: m[2]! };
  }
  return undefined;
}

/** The NSS module every piece of evidence of FACT goes through (a need only the host's nsswitch.conf creates), else undefined. */
export function onlyThroughNss(fact: Fact): NssVia | undefined {
  if (fact.evidence.length === 0) return undefined;
  const vias = fact.evidence.map(nssVia);
  return vias.every((v) => v && v.origin === vias[0]!.origin) ? vias[0] : undefined;
}

/** `the NSS module libnss_systemd.so.2, loaded for /etc/nsswitch.conf:2 "passwd: files systemd"`. */
export function describeNss(v: NssVia): string {
  const [module, ...line] = v.origin.split(', ');
  return line.length ? `the NSS module ${module} (service "${v.service}", loaded for ${line.join(', ')})` : `the NSS module of service "${v.service}" (${v.origin})`;
}
