import type { Arch } from '../model/index.js';
import type { KconfigWorld } from './kconfig-world.js';

/** A platform/VMM pair an image is built for, and the Kconfig that selects it. */
export interface TargetSpec {
  /** Kraftfile name: `qemu/x86_64`, `fc/x86_64`. */
  name: string;
  platform: 'qemu' | 'fc';
  arch: Arch;
  /** `SYMBOL` → value: architecture, platform, VMM. */
  symbols: [string, string][];
}

const ARCH_SYMBOL: Record<Arch, string> = { x86_64: 'ARCH_X86_64', aarch64: 'ARCH_ARM_64' };
const KRAFT_ARCH: Record<Arch, string> = { x86_64: 'x86_64', aarch64: 'arm64' };

/**
 * The targets the release can build for ARCH: QEMU and, where the release has the VMM choice (v0.13+), Firecracker
 * (x86_64 and arm64, as the catalog's Kraftfiles list them). Releases before the VMM choice have KVM with QEMU only.
 */
export function targetsFor(world: KconfigWorld, arch: Arch): TargetSpec[] {
  const base: [string, string][] = [[ARCH_SYMBOL[arch], 'y'], ['PLAT_KVM', 'y']];
  const out: TargetSpec[] = [];
  const qemu: [string, string][] = world.entries.has('KVM_VMM_QEMU') ? [...base, ['KVM_VMM_QEMU', 'y']] : base;
  out.push({ name: `qemu/${KRAFT_ARCH[arch]}`, platform: 'qemu', arch, symbols: qemu });
  if (world.entries.has('KVM_VMM_FIRECRACKER')) out.push({ name: `fc/${KRAFT_ARCH[arch]}`, platform: 'fc', arch, symbols: [...base, ['KVM_VMM_FIRECRACKER', 'y']] });
  return out;
}
