import type { BinaryInfo, ElfSymbolRef } from '../../model/index.js';
import { EM_AARCH64, EM_X86_64, PT_INTERP, PT_TLS, SHT_SYMTAB, type ElfFile } from './reader.js';
import { DF_1_PIE, readDynamic, type DynamicInfo } from './dynamic.js';
import { readSymbols, SHN_UNDEF, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT, STT_TLS, type ElfSymbol } from './symbols.js';
import { readVersions, type VersionInfo } from './versions.js';
import { buildIdOf } from './debug-symbols.js';

const MACHINE_NAMES: Record<number, string> = {
  [EM_X86_64]: 'x86_64', [EM_AARCH64]: 'aarch64', 3: 'i386', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390',
  40: 'arm', 243: 'riscv', 258: 'loongarch',
};
const TYPE_NAMES: Record<number, BinaryInfo['type']> = { 1: 'REL', 2: 'EXEC', 3: 'DYN', 4: 'CORE' };

/** Everything decoded from one ELF, kept for later stages (syscall extraction reuses `symbols`). */
export interface DecodedElf {
  info: BinaryInfo;
  dynamic: DynamicInfo;
  dynsym: ElfSymbol[];
  versions: VersionInfo;
  /** GNU build-id (hex), which names the separate debug file of a stripped ELF. */
  buildId?: string;
}

/** Name of an e_machine value as ukport reports it. */
export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `EM_${machine}`;
}

function symbolType(t: number): ElfSymbolRef['type'] {
  if (t === STT_FUNC || t === STT_GNU_IFUNC) return 'func';
  if (t === STT_OBJECT) return 'object';
  if (t === STT_TLS) return 'tls';
  return 'other';
}
function symbolBinding(b: number): ElfSymbolRef['binding'] {
  return b === 0 ? 'local' : b === 1 || b === 10 ? 'global' : b === 2 ? 'weak' : 'other';
}

/** Decodes the facts `readelf -h -l -d --dyn-syms -V` would show. */
export function describeElf(elf: ElfFile, sha256: string): DecodedElf {
  const dynamic = readDynamic(elf);
  const dynsym = readSymbols(elf, 'dynsym');
  const versions = readVersions(elf);
  const interp = elf.phdrs.find((p) => p.type === PT_INTERP);
  let interpreter: string | undefined;
  if (interp) {
    elf.need(interp.offset, interp.filesz, 'PT_INTERP');
    interpreter = elf.buf.toString('latin1', interp.offset, interp.offset + interp.filesz).replace(/\0.*$/s, '');
  }
  let type = TYPE_NAMES[elf.type] ?? 'OTHER';
  if (type === 'DYN' && (dynamic.flags1 & DF_1_PIE) !== 0n) type = 'PIE';
  const imports: ElfSymbolRef[] = [];
  const exports: ElfSymbolRef[] = [];
  for (const s of dynsym) {
    if (!s.name || s.bind === 0) continue;
    const vs = versions.versym[s.index];
    const ref: ElfSymbolRef = { name: s.name, type: symbolType(s.type), binding: symbolBinding(s.bind) };
    if (s.shndx === SHN_UNDEF) {
      const need = vs !== undefined && (vs & 0x7fff) >= 2 ? versions.needed.get(vs & 0x7fff) : undefined;
      if (need) { ref.version = need.name; ref.versionLibrary = need.file; }
      imports.push(ref);
    } else {
      const idx = vs === undefined ? 0 : vs & 0x7fff;
      const def = idx >= 2 ? versions.defined.get(idx) : undefined;
      // Copy-relocated objects (stdout in an executable) are defined here but carry a needed version.
      const need = idx >= 2 && !def ? versions.needed.get(idx) : undefined;
      if (def) { ref.version = def; ref.defaultVersion = (vs & 0x8000) === 0; }
      else if (need) { ref.version = need.name; ref.versionLibrary = need.file; ref.defaultVersion = false; }
      exports.push(ref);
    }
  }
  const info: BinaryInfo = {
    path: elf.path,
    class: elf.class,
    endianness: elf.little ? 'little' : 'big',
    machine: machineName(elf.machine),
    type,
    entry: '0x' + elf.entry.toString(16),
    linking: interpreter !== undefined || dynamic.needed.length > 0 ? 'dynamic' : 'static',
    interpreter,
    soname: dynamic.soname,
    needed: dynamic.needed,
    rpath: dynamic.rpath,
    runpath: dynamic.runpath,
    tls: elf.phdrs.some((p) => p.type === PT_TLS),
    stripped: !elf.sections.some((s) => s.type === SHT_SYMTAB),
    imports,
    exports,
    sha256,
  };
  return { info, dynamic, dynsym, versions, buildId: buildIdOf(elf) };
}
