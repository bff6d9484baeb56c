// Fuzz inputs beyond ELF and C: JS/TS and Python sources, compilation databases and container images (docker save
// archives with gzip or plain layers), each generated and mutated from the seeded PRNG so (seed, index) replays.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const NESTS = [['(', ')'], ['{', '}'], ['[', ']'], ['`${', '}`'], ['"', '"']];
const JS_NOISE = ["require('", "import('", "import x from '", 'require(`${a}`)', '/*', '*/', '//', '`', '\\u{10ffff}', '\0', '=>', 'class {', '#!', '\r\n'];
const PY_NOISE = ['import ', 'from . import ', '__import__(', 'importlib.import_module(', '"""', "'''", '\\\n', '\t', ':\n    ', '\0', '# -*- coding: latin-1 -*-\n', 'lambda: (', '\r'];

/** A mutated interpreted source: random bytes, noise tokens, deep nesting (up to 20,000), truncation, long lines. */
export function mutateScript(rng, base, lang) {
  let s = base;
  const what = [];
  const noise = lang === 'python' ? PY_NOISE : JS_NOISE;
  for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
    const at = rng.int(s.length + 1);
    switch (rng.int(6)) {
      case 0: { const k = 1 + rng.int(16); let r = ''; for (let j = 0; j < k; j++) r += String.fromCharCode(rng.int(256)); s = s.slice(0, at) + r + s.slice(at + k); what.push(`${k} random bytes`); break; }
      case 1: { const t = rng.pick(noise); s = s.slice(0, at) + t + s.slice(at); what.push(`insert ${JSON.stringify(t)}`); break; }
      case 2: { const d = 50 + rng.int(rng.chance(0.3) ? 20_000 : 1_500); const [o, c] = rng.pick(NESTS);
        s = s.slice(0, at) + o.repeat(d) + (rng.chance(0.5) ? c.repeat(d) : '') + s.slice(at); what.push(`nesting ${d} ${JSON.stringify(o)}`); break; }
      case 3: { s = s.slice(0, at); what.push(`truncate at ${at}`); break; }
      case 4: { const d = 100 + rng.int(3_000); s = s.slice(0, at) + (lang === 'python' ? '    '.repeat(d) + 'import os\n' : 'a.'.repeat(d) + 'b;\n') + s.slice(at); what.push(`long line ${d}`); break; }
      default: { const d = 10 + rng.int(2_000); s = s.slice(0, at) + (lang === 'python' ? 'import m\n' : "require('fs');\n").repeat(d) + s.slice(at); what.push(`${d} imports`); break; }
    }
  }
  return { buf: Buffer.from(s, 'latin1'), what };
}

/** A compilation database: well-formed entries around the given sources, then broken the ways real ones are (and worse). */
export function makeCompileDb(rng, dir, sources) {
  const what = [];
  let entries = sources.map((f) => ({ directory: dir, file: f, command: `cc -I include -DX=1 -c ${f}` }));
  const add = (e) => { if (Array.isArray(entries)) entries.push(e); };
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    switch (rng.int(7)) {
      case 0: add({ directory: rng.pick(['/', '/dev', '/proc/self', dir, '../../..', '']), file: rng.pick(['zero', 'null', 'stdin', 'mem', 'missing.c', 'x.h', '.']), arguments: ['cc', '-c', 'x'] }); what.push('entry naming a device or a missing file'); break;
      case 1: add({ directory: 3, file: null, command: [] }); what.push('entry of wrong types'); break;
      case 2: { const e = Array.isArray(entries) ? entries[rng.int(entries.length)] : undefined; if (e) e.arguments = Array.from({ length: 1 + rng.int(20_000) }, (_, k) => (k % 3 ? '-I' : `-D${'Y'.repeat(rng.int(50))}=${k}`)); what.push('many arguments'); break; }
      case 3: entries = { not: 'an array' }; what.push('not an array'); break;
      case 4: add({ directory: dir, file: `${'d/'.repeat(rng.int(2_000))}f.c`, command: 'cc "unterminated' }); what.push('deep file path, unterminated quote'); break;
      case 5: what.push('duplicated entries'); entries = Array.isArray(entries) ? [...entries, ...entries, ...entries] : entries; break;
      default: what.push('JSON nested deeply'); entries = [JSON.parse('['.repeat(50) + ']'.repeat(50))]; break;
    }
  }
  let text = JSON.stringify(entries);
  if (rng.chance(0.15)) { text = text.slice(0, rng.int(text.length)); what.push('truncated'); }
  if (rng.chance(0.05)) { text = '['.repeat(100_000); what.push('100,000 open brackets'); }
  writeFileSync(join(dir, 'compile_commands.json'), text);
  return what;
}

