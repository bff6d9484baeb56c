import type { UnikraftTable } from '../model/index.js';
import { optionLibraries, type KnownSymbols, type LibraryGraph } from './library-graph.js';

// How releases mount an initrd as the root file system: 0.16+ uses the automount "CI" scheme, older releases ROOTFS_*.
const SCHEMES: [string, string][][] = [
  [['LIBVFSCORE_AUTOMOUNT_CI', 'y'], ['LIBVFSCORE_AUTOMOUNT_CI_INITRD', 'y']],
  [['LIBVFSCORE_AUTOMOUNT_ROOTFS', 'y'], ['LIBVFSCORE_ROOTFS_INITRD', 'y'], ['LIBVFSCORE_ROOTFS', '"initrd"']],
];

/** Kconfig assignments (`CONFIG_X=v`) that mount an initrd root file system in this release, and the libraries they need. */
export function rootfsConfig(table: UnikraftTable, g: LibraryGraph, known: KnownSymbols): { kconfig: string[]; libraries: string[] } {
  for (const scheme of SCHEMES) {
    if (!g.bySymbol.has(scheme[0]![0])) continue;
    const present = scheme.filter(([s]) => g.bySymbol.has(s));
    const libs = new Set<string>();
    for (const [s] of present) for (const lib of optionLibraries(table, g, s, known)) libs.add(lib);
    return { kconfig: present.map(([s, v]) => `CONFIG_${s}=${v}`), libraries: [...libs] };
  }
  const vfs = Object.values(table.libraries).find((l) => l.kconfig === 'LIBVFSCORE');
  return { kconfig: [], libraries: vfs ? [vfs.name] : [] };
}
