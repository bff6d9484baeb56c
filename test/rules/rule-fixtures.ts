import type { Fact, HeaderFact, LibraryFact, StringFact, SymbolFact, SyscallFact, Tables, UnknownFact, UnknownReason } from '../../src/model/index.js';
import type { MatchContext } from '../../src/match/match-context.js';

const prov = { repo: 'test', tag: 'test', commit: '0'.repeat(40), generator: 'hand-written test data', date: '2026-01-01' };

/** Small hand-written tables: a new and an old release, musl and newlib, an OpenSSL 1.1 port. */
export const TEST_TABLES: Tables = {
  unikraft: [
    {
      target: 'unikraft', release: 'v0.17.0', provenance: prov, libraries: {},
      syscalls: {
        socketpair: { status: 'implemented', library: 'posix-socket', nr: { x86_64: 53 } },
        clone: { status: 'implemented', library: 'posix-process', nr: { x86_64: 56 } },
        mlock: { status: 'stub', library: 'posix-mmap', stub: 'returns 0', nr: { x86_64: 149 } },
        getrandom: { status: 'implemented', library: 'ukrandom', nr: { x86_64: 318 } },
        close: { status: 'implemented', library: 'vfscore', nr: { x86_64: 3 } },
        // fork, rt_sigreturn, memfd_create: not listed = missing
      },
    },
    {
      target: 'unikraft', release: 'v0.9.0', provenance: prov, libraries: {},
      syscalls: { clone: { status: 'implemented', library: 'posix-process', nr: { x86_64: 56 } } },
    },
  ],
  libc: [
    { target: 'musl', version: '1.2.3', provenance: prov, functions: ['fopen', 'fork', 'qsort_r', 'epoll_create1'], headers: ['stdio.h', 'sys/epoll.h', 'linux/netlink.h'] },
    { target: 'newlib', version: '4.3.0', provenance: prov, functions: ['fopen'], headers: ['stdio.h'], glue: ['tcgetattr'], portHeaders: ['sys/random.h'], declaredNotBuilt: ['close'] },
  ],
  externalLibs: [
    { sonamePattern: 'libssl.so.*', port: 'lib-openssl', kconfig: 'LIBSSL', upstreamVersion: '1.1.1', compatibleVersions: ['1.1'] },
    { sonamePattern: 'libcrypto.so.*', port: 'lib-openssl', kconfig: 'LIBCRYPTO', upstreamVersion: '1.1.1', compatibleVersions: ['1.1'] },
  ],
  libcSummaries: [],
  priors: {},
};

/** The default context of a rule case: musl, the newest test release, native mode. */
export const CTX: MatchContext = { tables: TEST_TABLES, libc: 'musl', release: 'v0.17.0', arch: 'x86_64', mode: 'native' };

const at = (line: number, file = 'src/app.c') => [{ artifact: file, extractor: 'c.call', location: { file, line, column: 5 } }];
const bin = () => [{ artifact: 'bin/app', extractor: 'x86_64.syscall-site', address: '0x401000' }];

export function sym(name: string, line = 10, args?: Record<number, string>, role: SymbolFact['role'] = 'call'): SymbolFact {
  return { kind: 'symbol', name, role, type: 'func', ...(args ? { args } : {}), evidence: at(line) };
}
export function imp(name: string, version?: string, versionLibrary?: string, type: SymbolFact['type'] = 'func'): SymbolFact {
  return { kind: 'symbol', name, role: 'import', type, ...(version ? { version } : {}), ...(versionLibrary ? { versionLibrary } : {}), evidence: [{ artifact: 'bin/app', extractor: 'elf.dynsym' }] };
}
export function sys(name: string, constArgs?: Record<number, number[]>, cls: SyscallFact['class'] = 'program'): SyscallFact {
  return { kind: 'syscall', name, nr: null, arch: 'x86_64', class: cls, ...(constArgs ? { constArgs } : {}), evidence: bin() };
}
export function hdr(name: string, line = 1, system = true): HeaderFact {
  return { kind: 'header', name, system, evidence: [{ artifact: 'src/app.c', extractor: 'c.include', location: { file: 'src/app.c', line, column: 1 } }] };
}
export function lib(soname: string, version?: string): LibraryFact {
  return { kind: 'library', soname, ...(version ? { version } : {}), neededBy: ['bin/app'], evidence: [{ artifact: 'bin/app', extractor: 'elf.dynamic' }] };
}
export function str(value: string, line = 20): StringFact {
  return { kind: 'string', value, evidence: [{ artifact: 'src/app.c', extractor: 'c.string', location: { file: 'src/app.c', line, column: 12 } }] };
}
export function unk(reason: UnknownReason, message: string, line = 30): UnknownFact {
  return { kind: 'unknown', reason, message, evidence: [{ artifact: 'src/app.c', extractor: 'c.call', location: { file: 'src/app.c', line, column: 3 } }] };
}

/** A case where the rule must stay silent. */
export interface ValidCase {
  name: string;
  facts: Fact[];
  ctx?: Partial<MatchContext>;
}

/** A case where the rule fires with exactly these findings (facts by index into `facts`). */
export interface InvalidCase extends ValidCase {
  findings: { message: string; facts: number[]; remedyText?: string }[];
}

/** ESLint-style cases of one rule. */
export interface RuleCases {
  valid: ValidCase[];
  invalid: InvalidCase[];
}
