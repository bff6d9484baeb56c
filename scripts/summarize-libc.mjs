#!/usr/bin/env node
// Writes syscall-tables/libc-summaries/<libc>-<arch>.json from a real libc binary (run `npm run build` first).
// Usage: node scripts/summarize-libc.mjs [--libc musl] [PATH]   (default PATH: Debian's musl libc.so)
//        node scripts/summarize-libc.mjs --libc newlib --lib-newlib DIR --newlib DIR --unikraft DIR
//          (builds newlib as unikraft/lib-newlib does, with gcc, and summarises that; see src/sync/newlib-build.ts)
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeLibc } from '../dist/sync/libc-summaries.js';
import { summarizeNewlib } from '../dist/sync/newlib-summaries.js';

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const libc = option('--libc') ?? 'musl';
let path, table;
if (libc === 'newlib') {
  const [libNewlib, newlib, unikraft] = [option('--lib-newlib'), option('--newlib'), option('--unikraft')];
  if (!libNewlib || !newlib || !unikraft) { console.error('newlib needs --lib-newlib DIR --newlib DIR --unikraft DIR'); process.exit(2); }
  path = `a gcc build of ${libNewlib}`;
  table = await summarizeNewlib({ libNewlib, newlib, unikraft, log: (m) => console.error(m), keep: args.includes('--keep') });
} else {
  path = args[0] ?? '/usr/lib/x86_64-linux-musl/libc.so';
  table = summarizeLibc(path, libc);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'syscall-tables', 'libc-summaries', `${libc}-${table.arch}.json`);
mkdirSync(dirname(out), { recursive: true });
// one function per line keeps the file reviewable and diffs small
const { functions, ...head } = table;
const body = Object.entries(functions).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
const text = JSON.stringify(head, null, 2).replace(/\n}$/, `,\n  "functions": {\n${body.replace(/^/gm, '  ')}\n  }\n}\n`);
JSON.parse(text);
writeFileSync(out + '.tmp', text);
renameSync(out + '.tmp', out);
console.log(`${out}: ${Object.keys(table.functions).length} functions from ${path} (${table.provenance.repo} ${table.provenance.tag})`);
