// x86-64 decoding shared by the sweep and the data flow: register tables and a sliding decode window.
import { createRequire } from 'node:module';
import type * as Iced from 'iced-x86';

// iced-x86 is CommonJS with its wasm glue in one 0.9 MB file: `require` loads it without the ESM loader's export scan (0.2-0.5 s)
const iced = createRequire(import.meta.url)('iced-x86') as typeof Iced;
export const { Code, Mnemonic, Decoder, DecoderOptions, FlowControl, Instruction, InstructionInfoFactory, OpAccess, OpKind, Register, RegisterExt } = iced;
export type Code = Iced.Code;
export type Decoder = Iced.Decoder;
export type Instruction = Iced.Instruction;
export type InstructionInfoFactory = Iced.InstructionInfoFactory;
export type OpAccess = Iced.OpAccess;
export type Register = Iced.Register;

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSI = 6, RDI = 7, R8 = 8, R9 = 9, R10 = 10, R11 = 11;
/** SysV argument registers in order: rdi, rsi, rdx, rcx, r8, r9. */
export const ARG_REGS = [RDI, RSI, RDX, RCX, R8, R9];
export const CALLER_SAVED = [RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11];
void RBX;

/** Register enum value → full GPR index 0..15 (RAX..R15), or -1. */
export const GPR = buildGprTable();
function buildGprTable(): Int8Array {
  const t = new Int8Array(512).fill(-1);
  for (let r = 1; r < 512; r++) {
    if (Register[r] === undefined) continue;
    if (RegisterExt.isGPR(r)) t[r] = RegisterExt.fullRegister(r) - Register.RAX;
  }
  return t;
}

/** Register enum value → 8 or 16 for the low byte/word of a GPR (AL, SIL, R8L, AX…), else 0 (AH..BH are not low parts). */
export const LOW_PART = buildLowPartTable();
function buildLowPartTable(): Uint8Array {
  const t = new Uint8Array(512);
  for (let r = 1; r < 512; r++) {
    if (Register[r] === undefined || !RegisterExt.isGPR(r)) continue;
    if (RegisterExt.isGPR16(r)) t[r] = 16;
    else if (RegisterExt.isGPR8(r) && r !== Register.AH && r !== Register.CH && r !== Register.DH && r !== Register.BH) t[r] = 8;
  }
  return t;
}

export function isRipRelative(ins: Instruction): boolean {
  return ins.memoryBase === Register.RIP;
}

/** Bytes handed to the wasm decoder at a time: its memory only ever grows, so it never sees a whole large section. */
let WINDOW_BYTES = 1 << 20;

/** Sets the decode window (tests: a small window moves often; results must not change). */
export function setDecodeWindowBytes(n: number): void {
  WINDOW_BYTES = Math.max(64, n);
}

/**
 * A decoder over a sliding window of BYTES (which start at virtual address BASE): `at(ip)` positions it at IP,
 * moving the window when fewer than one maximal instruction's bytes remain in it before the end of BYTES.
 */
export class DecodeWindow {
  private dec: Decoder | undefined;
  private lo = 0;
  private safe = -1;
  constructor(private readonly bytes: Uint8Array, private readonly base: number) {}
  at(ip: number): Decoder {
    const off = ip - this.base;
    if (!this.dec || off < this.lo || off > this.safe) {
      this.dec?.free();
      const hi = Math.min(this.bytes.length, off + WINDOW_BYTES);
      this.lo = Math.max(0, Math.min(off, this.bytes.length));
      this.dec = new Decoder(64, this.bytes.subarray(this.lo, hi), DecoderOptions.None);
      this.safe = hi === this.bytes.length ? hi : hi - 16;
    }
    this.dec.position = off - this.lo;
    this.dec.ip = BigInt(ip);
    return this.dec;
  }
  /** True when IP can be decoded without moving the window. */
  inside(ip: number): boolean { return ip - this.base <= this.safe && ip - this.base >= this.lo; }
  free(): void { this.dec?.free(); this.dec = undefined; }
}
