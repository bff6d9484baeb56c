/** A minimal tar writer for test images: ustar headers, pax records or GNU 'L' records for long names. */
export interface TarMember {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  /** How to store a name longer than 100 bytes. */
  longName?: 'pax' | 'gnu';
}

function header(name: string, flag: string, size: number, mode: number, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write(mode.toString(8).padStart(7, '0') + '\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(flag, 156);
  h.write(linkname.slice(0, 100), 157, 'utf8');
  h.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function pad(b: Buffer): Buffer[] {
  const rest = b.length % 512;
  return rest === 0 ? [b] : [b, Buffer.alloc(512 - rest)];
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return Buffer.from(`${len}${body}`);
}

/** Builds a tar archive in memory. */
export function makeTar(members: TarMember[]): Buffer {
  const out: Buffer[] = [];
  for (const m of members) {
    const type = m.type ?? 'file';
    const data = type === 'file' ? Buffer.from(m.data ?? '') : Buffer.alloc(0);
    const flag = { file: '0', dir: '5', symlink: '2', hardlink: '1' }[type];
    let name = m.name;
    if (Buffer.byteLength(name) > 100) {
      if (m.longName === 'gnu') {
        const n = Buffer.from(name + '\0');
        out.push(header('././@LongLink', 'L', n.length, 0o644), ...pad(n));
      } else {
        const rec = paxRecord('path', name);
        out.push(header('PaxHeader', 'x', rec.length, 0o644), ...pad(rec));
      }
      name = name.slice(0, 100);
    }
    out.push(header(name, flag, data.length, m.mode ?? (type === 'dir' ? 0o755 : 0o644), m.linkname ?? ''));
    if (data.length > 0) out.push(...pad(data));
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}
