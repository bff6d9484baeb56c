import type { ExternalLibPort, UncoveredNeed } from '../model/index.js';

// Sonames that are part of the libc itself (glibc splits it; musl/newlib do not).
const LIBC_FAMILY = /^(libc|libm|libpthread|libdl|librt|libresolv|libutil|libcrypt|libanl|libnsl|ld-linux(-x86-64|-aarch64)?|ld64|linux-vdso|linux-gate)\.so(\.|$)/;

// GNU's C++ runtime: a native Unikraft build replaces it by LLVM's (libc++, libc++abi, libunwind)
const CXX_RUNTIME = /^(libstdc\+\+|libgcc_s)\.so(\.|$)/;
const CXX_PORTS = ['lib-libcxx', 'lib-libcxxabi', 'lib-libunwind'];

/** A shared library matched to its Unikraft port. */
export interface PortMatch {
  soname: string;
  port: ExternalLibPort;
}

/** Whether SONAME is provided by the libc itself. */
export function isLibcSoname(soname: string): boolean {
  return LIBC_FAMILY.test(soname);
}

function globToRegExp(glob: string): RegExp {
  if (/^\^|\$$/.test(glob)) return new RegExp(glob);
  return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

function majorOf(version: string | undefined, soname: string): string | undefined {
  const v = version ?? /\.so\.(\d[\w.]*)$/.exec(soname)?.[1];
  return v;
}

/** Matches non-libc sonames to ports; mismatched versions and unported libraries become uncovered needs. */
export function matchPorts(sonames: Map<string, string | undefined>, ports: ExternalLibPort[]): { matches: PortMatch[]; uncovered: UncoveredNeed[] } {
  const matches: PortMatch[] = [];
  const uncovered: UncoveredNeed[] = [];
  for (const [soname, version] of [...sonames].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (isLibcSoname(soname)) continue;
    if (CXX_RUNTIME.test(soname)) {
      // a native build links LLVM's C++ runtime, as unikraft/catalog native/helloworld-cpp does (lib-libcxx,
      // lib-libcxxabi, lib-libunwind; its compiler-rt is not in the shipped port tables)
      const runtime = CXX_PORTS.map((name) => ports.find((p) => p.port === name)).filter((p): p is ExternalLibPort => !!p);
      if (runtime.length === CXX_PORTS.length) {
        for (const port of runtime) matches.push({ soname, port });
        continue;
      }
    }
    const port = ports.find((p) => globToRegExp(p.sonamePattern).test(soname));
    if (!port) {
      uncovered.push({ kind: 'library', name: soname, status: 'missing-required', severity: 'error', reason: `no Unikraft port of ${soname}: port it as an external library or build it from source into the app` });
      continue;
    }
    const v = majorOf(version, soname);
    const ok = !v || port.compatibleVersions.length === 0 || port.compatibleVersions.some((c) => v === c || v.startsWith(`${c}.`));
    if (!ok) {
      uncovered.push({ kind: 'library', name: soname, status: 'missing-required', severity: 'error', reason: `the app needs ${soname} (version ${v}); the ${port.port} port is ${port.upstreamVersion}, ABI-compatible with ${port.compatibleVersions.join(', ')}: update the app or the port` });
      continue;
    }
    matches.push({ soname, port });
  }
  return { matches, uncovered };
}
