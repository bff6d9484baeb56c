#!/usr/bin/env node
// Writes syscall-tables/libc-summaries/<libc>-<arch>.json from a real libc binary (run `npm run build` first).
// Usage: node scripts/summarize-libc.mjs [--libc musl] [PATH]   (default PATH: Debian's musl libc.so)
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeLibc } from '../dist/sync/libc-summaries.js';

const args = process.argv.slice(2);
const li = args.indexOf('--libc');
const libc = li >= 0 ? args.splice(li, 2)[1] : 'musl';
const path = args[0] ?? '/usr/lib/x86_64-linux-musl/libc.so';
const table = summarizeLibc(path, libc);
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
