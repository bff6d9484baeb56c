import type { Fact, SymbolFact } from '../../model/index.js';
import type { LoadedElf } from './resolve-libraries.js';

const RUNTIME_LOADING: Record<string, 'dlopen' | 'dlsym'> = {
  dlopen: 'dlopen', dlmopen: 'dlopen', dlsym: 'dlsym', dlvsym: 'dlsym',
};

/** Facts every ELF yields by itself: imported symbols, needed libraries, runtime loading, unsupported arch. */
export function elfFacts(bin: LoadedElf): Fact[] {
  const info = bin.decoded.info;
  const facts: Fact[] = [];
  const ev = (extractor: string, detail?: string) => [{ artifact: bin.path, extractor, ...(detail ? { detail } : {}) }];
  if (info.machine !== 'x86_64' && info.machine !== 'aarch64') {
    facts.push({ kind: 'unknown', reason: 'unsupported-arch', message: `${info.machine} code is not analysed for syscalls`, evidence: ev('elf.header') });
  }
  for (const s of info.imports) {
    const fact: SymbolFact = { kind: 'symbol', name: s.name, role: 'import', type: s.type === 'object' ? 'object' : 'func', evidence: ev('elf.dynsym') };
    if (s.version) fact.version = s.version;
    if (s.versionLibrary) fact.versionLibrary = s.versionLibrary;
    facts.push(fact);
    const loading = RUNTIME_LOADING[s.name];
    if (loading) {
      facts.push({
        kind: 'unknown', reason: loading,
        message: loading === 'dlopen' ? 'libraries loaded at run time with dlopen are followed only when the name is a constant string that resolves on this system' : 'symbols looked up at run time with dlsym are followed only when the name is a constant string',
        evidence: ev('elf.dynsym', `${s.name}${s.version ? '@' + s.version : ''}`),
      });
    }
  }
  // a copy-relocated object (stdout in a non-PIC executable) is defined here but bound to a version another file provides: an import
  for (const s of info.exports) {
    if (!s.versionLibrary || s.type !== 'object') continue;
    facts.push({ kind: 'symbol', name: s.name, role: 'import', type: 'object', version: s.version!, versionLibrary: s.versionLibrary, evidence: ev('elf.dynsym', `${s.name}@${s.version} (copy relocation)`) });
  }
  for (const soname of info.needed) {
    const m = /\.so\.(.+)$/.exec(soname);
    facts.push({ kind: 'library', soname, ...(m ? { version: m[1] } : {}), neededBy: [bin.path], evidence: ev('elf.dynamic', 'DT_NEEDED') });
  }
  return facts;
}
