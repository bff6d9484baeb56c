import { basename } from 'node:path';
import type { Arch, Fact, ModuleFact } from '../../model/index.js';
import { loadLinuxSyscalls } from '../../data/linux-syscalls.js';
import type { LoadedElf } from '../elf/resolve-libraries.js';
import { loadModuleMap, moduleUseFacts, type ModuleFactOptions, type ModuleMap, type ModuleUse } from '../python/module-map.js';
import { jsProject, scanJsModules } from './scan-js-modules.js';
import { isStackOverflow, tooDeepFact } from '../limits.js';
import type { SourceFile } from 'ts-morph';

/** The shipped map of Node.js built-ins to the Linux facilities they need. */
export const DEFAULT_NODE_BUILTINS = new URL('../../../syscall-tables/node-builtins.json', import.meta.url).pathname;

/** Whether a path is inside node_modules (dependencies' JS is not the app's; their `.node` addons are scanned as ELF). */
export function inNodeModules(path: string): boolean {
  return /(^|[\\/])node_modules[\\/]/.test(path);
}

/** Module uses of each JS/TS file (parsed with the compiler, one in-memory file at a time); `tooDeep`: not parsed, nested too deeply. */
export function jsModuleUses(files: { path: string; text: string }[]): { path: string; uses: ModuleUse[]; tooDeep?: boolean }[] {
  const project = jsProject();
  return files.map((f, i) => {
    // each file gets its own in-memory name, so two inputs with the same base name do not collide
    let sf: SourceFile | undefined;
    try {
      sf = project.createSourceFile(`/in/${i}/${basename(f.path)}`, f.text, { overwrite: true });
      return { path: f.path, uses: scanJsModules(sf) };
    } catch (e) {
      // TypeScript's parser recurses per nesting level: 1,000 nested parentheses overflow the stack
      if (!isStackOverflow(e)) throw e;
      return { path: f.path, uses: [], tooDeep: true };
    } finally {
      if (sf) project.removeSourceFile(sf);
    }
  });
}

/** Facts of JS/TS sources: Node built-ins they use that need Linux facilities, and those syscalls, with file:line. */
export function jsSourceFacts(files: { path: string; text: string }[], arch: Arch = 'x86_64', mapPath = DEFAULT_NODE_BUILTINS, parsed = jsModuleUses(files)): Fact[] {
  const linux = loadLinuxSyscalls(arch);
  const map: ModuleMap = loadModuleMap(mapPath, linux);
  const options: ModuleFactOptions = { language: 'javascript', arch, linux, extractor: 'js.import' };
  return parsed.flatMap(({ path, uses, tooDeep }) => (tooDeep ? [tooDeepFact(path, 'js.import')] : moduleUseFacts(path, uses, map, options)));
}

/** A native addon (`.node`, an ELF exporting the N-API or V8 module registration) is a JS module in compiled code. */
export function nodeAddonFacts(bin: LoadedElf): Fact[] {
  const reg = bin.decoded.info.exports.find((s) => s.name === 'napi_register_module_v1' || /^node_register_module_v\d+$/.test(s.name));
  if (!reg) return [];
  const f: ModuleFact = { kind: 'module', language: 'javascript', name: basename(bin.path), native: true,
    evidence: [{ artifact: bin.path, extractor: 'js.addon', detail: reg.name }] };
  return [f];
}
