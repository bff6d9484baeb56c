import type { CodeScanner, FlowQuery, ScanSink } from './scan-types.js';
import { ADDR, CONST, RegState, SLOT, isAddress, loadKind, runFlow } from './reg-state.js';

/** aarch64 Linux: syscall number in x8/w8, arguments in x0..x7. */
const NR = 8;
const ARGS = [0, 1, 2, 3, 4, 5, 6, 7];

const sext = (v: number, bits: number): number => (v & (1 << (bits - 1)) ? v - 2 ** bits : v);

/** A decoded control-flow instruction; everything else is `next`. */
type Flow =
  | { k: 'next' } | { k: 'svc' } | { k: 'ret' }
  | { k: 'b' | 'bl' | 'bcond'; target: number }
  | { k: 'br' | 'blr'; rn: number };

const NEXT: Flow = { k: 'next' };

/** Decodes the branch forms ukport needs (B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET and PAC variants, SVC). */
function decodeFlow(w: number, ip: number): Flow {
  if (((w & 0xffe0001f) >>> 0) === 0xd4000001) return { k: 'svc' };
  const top6 = w >>> 26;
  if (top6 === 0x05) return { k: 'b', target: ip + sext(w & 0x3ffffff, 26) * 4 };
  if (top6 === 0x25) return { k: 'bl', target: ip + sext(w & 0x3ffffff, 26) * 4 };
  if (((w & 0xff000010) >>> 0) === 0x54000000) return { k: 'bcond', target: ip + sext((w >>> 5) & 0x7ffff, 19) * 4 };
  if ((w & 0x7e000000) === 0x34000000) return { k: 'bcond', target: ip + sext((w >>> 5) & 0x7ffff, 19) * 4 };
  if ((w & 0x7e000000) === 0x36000000) return { k: 'bcond', target: ip + sext((w >>> 5) & 0x3fff, 14) * 4 };
  if (w >>> 25 === 0x6b) {
    const opc = (w >>> 21) & 0xf, rn = (w >>> 5) & 31;
    if (opc === 0 || opc === 8) return { k: 'br', rn };
    if (opc === 1 || opc === 9) return { k: 'blr', rn };
    return { k: 'ret' };
  }
  return NEXT;
}

