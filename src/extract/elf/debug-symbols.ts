import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readBounded } from '../../inputs/read-file.js';
import { noteStat } from '../../inputs/fs-observe.js';
import { parseElf, SHT_SYMTAB, type ElfFile } from './reader.js';
import { readSymbols, type ElfSymbol } from './symbols.js';

const SHT_NOTE = 7;
const NT_GNU_BUILD_ID = 3;
/** A separate debug file larger than this is not read whole for its symbol table (the library is then analysed as stripped). */
const MAX_DEBUG_FILE_BYTES = 256 * 1024 * 1024;

/** The GNU build-id of ELF in hex (`.note.gnu.build-id`), if it has one. */
export function buildIdOf(elf: ElfFile): string | undefined {
  for (const s of elf.sections) {
    if (s.type !== SHT_NOTE) continue;
    let data: Buffer;
    try { data = elf.sectionData(s); } catch { continue; }
    const u32 = (o: number): number => (elf.little ? data.readUInt32LE(o) : data.readUInt32BE(o));
    for (let o = 0; o + 12 <= data.length;) {
      const namesz = u32(o), descsz = u32(o + 4), type = u32(o + 8);
      const name = o + 12, desc = name + ((namesz + 3) & ~3);
      if (namesz > data.length || descsz > data.length || desc + descsz > data.length) break;
      if (type === NT_GNU_BUILD_ID && namesz === 4 && data.toString('latin1', name, name + 3) === 'GNU' && descsz >= 8 && descsz <= 64) {
        return data.toString('hex', desc, desc + descsz);
      }
      o = desc + ((descsz + 3) & ~3);
    }
  }
  return undefined;
}

/** Where separate debug files are looked up by build-id: the distribution's tree, then debuginfod's cache. */
export function debugFileCandidates(buildId: string): string[] {
  const cache = process.env.DEBUGINFOD_CACHE_PATH || join(process.env.XDG_CACHE_HOME?.startsWith('/') ? process.env.XDG_CACHE_HOME : join(homedir(), '.cache'), 'debuginfod_client');
  return [`/usr/lib/debug/.build-id/${buildId.slice(0, 2)}/${buildId.slice(2)}.debug`, join(cache, buildId, 'debuginfo')];
}

/**
 * The separate debug file of a stripped ELF (its distribution ships the symbols apart), if one is installed.
 * Reads nothing of the ELF's contents: the build-id was decoded when it was loaded.
 */
export function findDebugFile(mod: { elf: ElfFile; decoded: { buildId?: string } }): string | undefined {
  const id = mod.decoded.buildId;
  if (!id || mod.elf.sections.some((s) => s.type === SHT_SYMTAB)) return undefined;
  return debugFileCandidates(id).find((p) => { noteStat(p); return existsSync(p); });
}

/**
 * The full symbol table of ELF (build-id BUILDID) from its separate debug file at PATH (`objcopy --only-keep-debug`: the same
 * addresses). Only a file with the same build-id, machine and class counts; anything unreadable or different
 * gives undefined (the analysis then uses .dynsym, as without debug symbols).
 */
export function readDebugSymbols(elf: ElfFile, buildId: string | undefined, path: string): ElfSymbol[] | undefined {
  if (!buildId) return undefined;
  try {
    const dbg = parseElf(readBounded(path, MAX_DEBUG_FILE_BYTES), path);
    if (dbg.machine !== elf.machine || dbg.class !== elf.class || buildIdOf(dbg) !== buildId) return undefined;
    const symbols = readSymbols(dbg, 'symtab');
    return symbols.length > 0 ? symbols : undefined;
  } catch {
    return undefined;
  }
}
