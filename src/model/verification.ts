/** How far a verification got: each outcome names the first stage that did not succeed, or `verified`. */
export const VERIFY_OUTCOMES = ['verified', 'booted', 'probe-failed', 'boot-failed', 'build-failed', 'config-failed', 'missing-sources'] as const;
/** `verified`: built, booted and (when asked) answered the probe; `booted`: ran without a probe or expected output. */
export type VerifyOutcome = (typeof VERIFY_OUTCOMES)[number];

export const BUILD_PROBLEM_KINDS = ['kconfig-unmet', 'kconfig-unknown', 'undefined-reference', 'missing-header', 'compile-error', 'link-error', 'missing-archive', 'make-error'] as const;
/** What kind of failure a line of Unikraft's build output shows. */
export type BuildProblemKind = (typeof BUILD_PROBLEM_KINDS)[number];

/** One build failure, mapped back to the plan where it can be. */
export interface BuildProblem {
  kind: BuildProblemKind;
  /** The build output line(s) it was read from, trimmed. */
  message: string;
  /** Kconfig symbol, function or header the line names. */
  symbol?: string;
  /** The plan entry it traces back to (`library:lib-lwip`, `kconfig:LIBUKSWRAND`, `syscall:rseq`). */
  planEntry?: string;
  /** Library that would provide the missing symbol, when known. */
  provider?: string;
  /** What the plan said about it (`covered`, `missing-required`, ...), when it said anything. */
  planStatus?: string;
}

/** A syscall seen in the boot log. */
export interface ObservedSyscall {
  name: string;
  /** Times seen (strace-like lines and "not available" messages together). */
  count: number;
  /** Unikraft reported it as not available (-ENOSYS) at least once. */
  notAvailable: boolean;
}

/** A gap the plan predicted (a syscall the release does not provide) and whether the run hit it. */
export interface PredictedGap {
  name: string;
  status: string;
  hit: boolean;
}

/** One stage of a verification with its time and log file. */
export interface VerifyStage {
  stage: 'sources' | 'configure' | 'build' | 'boot' | 'probe';
  ok: boolean;
  seconds: number;
  /** Log file under --out. */
  log?: string;
  detail?: string;
}

/** Result of `ukport verify`: Unikraft's own build of the port, a boot under qemu, and what ran next to what was predicted. */
export interface Verification {
  outcome: VerifyOutcome;
  /** One line: `verified running on v0.17.0 with probe tcp:8080` or what stopped it. */
  summary: string;
  /** Release of the source tree the port was built from. */
  release: string;
  /** Unikraft tree and library checkouts used: name → path (commit when a git checkout). */
  sources: { name: string; path: string; commit?: string }[];
  stages: VerifyStage[];
  buildProblems: BuildProblem[];
  /** The unikernel image, under --out. */
  image?: string;
  boot?: {
    accel: 'kvm' | 'tcg';
    command: string[];
    /** How qemu ended: the probe finished, it exited, it crashed, or the time bound stopped it. */
    end: 'probe-done' | 'exited' | 'crashed' | 'timeout';
    /** Crash or assertion line from the log, when any. */
    crash?: string;
    /** The app's own output lines (kernel messages left out), first lines only. */
    output: string[];
  };
  probe?: { spec: string; ok: boolean; detail: string };
  /** Changes verify made for its test VM only, each with its reason (tracing, TCG's missing RDSEED, the network address). */
  adjustments: string[];
  syscalls?: {
    /** Every syscall the log shows. */
    observed: ObservedSyscall[];
    /**
     * What the log can show: `strace`, every binary syscall (app-elfloader, LIBSYSCALL_SHIM_STRACE); `shim-debug`,
     * every call into a syscall the release provides plus those the shim reports not available (native ports:
     * a call to a syscall nothing provides compiles to a silent -ENOSYS stub).
     */
    tracing: 'strace' | 'shim-debug';
    /** Seen at run time but not predicted by the analysis: a soundness bug. */
    unpredicted: string[];
    /** Each syscall gap of the plan, hit or not during the run. */
    gaps: PredictedGap[];
  };
}