function tarHeader(name, flag, size, linkname = '') {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 99), 0, 'utf8');
  h.write('0000755\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124); h.write('00000000000\0', 136); h.write('        ', 148);
  h.write(flag, 156); h.write(linkname.slice(0, 99), 157, 'utf8'); h.write('ustar\x0000', 257, 'latin1');
  let sum = 0; for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

const pad = (b) => (b.length % 512 ? [b, Buffer.alloc(512 - (b.length % 512))] : [b]);

/** A tar archive of MEMBERS ({name, data?, type?: '0'|'2'|'5'|'1', linkname?}); names over 99 bytes go through a pax record. */
export function tarOf(members) {
  const parts = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    if (Buffer.byteLength(m.name) > 99) {
      const rec = (k, v) => { const body = ` ${k}=${v}\n`; let len = body.length + 1; while (String(len).length + body.length !== len) len++; return `${len}${body}`; };
      const pax = Buffer.from(rec('path', m.name));
      parts.push(tarHeader('PaxHeader', 'x', pax.length), ...pad(pax));
    }
    parts.push(tarHeader(m.name, m.type ?? '0', m.type && m.type !== '0' ? 0 : data.length, m.linkname ?? ''), ...(m.type && m.type !== '0' ? [] : pad(data)));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Flips, zeroes or truncates bytes of a built archive or layer. */
function damage(rng, b, what) {
  const out = Buffer.from(b);
  switch (rng.int(4)) {
    case 0: for (let i = 0, n = 1 + rng.int(8); i < n; i++) out[rng.int(out.length)] = rng.int(256); what.push('random bytes'); return out;
    case 1: { const at = 512 * rng.int(Math.max(1, out.length >> 9)); out.write(rng.pick(['77777777777', '99999999999', '\x80\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff']), at + 124, 'latin1'); what.push('size field'); return out; }
    case 2: what.push('truncated'); return out.subarray(0, rng.int(out.length));
    default: what.push('checksum'); out[148 + 512 * rng.int(Math.max(1, out.length >> 9))] ^= 0x11; return out;
  }
}

/** A docker save archive around ELF, with odd members, whiteouts, links, deep names and repeated or broken layers. */
export function makeImage(rng, dir, elf) {
  const what = [];
  const layers = [];
  for (let l = 0, n = 1 + rng.int(3); l < n; l++) {
    const members = [{ name: 'bin/app', data: elf }, { name: 'srv/app.py', data: 'import os, socket\n' }, { name: 'srv/index.js', data: "require('child_process')\n" }];
    for (let i = 0, k = rng.int(6); i < k; i++) {
      switch (rng.int(7)) {
        case 0: members.push({ name: 'lib/loop', type: '2', linkname: rng.pick(['loop', '/lib/loop', '../../../../etc/passwd', '/', '.']) }); what.push('symlink'); break;
        case 1: members.push({ name: `srv/.wh.${rng.pick(['app.py', '.wh..opq', 'x'])}`, data: '' }); what.push('whiteout'); break;
        case 2: members.push({ name: `${'a/'.repeat(1 + rng.int(rng.chance(0.2) ? 20_000 : 200))}f.py`, data: 'import os\n' }); what.push('deep path'); break;
        case 3: members.push({ name: 'bin/hard', type: '1', linkname: rng.pick(['bin/app', 'missing', '../x']) }); what.push('hard link'); break;
        case 4: members.push({ name: '../../escape', data: 'x' }); what.push('.. name'); break;
        case 5: for (let j = 0, m = rng.int(3_000); j < m; j++) members.push({ name: `srv/m/f${j}.py`, data: '' }); what.push('many members'); break;
        default: members.push({ name: 'srv/lib.so', data: rng.chance(0.5) ? elf : 'not elf' }); what.push('module'); break;
      }
    }
    const tar = tarOf(members);
    layers.push({ tar, blob: rng.chance(0.4) ? gzipSync(tar) : tar });
  }
  const refs = layers.map((_, i) => i);
  if (rng.chance(0.2)) { for (let i = 0, k = rng.int(rng.chance(0.3) ? 1_000 : 20); i < k; i++) refs.push(0); what.push('layer listed again'); }
  const config = { config: { Entrypoint: rng.pick([['/bin/app'], ['/srv/app.py'], ['node', '/srv/index.js'], ['app'], [], ['/lib/loop']]), Env: ['PATH=/bin:/usr/bin'], WorkingDir: rng.pick(['/srv', '/', '/missing', '/lib/loop']) },
    rootfs: { type: 'layers', diff_ids: refs.map((i) => sha(layers[i].tar)) } };
  if (rng.chance(0.15)) { config.rootfs.diff_ids = config.rootfs.diff_ids.slice(1); what.push('diff_ids short'); }
  const blobs = layers.map((l) => (rng.chance(0.25) ? damage(rng, l.blob, what) : l.blob));
  let archive = tarOf([
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', RepoTags: ['fuzz:1'], Layers: refs.map((i) => `l${i}/layer.tar`) }]) },
    { name: 'c.json', data: JSON.stringify(config) },
    ...blobs.map((b, i) => ({ name: `l${i}/layer.tar`, data: b })),
  ]);
  if (rng.chance(0.1)) archive = damage(rng, archive, what);
  const name = rng.chance(0.2) ? 'image.tar.gz' : 'image.tar';
  writeFileSync(join(dir, name), name.endsWith('.gz') ? gzipSync(archive) : archive);
  return { path: join(dir, name), what };
}

/** Writes a C tree with a compile database into DIR (mkdir'd). */
export function makeCTree(dir, sources) {
  mkdirSync(join(dir, 'include'), { recursive: true });
  for (const s of sources) writeFileSync(join(dir, s.name), s.text);
}
