import type { FilesystemStack, PlannedFilesystem, UnikraftTable } from '../model/index.js';
import { rootfsConfig } from './rootfs.js';
import { optionLibraries, type KnownSymbols, type LibraryGraph } from './library-graph.js';
import type { KconfigWorld } from './kconfig-world.js';

/** The stack, with the Kconfig and libraries that mount the initrd as the root file system, and the kernel arguments. */
export interface FilesystemConfig extends PlannedFilesystem {
  kconfig: string[];
  libraries: string[];
  kernelArgs: string[];
}

/** What decides the stack: the user's --fs, the syscalls only one stack serves, the application's own Config.uk. */
export interface FilesystemChoice {
  wanted?: FilesystemStack;
  /** Needed syscalls whose only file-system provider is vfscore in this release. */
  onlyVfscore: string[];
  /** Why vfscore is on whatever the plan asks (app-elfloader's VFSEXEC or the libc port selects LIBVFSCORE), when it is. */
  applicationNeedsVfscore?: string;
}

// posix-vfs-fstab's Config.uk: volumes from the kernel parameter vfs.fstab=[ "<dev>:<mntpoint>:<fsdriver>[:<flags>[:<opts>[:<ukopts>]]]" ];
// the initrd entry is the one catalog-core passes to vfscore's user table (elfloader-net run script)
const INITRD_FSTAB = 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ]';

/** Which stack the release and the app call for. */
export function chooseStack(table: UnikraftTable, c: FilesystemChoice): PlannedFilesystem {
  const hasPosixVfs = Object.values(table.libraries).some((l) => l.kconfig === 'LIBPOSIX_VFS');
  if (!hasPosixVfs) return { stack: 'vfscore', because: [`${table.release} has vfscore only (posix-vfs and ukfs came in v0.20.0)`] };
  if (c.wanted === 'vfscore') return { stack: 'vfscore', because: ['asked for with --fs vfscore (deprecated since v0.21.0, still built)'] };
  if (c.wanted === 'posix-vfs') {
    return { stack: 'posix-vfs', because: ['asked for with --fs posix-vfs', ...(c.applicationNeedsVfscore ? [`but ${c.applicationNeedsVfscore}: the posix-vfs syscalls (LIBPOSIX_VFS_SYSCALLS, depends on !LIBVFSCORE) stay off until that repository drops the select`] : [])] };
  }
  if (c.applicationNeedsVfscore) return { stack: 'vfscore', because: [c.applicationNeedsVfscore] };
  if (c.onlyVfscore.length) return { stack: 'vfscore', because: [`only vfscore provides ${c.onlyVfscore.join(', ')} in ${table.release}`] };
  return { stack: 'posix-vfs', because: [`the file-system stack of ${table.release} (vfscore is deprecated since v0.21.0)`] };
}

/**
 * Kconfig that mounts an initrd as the root file system on STACK: vfscore's automount scheme of the release
 * (rootfsConfig), or posix-vfs with ukfs-ramfs and posix-vfs-fstab's user table, read from the kernel command line.
 */
export function filesystemConfig(table: UnikraftTable, world: KconfigWorld, g: LibraryGraph, known: KnownSymbols, fs: PlannedFilesystem): FilesystemConfig {
  if (fs.stack === 'vfscore') {
    const r = rootfsConfig(table, g, known);
    return { ...fs, kconfig: r.kconfig, libraries: r.libraries, kernelArgs: [] };
  }
  const syms = ['LIBPOSIX_VFS', 'LIBUKFS_RAMFS', 'LIBPOSIX_VFS_FSTAB', 'LIBPOSIX_VFS_FSTAB_USER'].filter((s) => world.entries.has(s));
  const libraries = new Set<string>();
  for (const s of syms) for (const lib of optionLibraries(table, g, s, known)) libraries.add(lib);
  const options = syms.filter((s) => !Object.values(table.libraries).some((l) => l.kconfig === s));
  return { ...fs, kconfig: options.map((s) => `CONFIG_${s}=y`), libraries: [...libraries], kernelArgs: syms.includes('LIBPOSIX_VFS_FSTAB_USER') ? [INITRD_FSTAB] : [] };
}