/** Register effect of a non-branch instruction. Unmodelled forms clobber every register they may write. */
function transfer(w: number, ip: number, st: RegState): void {
  const rd = w & 31;
  const set = (r: number, v: number): void => { if (r !== 31) st.setConst(r, v); };
  const clob = (r: number): void => { if (r !== 31) st.clobber(r); };
  if (((w & 0x9f000000) >>> 0) === 0x90000000 || ((w & 0x9f000000) >>> 0) === 0x10000000) { // ADRP / ADR
    const imm = sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21);
    set(rd, (w & 0x80000000) !== 0 ? Math.floor(ip / 4096) * 4096 + imm * 4096 : ip + imm);
    return;
  }
  if (((w & 0xff800000) >>> 0) === 0x91000000) { // ADD Xd, Xn, #imm
    const rn = (w >>> 5) & 31, imm = ((w >>> 10) & 0xfff) * ((w >>> 22) & 1 ? 4096 : 1);
    if (rn !== 31 && st.kind[rn] === CONST) set(rd, st.val[rn] + imm);
    else if (rn !== 31 && rd !== 31 && st.kind[rn] === ADDR) st.setAddr(rd, st.val[rn]); else clob(rd);
    return;
  }
  if (((w & 0xff800000) >>> 0) === 0xd1000000) { // SUB Xd, Xn, #imm: a pointer stepped back stays a pointer into its table
    const rn = (w >>> 5) & 31;
    if (rn !== 31 && rd !== 31 && isAddress(st.kind[rn])) st.setAddr(rd, st.val[rn]); else clob(rd);
    return;
  }
  if (((w & 0xff200000) >>> 0) === 0x8b000000 || ((w & 0xffe00000) >>> 0) === 0x8b200000) { // ADD Xd, Xn, Xm{, shift/extend}: address + index
    const rn = (w >>> 5) & 31, rm = (w >>> 16) & 31;
    const a = rn !== 31 && isAddress(st.kind[rn]), b = rm !== 31 && isAddress(st.kind[rm]);
    if (rd !== 31 && (a || b)) st.setAddr(rd, Math.max(a ? st.val[rn] : 0, b ? st.val[rm] : 0)); else clob(rd);
    return;
  }
  if (loadFromTable(w, st)) return;
  if (((w & 0xffc00000) >>> 0) === 0xf9400000) { // LDR Xt, [Xn, #imm]
    const rn = (w >>> 5) & 31;
    if (rn !== 31 && st.kind[rn] === CONST && rd !== 31) st.setSlot(rd, st.val[rn] + ((w >>> 10) & 0xfff) * 8); else clob(rd);
    return;
  }
  const wide = (w & 0x80000000) !== 0;
  if ((w & 0x7f800000) === 0x52800000) { // MOVZ
    set(rd, ((w >>> 5) & 0xffff) * 2 ** (16 * ((w >>> 21) & 3)));
    return;
  }
  if ((w & 0x7f800000) === 0x12800000) { // MOVN
    const v = ((w >>> 5) & 0xffff) * 2 ** (16 * ((w >>> 21) & 3));
    if (!wide) set(rd, (~v) >>> 0); else clob(rd);
    return;
  }
  if ((w & 0x7f800000) === 0x72800000) { // MOVK keeps the other bits
    if (rd !== 31 && st.kind[rd] === CONST) {
      const sh = BigInt(16 * ((w >>> 21) & 3));
      const old = BigInt(st.val[rd]);
      const v = (old & ~(0xffffn << sh)) | (BigInt((w >>> 5) & 0xffff) << sh);
      set(rd, v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(wide ? v : v & 0xffffffffn) : NaN);
    } else clob(rd);
    return;
  }
  if ((w & 0x7f200000) === 0x2a000000) { // ORR (shifted register): MOV Rd, Rm when Rn is ZR
    const rm = (w >>> 16) & 31, rn = (w >>> 5) & 31, imm6 = (w >>> 10) & 63;
    if (rn === 31 && imm6 === 0 && rd !== 31) { if (rm === 31) set(rd, 0); else st.copy(rd, rm, !wide); } else clob(rd);
    return;
  }
  const op0 = (w >>> 25) & 0xf;
  if ((op0 & 0b1110) === 0b1000 || (op0 & 0b0111) === 0b0101 || (op0 & 0b0111) === 0b0111) { clob(rd); return; }
  if ((op0 & 0b1110) === 0b1010) { if (((w & 0xffd00000) >>> 0) === 0xd5300000 || ((w & 0xfff80000) >>> 0) === 0xd5280000) clob(rd); return; }
  if ((op0 & 0b0101) === 0b0100) { // loads and stores
    const vec = (w >>> 26) & 1;
    if ((w & 0x3b000000) === 0x39000000) { if (((w >>> 22) & 3) !== 0 && !vec) clob(rd); return; }
    if ((w & 0x3a000000) === 0x28000000) {
      if ((w >>> 22) & 1 && !vec) { clob(rd); clob((w >>> 10) & 31); }
      if (((w >>> 23) & 1) === 1 || ((w >>> 23) & 3) === 1) clob((w >>> 5) & 31);
      return;
    }
    clob(rd); clob((w >>> 5) & 31); clob((w >>> 10) & 31); clob((w >>> 16) & 31);
    return;
  }
  clob(rd);
}

/**
 * Integer loads whose address is known (LDR/LDRB/LDRH/LDRSB/LDRSH/LDRSW by register offset, unsigned offset, unscaled
 * offset, pre- and post-index): the register holds an element of the memory at that address, or of a table when the
 * base is a pointer stepped over it or an index is added. Returns false for every other instruction.
 */
function loadFromTable(w: number, st: RegState): boolean {
  const size = w >>> 30, opc = (w >>> 22) & 3, rn = (w >>> 5) & 31, rt = w & 31;
  if ((w & 0x04000000) !== 0 || opc === 0 || (size === 3 && opc >= 2) || (size === 2 && opc === 3)) return false; // vector, store, prefetch
  const width = 2 ** size, signed = opc >= 2;
  const unsignedOffset = (w & 0x3b000000) === 0x39000000;
  const registerOffset = ((w & 0x3b200c00) >>> 0) === 0x38200800;
  const imm9 = (w & 0x3b200000) === 0x38000000 ? (w >>> 10) & 3 : -1; // 0 unscaled, 1 post-index, 3 pre-index
  if (!unsignedOffset && !registerOffset && imm9 !== 0 && imm9 !== 1 && imm9 !== 3) return false;
  // LDR Xt, [Xn, #imm] from a constant base stays a slot load (GOT entries, read by the scanner's pass)
  if (unsignedOffset && size === 3 && st.kind[rn] !== ADDR) return false;
  const known = rn !== 31 && isAddress(st.kind[rn]);
  const base = st.val[rn];
  if (rt !== 31) {
    if (!known) st.clobber(rt);
    else if (registerOffset || imm9 === 1 || imm9 === 3 || st.kind[rn] === ADDR) st.setLoad(rt, loadKind(width, signed, false), base);
    else st.setLoad(rt, loadKind(width, signed, true), base + (unsignedOffset ? ((w >>> 10) & 0xfff) * width : sext((w >>> 12) & 0x1ff, 9)));
  }
  // write-back: the base moves through the table
  if (imm9 === 1 || imm9 === 3) { if (known && rn !== rt) st.setAddr(rn, base); else if (rn !== 31) st.clobber(rn); }
  return true;
}

