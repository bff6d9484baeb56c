import { ElfFile, SHT_NOBITS } from './reader.js';

// An absolute path a program keeps as a constant: configuration, logs, state, pid files, shared data.
const PATH = /^\/(etc|var|srv|opt|run|usr\/share|usr\/lib|usr\/local)\/[A-Za-z0-9._@+/-]*[A-Za-z0-9_]$/;
const MAX_PATH = 255;

/**
 * Absolute file paths in a program's read-only data (`/etc/nginx/nginx.conf`, `/var/log/nginx/error.log`): the
 * configuration and state a binary-compat image needs next to the program. Strings with format directives or
 * spaces are not paths; what the program builds at run time is not seen.
 */
export function elfPathStrings(buf: Buffer, path: string): string[] {
  const elf = new ElfFile(buf, path);
  const out = new Set<string>();
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || !/^\.(rodata|data\.rel\.ro)$/.test(s.name)) continue;
    const data = elf.sectionData(s);
    let start = -1;
    for (let i = 0; i < data.length; i++) {
      const c = data[i]!;
      if (c === 0x2f && start < 0 && (i === 0 || data[i - 1] === 0)) start = i;
      if (c === 0) {
        if (start >= 0 && i - start <= MAX_PATH) {
          const str = data.toString('latin1', start, i);
          if (PATH.test(str)) out.add(str);
        }
        start = -1;
      } else if (start >= 0 && (c < 0x20 || c > 0x7e)) start = -1;
    }
  }
  return [...out].sort();
}
