/** Facts about one ELF file's structure (what `readelf -h -l -d --dyn-syms -V` shows). */
export interface BinaryInfo {
  path: string;
  class: 32 | 64;
  endianness: 'little' | 'big';
  /** `x86_64`, `aarch64`, or the raw e_machine name/number for others. */
  machine: string;
  type: 'EXEC' | 'DYN' | 'PIE' | 'REL' | 'CORE' | 'OTHER';
  entry: string;
  linking: 'static' | 'dynamic';
  interpreter?: string;
  soname?: string;
  needed: string[];
  rpath: string[];
  runpath: string[];
  tls: boolean;
  stripped: boolean;
  imports: ElfSymbolRef[];
  exports: ElfSymbolRef[];
  /** sha256 of the file contents. */
  sha256: string;
  /** Code of the libraries that glibc models held back for this program (nothing it reaches releases it). */
  libcModels?: HeldBack[];
}

/** What one glibc model (src/extract/elf/libc-models.ts) held back in one library. */
export interface HeldBack {
  model: string;
  library: string;
  /** calls not followed */
  calls: number;
  /** by name: the syscalls of the sites held, and those the model's release alone would add to the prediction */
  syscalls: string[];
}

/** A dynamic symbol with its version. */
export interface ElfSymbolRef {
  name: string;
  type: 'func' | 'object' | 'tls' | 'other';
  binding: 'global' | 'weak' | 'local' | 'other';
  version?: string;
  /** For imports: the library whose verneed entry carries `version`. */
  versionLibrary?: string;
  /** For exports: true when this is the default version (`@@`). */
  defaultVersion?: boolean;
}

/** One edge of the shared-library graph. */
export interface LibraryEdge {
  from: string;
  soname: string;
  /** Resolved path, or undefined when not found. */
  resolved?: string;
  /** How it was found: rpath, runpath, ld.so.cache, default, origin. */
  via?: string;
}
