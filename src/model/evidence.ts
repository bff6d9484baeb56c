/** Source position: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** Enclosing function, when known. */
  function?: string;
}

/** Why a fact is believed: where it was seen and by which extractor. */
export interface Evidence {
  /** Path of the artifact (binary, source file, library) the evidence is in. */
  artifact: string;
  /** Extractor id, e.g. `elf.dynamic`, `x86_64.syscall-site`, `c.call`. */
  extractor: string;
  location?: SourceLocation;
  /** Code address as 0x-prefixed hex. */
  address?: string;
  /** Function containing the address. */
  function?: string;
  /** Call chain from an imported or entry symbol to the site, bounded in length. */
  chain?: string[];
  /** Preprocessor condition under which a source fact holds, e.g. `defined(__linux__)`. */
  condition?: string;
  /** The site sits in a branch no Linux build (x86_64, aarch64) compiles, under this condition (`BSD >= 199103`,
   *  `defined(__i386__)`): it is reported, but it is not a need. */
  offLinux?: string;
  detail?: string;
  /** Container image layer digest the artifact came from. */
  layer?: string;
}