function clobberCall(st: RegState): void {
  for (let r = 0; r <= 18; r++) st.clobber(r);
  st.clobber(30);
}

/** aarch64 back end: a small decoder of the forms syscall recovery needs, over 4-byte aligned words. */
export const aarch64Scanner: CodeScanner = {
  arch: 'aarch64',
  nrReg: NR,
  argRegs: ARGS,
  sysArgRegs: [0, 1, 2, 3, 4, 5],
  scan(bytes, base, fns, sink) {
    for (const f of fns) scanFunction(bytes, base, f.index, f.start, f.end, sink);
  },
  flow(bytes, base, start, end, queries) {
    return flowFunction(bytes, base, start, end, queries);
  },
};

function words(bytes: Uint8Array, base: number, start: number, end: number, each: (w: number, ip: number) => void): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = start + ((4 - ((start - base) % 4)) % 4);
  for (let ip = first; ip + 4 <= end && ip - base + 4 <= bytes.byteLength; ip += 4) each(dv.getUint32(ip - base, true), ip);
}

function scanFunction(bytes: Uint8Array, base: number, fi: number, start: number, end: number, sink: ScanSink): void {
  // Linear state, only for address computations (adrp/add/ldr) that feed slot and address references.
  const st = new RegState();
  let last = 'next' as Flow['k'];
  words(bytes, base, start, end, (w, ip) => {
    const f = decodeFlow(w, ip);
    if (w !== 0xd503201f && w !== 0) last = f.k; // nop / zero padding
    switch (f.k) {
      case 'svc': sink.syscall(fi, ip, 64); st.clobber(0); return;
      case 'b': case 'bcond': sink.branch(fi, ip, f.target, false); return;
      case 'bl': sink.branch(fi, ip, f.target, true); clobberCall(st); return;
      case 'br': case 'blr': {
        const isCall = f.k === 'blr';
        if (st.kind[f.rn] === SLOT) sink.slotRef(fi, ip, st.val[f.rn], true, isCall);
        else if (st.kind[f.rn] === CONST) sink.branch(fi, ip, st.val[f.rn], isCall);
        else sink.indirect(fi, ip, isCall);
        if (isCall) clobberCall(st);
        return;
      }
      case 'ret': return;
    }
    const rd = w & 31;
    transfer(w, ip, st);
    if (rd === 31) return;
    if (st.kind[rd] === CONST && (((w & 0xff800000) >>> 0) === 0x91000000 || ((w & 0x9f000000) >>> 0) === 0x10000000)) sink.addressRef(fi, ip, st.val[rd]);
    else if (st.kind[rd] === SLOT && ((w & 0xffc00000) >>> 0) === 0xf9400000) sink.slotRef(fi, ip, st.val[rd], false, false);
  });
  // ending in a call means a noreturn callee; only plain instructions and conditional branches fall through
  sink.end(fi, last === 'next' || last === 'bcond');
}

function flowFunction(bytes: Uint8Array, base: number, start: number, end: number, queries: FlowQuery[]): Map<number, RegState> {
  return runFlow(start, end, RegState.entry(ARGS), queries.map((q) => q.addr), (visit) => {
    words(bytes, base, start, end, (w, ip) => {
      const f = decodeFlow(w, ip);
      const target = f.k === 'b' || f.k === 'bcond' ? f.target : undefined;
      visit(ip, target, f.k === 'b' || f.k === 'br' || f.k === 'ret', (s) => {
        if (f.k === 'next') transfer(w, ip, s);
        else if (f.k === 'bl' || f.k === 'blr') clobberCall(s);
        else if (f.k === 'svc') s.clobber(0);
      }, w === 0xd503201f || w === 0);
    });
  });
}
