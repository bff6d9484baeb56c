import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Mode } from '../model/index.js';

/** A change verify makes for its test VM only (not for the port): the Kconfig lines, kernel parameters and why. */
export interface Adjustment {
  kconfig: string[];
  kernelParams: string[];
  reason: string;
}

const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');

/** Shim reporting for the run: every registered syscall a native app makes (DEBUG), and strace-like lines of binary syscalls (STRACE). */
export function tracingAdjustment(mode: Mode | undefined): Adjustment {
  const kconfig = ['CONFIG_LIBSYSCALL_SHIM_DEBUG=y'];
  if (mode === 'binary-compat') kconfig.push('CONFIG_LIBSYSCALL_SHIM_STRACE=y', '# CONFIG_LIBSYSCALL_SHIM_STRACE_ANSI_COLOR is not set');
  return { kconfig, kernelParams: [], reason: 'the syscall shim reports each syscall and each one it does not provide (lib/syscall_shim: LIBSYSCALL_SHIM_DEBUG, _STRACE)' };
}

/**
 * What the tree's ukrandom needs from a CPU that qemu's TCG lacks (RDSEED). v0.17.0 checks CPUID for RDRAND
 * and RDSEED in ukarch_random_init and fails boot with "Could not initialize the HWRNG (-95)": under TCG
 * verify leaves LIBUKRANDOM out (its getrandom is then not available). From v0.18.0 a seed can come from
 * the command line (LIBUKRANDOM_CMDLINE_SEED, `random.seed=[8 words]`): verify passes a fresh one.
 */
export function randomAdjustment(unikraft: string, accel: 'kvm' | 'tcg'): Adjustment | undefined {
  if (accel === 'kvm') return undefined;
  const ukrandomConfig = read(join(unikraft, 'lib/ukrandom/Config.uk'));
  if (/config LIBUKRANDOM_CMDLINE_SEED\b/.test(ukrandomConfig)) {
    const words = [...randomBytes(32).toString('hex').match(/.{8}/g)!].map((w) => `0x${w}`);
    return {
      kconfig: ['CONFIG_LIBUKRANDOM_CMDLINE_SEED=y', 'CONFIG_LIBUKLIBPARAM=y'],
      kernelParams: [`random.seed=[${words.join(' ')}]`],
      reason: 'qemu TCG has no RDSEED: ukrandom is seeded from the command line (LIBUKRANDOM_CMDLINE_SEED)',
    };
  }
  const archRandom = read(join(unikraft, 'arch/x86/x86_64/include/uk/asm/random.h'));
  // v0.16 has the same arch check but no ukrandom calling it (ukswrand seeds from the clock)
  const bootCheck = /ukarch_random_init\s*\(/.test(read(join(unikraft, 'lib/ukrandom/random.c')));
  if (bootCheck && /ukarch_random_init[\s\S]*X86_CPUID7_EBX_RDSEED/.test(archRandom)) {
    return {
      kconfig: ['# CONFIG_LIBUKRANDOM is not set'],
      kernelParams: [],
      reason: 'qemu TCG has no RDSEED and this release\'s ukrandom requires it at boot ("Could not initialize the HWRNG (-95)"): ukrandom left out for the test VM, so getrandom is not available there',
    };
  }
  return undefined;
}

/**
 * Network address on the kernel command line, as kraft passes it: `netdev.ip=` is read only with
 * LIBUKNETDEV_EINFO_LIBPARAM (verify adds it when the plan has a network stack but not that option).
 */
export function networkAdjustment(dotConfig: Record<string, string>, hasForwards: boolean): Adjustment | undefined {
  if (!hasForwards || dotConfig.CONFIG_LIBUKNETDEV !== 'y') return undefined;
  const planned = dotConfig.CONFIG_LIBUKNETDEV_EINFO_LIBPARAM === 'y';
  return {
    kconfig: planned ? [] : ['CONFIG_LIBUKNETDEV_EINFO_LIBPARAM=y'],
    kernelParams: ['netdev.ip=10.0.2.15/24:10.0.2.2:10.0.2.3'],
    reason: planned
      ? 'qemu user networking: the guest address on the command line (netdev.ip)'
      : 'qemu user networking: the guest address on the command line (netdev.ip), which needs LIBUKNETDEV_EINFO_LIBPARAM; the plan does not set it',
  };
}
