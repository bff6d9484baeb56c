import type { BuildProblem, Plan } from '../model/index.js';

/** What the plan says about a name: its entry and status, and which library would provide it. */
export interface PlanLookup {
  /** Plan entry and status of a function or syscall the link missed (`syscall:rseq`, `missing-required`). */
  need(name: string): { planEntry: string; planStatus: string } | undefined;
  /** Library that provides NAME in the release (a syscall's library, a libc's function), when known. */
  provider(name: string): string | undefined;
  /** The planned library a source path belongs to (`/…/libs/lwip/…` → `lib-lwip`). */
  libraryOfPath(path: string): string | undefined;
}

const MULTIPLE = /multiple definition of [`'"]([^'"`]+)['"`];\s*(\S+?):/;
const UNDEFINED = /undefined reference to [`'"]([^'"`]+)['"`]/;
const MISSING_HEADER = /^(\S+?):\d+(?::\d+)?: fatal error: ([^:]+): No such file or directory/;
const COMPILE_ERROR = /^(\S+?):\d+(?::\d+)?: error: (.*)$/;
const KCONFIG_UNDEFINED = /attempt to assign the value '([^']*)' to the undefined symbol (\w+)/;
const KCONFIG_UNMET = /warning: (\w+) \(defined at [^)]*\) (?:selects|has direct dependencies) (\w+)?.*?(?:without meeting its direct dependencies|unmet)/;

/** Kconfig symbols the defconfig sets to y that `make olddefconfig` left unset (unmet dependencies), mapped to the plan. */
export function unmetKconfig(defconfig: string, dotConfig: string, plan?: Plan, ignore: (symbol: string) => boolean = () => false): BuildProblem[] {
  const wanted = [...defconfig.matchAll(/^CONFIG_(\w+)=y$/gm)].map((m) => m[1]!).filter((s) => !ignore(s));
  const have = new Set([...dotConfig.matchAll(/^CONFIG_(\w+)=y$/gm)].map((m) => m[1]!));
  return wanted.filter((s) => !have.has(s)).map((symbol) => {
    const lib = plan?.libraries.find((l) => l.kconfig === symbol);
    const entry = lib ? `library:${lib.name}` : plan?.kconfig.includes(`CONFIG_${symbol}=y`) ? `kconfig:${symbol}` : undefined;
    return {
      kind: 'kconfig-unmet' as const,
      message: `CONFIG_${symbol}=y in the defconfig is not set after make olddefconfig (a dependency is unmet, or the symbol does not exist in this release)`,
      symbol,
      ...(entry ? { planEntry: entry } : {}),
      ...(lib ? { planStatus: `planned because ${lib.because.slice(0, 3).join(', ')}` } : {}),
    };
  });
}

/** Failures in Unikraft's make output (configure and build), each mapped back to the plan where it can be. */
export function parseBuildLog(log: string, lookup?: PlanLookup): BuildProblem[] {
  const problems: BuildProblem[] = [];
  const seen = new Set<string>();
  const push = (p: BuildProblem) => {
    const key = `${p.kind}\0${p.symbol ?? p.message}`;
    if (!seen.has(key)) { seen.add(key); problems.push(p); }
  };
  for (const raw of log.split('\n')) {
    const line = raw.trim();
    let m = UNDEFINED.exec(line);
    if (m) {
      const symbol = m[1]!;
      const need = lookup?.need(symbol) ?? lookup?.need(symbol.replace(/^(uk_syscall_[er]_|__)/, ''));
      const provider = lookup?.provider(symbol);
      push({ kind: 'undefined-reference', message: line.slice(0, 300), symbol, ...(need ?? {}), ...(provider ? { provider } : {}) });
      continue;
    }
    m = MULTIPLE.exec(line);
    if (m) {
      const symbol = m[1]!;
      const other = lookup?.libraryOfPath(m[2]!);
      const need = lookup?.need(symbol);
      push({ kind: 'link-error', message: line.slice(0, 300), symbol, ...(need ?? {}), ...(other ? { provider: `also defined by ${other}` } : {}) });
      continue;
    }
    m = MISSING_HEADER.exec(line);
    if (m) {
      const lib = lookup?.libraryOfPath(m[1]!);
      push({ kind: 'missing-header', message: line.slice(0, 300), symbol: m[2]!, ...(lib ? { planEntry: `library:${lib}` } : {}) });
      continue;
    }
    m = COMPILE_ERROR.exec(line);
    if (m) {
      const lib = lookup?.libraryOfPath(m[1]!);
      push({ kind: 'compile-error', message: line.slice(0, 300), ...(lib ? { planEntry: `library:${lib}` } : {}) });
      continue;
    }
    m = KCONFIG_UNDEFINED.exec(line);
    if (m) { push({ kind: 'kconfig-unknown', message: line.slice(0, 300), symbol: m[2]!, planEntry: `kconfig:${m[2]}` }); continue; }
    m = KCONFIG_UNMET.exec(line);
    if (m) { push({ kind: 'kconfig-unmet', message: line.slice(0, 300), symbol: m[2] ?? m[1]! }); continue; }
    if (/ld(?:\.\w+)?: .*(?:multiple definition|cannot find)/.test(line)) { push({ kind: 'link-error', message: line.slice(0, 300) }); continue; }
  }
  if (problems.length === 0) {
    const makeError = log.split('\n').find((l) => /collect2: error: ld returned/.test(l)) ?? log.split('\n').find((l) => /^make(?:\[\d+\])?: \*\*\* /.test(l.trim()));
    if (makeError) push({ kind: /collect2/.test(makeError) ? 'link-error' : 'make-error', message: makeError.trim().slice(0, 300) });
  }
  return problems;
}
