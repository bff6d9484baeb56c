// Structure-aware mutators for the fuzzer: ELF64 header / section / symbol / dynamic / version / code edits,
// and C source edits. All randomness comes from the seeded PRNG passed in, so a (seed, index) pair replays.

/** xorshift128+ style PRNG over 32-bit ints; deterministic for a seed. */
export function makeRng(seed) {
  let a = (seed ^ 0x9e3779b9) >>> 0 || 1, b = (seed * 0x85ebca6b) >>> 0 || 2, c = 0xc2b2ae35, d = (seed + 0x27d4eb2f) >>> 0 || 3;
  const next = () => {
    const t = b << 9;
    let r = a * 5; r = ((r << 7) | (r >>> 25)) * 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = (d << 11) | (d >>> 21);
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return {
    float: next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const INTERESTING = [0n, 1n, 2n, 7n, 8n, 0x10n, 0x40n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x100000000n, 1n << 40n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffff000n];

function interesting(rng, fileLen, width) {
  const near = [BigInt(fileLen), BigInt(fileLen - 1), BigInt(fileLen + 1), BigInt(fileLen >> 1), BigInt(rng.int(fileLen))];
  const v = rng.chance(0.3) ? rng.pick(near) : rng.pick(INTERESTING);
  const mask = (1n << BigInt(width * 8)) - 1n;
  return (v < 0n ? 0n : v) & mask;
}

function writeUInt(b, off, width, v) {
  if (off < 0 || off + width > b.length) return;
  if (width === 8) b.writeBigUInt64LE(BigInt.asUintN(64, v), off); // b.length - offset + 24 may be negative: wrap as the field would
  else if (width === 4) b.writeUInt32LE(Number(v & 0xffffffffn), off);
  else if (width === 2) b.writeUInt16LE(Number(v & 0xffffn), off);
  else b[off] = Number(v & 0xffn);
}

function readUInt(b, off, width) {
  if (off < 0 || off + width > b.length) return 0n;
  return width === 8 ? b.readBigUInt64LE(off) : width === 4 ? BigInt(b.readUInt32LE(off)) : width === 2 ? BigInt(b.readUInt16LE(off)) : BigInt(b[off]);
}

/** Field edit: an interesting value, a small delta, or a bit flip of the current value. */
function editField(rng, b, off, width) {
  const cur = readUInt(b, off, width);
  const mask = (1n << BigInt(width * 8)) - 1n;
  const r = rng.int(3);
  const v = r === 0 ? interesting(rng, b.length, width) : r === 1 ? (cur + BigInt(rng.int(64) - 32)) & mask : cur ^ (1n << BigInt(rng.int(width * 8)));
  writeUInt(b, off, width, v);
}

/** Section headers of an (intact) ELF64 LSB file, or [] when the header is already broken. */
export function elfSections(b) {
  if (b.length < 64 || b[4] !== 2 || b[5] !== 1) return [];
  const shoff = Number(b.readBigUInt64LE(40)), shentsize = b.readUInt16LE(58), shnum = b.readUInt16LE(60), shstrndx = b.readUInt16LE(62);
  if (shentsize !== 64 || shoff + shnum * 64 > b.length || shstrndx >= shnum) return [];
  const strOff = Number(b.readBigUInt64LE(shoff + shstrndx * 64 + 24));
  const list = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * 64;
    const nameOff = strOff + b.readUInt32LE(h);
    const end = nameOff < b.length ? b.indexOf(0, nameOff) : -1;
    list.push({
      header: h, name: end > 0 ? b.toString('latin1', nameOff, end) : '', type: b.readUInt32LE(h + 4),
      offset: Number(b.readBigUInt64LE(h + 24)), size: Number(b.readBigUInt64LE(h + 32)), entsize: Number(b.readBigUInt64LE(h + 56)),
    });
  }
  return list;
}

const SHDR_FIELDS = [[0, 4, 'sh_name'], [4, 4, 'sh_type'], [8, 8, 'sh_flags'], [16, 8, 'sh_addr'], [24, 8, 'sh_offset'], [32, 8, 'sh_size'],
  [40, 4, 'sh_link'], [44, 4, 'sh_info'], [48, 8, 'sh_addralign'], [56, 8, 'sh_entsize']];
const EHDR_FIELDS = [[16, 2, 'e_type'], [18, 2, 'e_machine'], [24, 8, 'e_entry'], [32, 8, 'e_phoff'], [40, 8, 'e_shoff'], [54, 2, 'e_phentsize'],
  [56, 2, 'e_phnum'], [58, 2, 'e_shentsize'], [60, 2, 'e_shnum'], [62, 2, 'e_shstrndx']];
const PHDR_FIELDS = [[0, 4, 'p_type'], [4, 4, 'p_flags'], [8, 8, 'p_offset'], [16, 8, 'p_vaddr'], [32, 8, 'p_filesz'], [40, 8, 'p_memsz']];
const SYM_FIELDS = [[0, 4, 'st_name'], [4, 1, 'st_info'], [6, 2, 'st_shndx'], [8, 8, 'st_value'], [16, 8, 'st_size']];

function inSection(rng, b, s, entsize, fields, label) {
  if (!s || s.size < entsize || s.offset + entsize > b.length) return undefined;
  const count = Math.floor(Math.min(s.size, b.length - s.offset) / entsize);
  const e = rng.int(count);
  const [off, width, name] = rng.pick(fields);
  editField(rng, b, s.offset + e * entsize + off, width);
  return `${label}[${e}].${name}`;
}

/** The ELF mutations, each (rng, buf, sections) → description or undefined when not applicable. */
const ELF_OPS = {
  bitflips(rng, b) {
    const n = 1 + rng.int(8);
    for (let i = 0; i < n; i++) { const o = 16 + rng.int(b.length - 16); b[o] ^= 1 << rng.int(8); }
    return `${n} bit flips`;
  },
  ehdr(rng, b) {
    const [off, width, name] = rng.pick(EHDR_FIELDS);
    editField(rng, b, off, width);
    return name;
  },
  phdr(rng, b) {
    const phoff = Number(b.readBigUInt64LE(32)), phnum = b.readUInt16LE(56);
    if (phnum === 0 || phoff + 56 > b.length) return undefined;
    const i = rng.int(phnum);
    const [off, width, name] = rng.pick(PHDR_FIELDS);
    editField(rng, b, phoff + i * 56 + off, width);
    return `phdr[${i}].${name}`;
  },
  shdr(rng, b, secs) {
    if (secs.length === 0) return undefined;
    const s = rng.pick(secs);
    const [off, width, name] = rng.pick(SHDR_FIELDS);
    editField(rng, b, s.header + off, width);
    return `${s.name || '?'}.${name}`;
  },
  symbol(rng, b, secs) {
    const s = rng.pick(secs.filter((x) => x.type === 2 || x.type === 11));
    return inSection(rng, b, s, 24, SYM_FIELDS, s?.name);
  },
  dynamic(rng, b, secs) {
    const s = secs.find((x) => x.type === 6);
    if (!s) return undefined;
    const count = Math.floor(Math.min(s.size, b.length - s.offset) / 16);
    if (count === 0) return undefined;
    const e = rng.int(count), o = s.offset + e * 16;
    const tag = readUInt(b, o, 8);
    if (rng.chance(0.2)) { writeUInt(b, o, 8, rng.pick([1n, 5n, 6n, 10n, 14n, 15n, 29n, 0x6ffffffen, 0x6fffffffn, 0x6ffffff0n, 0n])); return `dyn[${e}].d_tag`; }
    editField(rng, b, o + 8, 8);
    return `dyn[${e}](tag ${tag}).d_val`;
  },
  versions(rng, b, secs) {
    const s = rng.pick(secs.filter((x) => x.name.startsWith('.gnu.version')));
    if (!s || s.size === 0) return undefined;
    if (s.name === '.gnu.version') return inSection(rng, b, s, 2, [[0, 2, 'vs']], s.name);
    // verneed/verdef: 16-byte records and 16/8-byte aux entries; edit any aligned 2/4-byte field
    const o = s.offset + rng.int(Math.max(1, Math.min(s.size, b.length - s.offset) >> 1)) * 2;
    editField(rng, b, o, rng.chance(0.5) ? 2 : 4);
    return `${s.name}+${o - s.offset}`;
  },
  relocation(rng, b, secs) {
    const s = rng.pick(secs.filter((x) => x.type === 4));
    return inSection(rng, b, s, 24, [[0, 8, 'r_offset'], [8, 8, 'r_info'], [12, 4, 'r_sym'], [16, 8, 'r_addend']], s?.name);
  },
  code(rng, b, secs) {
    const s = rng.pick(secs.filter((x) => x.name === '.text' || x.name === '.plt' || x.name === '.plt.sec' || x.name === '.init' || x.name === '.eh_frame' || x.name === '.eh_frame_hdr'));
    if (!s || s.size === 0 || s.offset >= b.length) return undefined;
    const n = 1 + rng.int(16), len = Math.min(s.size, b.length - s.offset);
    const at = s.offset + rng.int(len);
    for (let i = 0; i < n && at + i < b.length; i++) b[at + i] = rng.chance(0.3) ? rng.pick([0x0f, 0x05, 0xcd, 0x80, 0xe8, 0xe9, 0xff, 0x90, 0x48, 0xb8, 0xd4, 0x00]) : rng.int(256);
    return `${s.name} ${n} bytes @+${at - s.offset}`;
  },
  strtab(rng, b, secs) {
    const s = rng.pick(secs.filter((x) => x.type === 3));
    if (!s || s.size === 0 || s.offset >= b.length) return undefined;
    const len = Math.min(s.size, b.length - s.offset), n = 1 + rng.int(8);
    for (let i = 0; i < n; i++) b[s.offset + rng.int(len)] = rng.chance(0.5) ? 0 : rng.int(256);
    return `${s.name} ${n} bytes`;
  },
  hugeCount(rng, b, secs) {
    const s = rng.pick(secs.filter((x) => [2, 4, 6, 11, 3].includes(x.type) || x.name.startsWith('.gnu.version')));
    if (!s) return undefined;
    writeUInt(b, s.header + 32, 8, rng.pick([0xffffffffn, 1n << 40n, BigInt(b.length), BigInt(b.length - s.offset + 24)]));
    return `${s.name}.sh_size huge`;
  },
};
const ELF_OP_NAMES = Object.keys(ELF_OPS);

/** One mutated copy of BASE: 1–4 stacked mutations, sometimes truncated. Returns { buf, what }. */
export function mutateElf(rng, base) {
  const b = Buffer.from(base);
  const what = [];
  const n = 1 + rng.int(rng.chance(0.7) ? 2 : 4);
  for (let i = 0; i < n; i++) {
    const op = rng.pick(ELF_OP_NAMES);
    const d = ELF_OPS[op](rng, b, elfSections(b));
    if (d) what.push(d);
  }
  if (what.length === 0) what.push(ELF_OPS.bitflips(rng, b));
  if (rng.chance(0.08)) {
    const at = 4 + rng.int(b.length - 4);
    what.push(`truncated at ${at}`);
    return { buf: b.subarray(0, at), what };
  }
  return { buf: b, what };
}

const C_NOISE = ['#if', '#ifdef X', '#else', '#endif', '#elif 1', '#define', '#define F(x) F(x', '#include', '#include <', '#undef', '{', '}', '(', ')',
  '"', "'", '/*', '*/', '\\\n', '\0', 'syscall(', 'dlopen(', 'SYS_', '__attribute__((', '#pragma', '??/', '\u00e9\u4e2d', '\uffff'];

/** One mutated C source: random byte edits, unbalanced preprocessor, deep nesting, huge lines. */
export function mutateC(rng, base) {
  let s = base;
  const what = [];
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const at = rng.int(s.length + 1);
    switch (rng.int(7)) {
      case 0: { const k = 1 + rng.int(16); let r = ''; for (let j = 0; j < k; j++) r += String.fromCharCode(rng.int(256)); s = s.slice(0, at) + r + s.slice(at + k); what.push(`${k} random bytes`); break; }
      case 1: { const t = rng.pick(C_NOISE); s = s.slice(0, at) + t + s.slice(at); what.push(`insert ${JSON.stringify(t)}`); break; }
      case 2: { const d = 100 + rng.int(rng.chance(0.3) ? 20_000 : 2_000); const [o, c] = rng.pick([['(', ')'], ['{', '}'], ['[', ']'], ['#if 1\n', '#endif\n']]);
        s = s.slice(0, at) + o.repeat(d) + (rng.chance(0.5) ? c.repeat(d) : '') + s.slice(at); what.push(`nesting ${d} ${JSON.stringify(o)}`); break; }
      case 3: { const lines = s.split('\n'); const k = rng.int(lines.length); lines.splice(k, 1 + rng.int(5)); s = lines.join('\n'); what.push(`drop lines at ${k}`); break; }
      case 4: { s = s.slice(0, at); what.push(`truncate at ${at}`); break; }
      case 5: { const d = 50 + rng.int(500); s = s.slice(0, at) + `\n#define M${rng.int(9)}(a) M${rng.int(9)}(a a)\n`.repeat(d) + s.slice(at); what.push(`${d} self-referential macros`); break; }
      default: { const d = 1000 + rng.int(50_000); s = s.slice(0, at) + 'syscall(' + 'x+'.repeat(d) + '1);' + s.slice(at); what.push(`long expression ${d}`); break; }
    }
  }
  return { buf: Buffer.from(s, 'latin1'), what };
}
