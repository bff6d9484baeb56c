import { createRequire } from 'node:module';
import type * as Iced from 'iced-x86';
// iced-x86 is CommonJS with its wasm glue in one 0.9 MB file: `require` loads it without the ESM loader's export scan (0.2-0.5 s)
const { Code, Mnemonic, Decoder, DecoderOptions, FlowControl, Instruction, InstructionInfoFactory, OpAccess, OpKind, Register, RegisterExt } = createRequire(import.meta.url)('iced-x86') as typeof Iced;
type Decoder = Iced.Decoder;
type Instruction = Iced.Instruction;
type InstructionInfoFactory = Iced.InstructionInfoFactory;
type OpAccess = Iced.OpAccess;
type Register = Iced.Register;
import { INSN_FALLS, INSN_PAD, INSN_STOPS, type CodeScanner, type FlowQuery, type ScanSink } from './scan-types.js';
import { CONST, PARAM, RegState, runFlow } from './reg-state.js';

const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSI = 6, RDI = 7, R8 = 8, R9 = 9, R10 = 10, R11 = 11;
/** SysV argument registers in order: rdi, rsi, rdx, rcx, r8, r9. */
const ARG_REGS = [RDI, RSI, RDX, RCX, R8, R9];
const CALLER_SAVED = [RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11];
void RBX;

/** Register enum value → full GPR index 0..15 (RAX..R15), or -1. */
const GPR = buildGprTable();
function buildGprTable(): Int8Array {
  const t = new Int8Array(512).fill(-1);
  for (let r = 1; r < 512; r++) {
    if (Register[r] === undefined) continue;
    if (RegisterExt.isGPR(r)) t[r] = RegisterExt.fullRegister(r) - Register.RAX;
  }
  return t;
}

/** Register enum value → 8 or 16 for the low byte/word of a GPR (AL, SIL, R8L, AX…), else 0 (AH..BH are not low parts). */
const LOW_PART = buildLowPartTable();
function buildLowPartTable(): Uint8Array {
  const t = new Uint8Array(512);
  for (let r = 1; r < 512; r++) {
    if (Register[r] === undefined || !RegisterExt.isGPR(r)) continue;
    if (RegisterExt.isGPR16(r)) t[r] = 16;
    else if (RegisterExt.isGPR8(r) && r !== Register.AH && r !== Register.CH && r !== Register.DH && r !== Register.BH) t[r] = 8;
  }
  return t;
}

const WRITES = new Set<number>([OpAccess.Write, OpAccess.CondWrite, OpAccess.ReadWrite, OpAccess.ReadCondWrite]);

/** Per-instruction-code register effects, computed once with iced's InstructionInfoFactory. */
interface CodeEffect { opWritten: boolean[]; implicit: number[] }
const effects = new Map<number, CodeEffect>();
let factory: InstructionInfoFactory | undefined;

function effectOf(ins: Instruction): CodeEffect {
  const hit = effects.get(ins.code);
  if (hit) return hit;
  factory ??= new InstructionInfoFactory();
  const info = factory.info(ins);
  const explicit = new Set<number>();
  const opWritten: boolean[] = [];
  for (let i = 0; i < ins.opCount; i++) {
    opWritten.push(WRITES.has(info.opAccess(i)));
    if (ins.opKind(i) === OpKind.Register) explicit.add(GPR[ins.opRegister(i)]);
  }
  const implicit: number[] = [];
  for (const u of info.usedRegisters() as { register: Register; access: OpAccess; free(): void }[]) {
    const g = GPR[u.register];
    if (g >= 0 && WRITES.has(u.access) && !explicit.has(g) && !implicit.includes(g)) implicit.push(g);
    u.free();
  }
  info.free();
  const e = { opWritten, implicit };
  effects.set(ins.code, e);
  return e;
}

function isRipRelative(ins: Instruction): boolean {
  return ins.memoryBase === Register.RIP;
}

/** x86-64 (iced-x86): pass 1 finds sites and edges; pass 2 recovers constants by forward data flow. */
export const x86Scanner: CodeScanner = {
  arch: 'x86_64',
  nrReg: RAX,
  argRegs: ARG_REGS,
  sysArgRegs: [RDI, RSI, RDX, R10, R8, R9],
  scan(bytes, base, fns, sink) {
    const win = new DecodeWindow(bytes, base);
    const ins = new Instruction();
    try {
      for (const f of fns) scanFunction(win, ins, f.index, f.start, f.end, sink);
    } finally { ins.free(); win.free(); }
  },
  flow(bytes, base, start, end, queries) {
    const win = new DecodeWindow(bytes, base);
    const ins = new Instruction();
    try { return flowFunction(win, ins, start, end, queries); } finally { ins.free(); win.free(); }
  },
};

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
class DecodeWindow {
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

function scanFunction(win: DecodeWindow, ins: Instruction, fi: number, start: number, end: number, sink: ScanSink): void {
  let dec = win.at(start);
  let last = FlowControl.Next;
  let ip = start;
  while (ip < end && dec.canDecode) {
    dec.decodeOut(ins);
    const code = ins.code;
    if (code === Code.INVALID) {
      sink.decodeError(fi, ip);
      sink.instruction?.(ip, INSN_FALLS);
      // never stop at an unknown instruction: resynchronise one byte further
      ip += 1; dec = win.at(ip);
      last = FlowControl.Next;
      continue;
    }
    const fc = ins.flowControl;
    // padding after the last real instruction (nop, int3) says nothing about falling through
    const mn = ins.mnemonic;
    if (mn !== Mnemonic.Nop && mn !== Mnemonic.Int3) last = fc;
    if (sink.instruction) sink.instruction(ip, mn === Mnemonic.Nop || mn === Mnemonic.Int3 ? INSN_PAD : fc === FlowControl.Next || fc === FlowControl.ConditionalBranch ? INSN_FALLS : INSN_STOPS);
    if (code === Code.Syscall) sink.syscall(fi, ip, 64);
    else if (code === Code.Sysenter || (code === Code.Int_imm8 && ins.immediate8 === 0x80)) sink.syscall(fi, ip, 32);
    else if (fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) {
      if (ins.op0Kind === OpKind.NearBranch64) sink.branch(fi, ip, Number(ins.nearBranchTarget), fc === FlowControl.Call);
    } else if (fc === FlowControl.IndirectCall || fc === FlowControl.IndirectBranch) {
      if (ins.op0Kind === OpKind.Memory && isRipRelative(ins)) sink.slotRef(fi, ip, Number(ins.ipRelMemoryAddress), true, fc === FlowControl.IndirectCall);
      else sink.indirect(fi, ip, fc === FlowControl.IndirectCall);
    } else if (code === Code.Lea_r64_m || code === Code.Lea_r32_m) {
      if (isRipRelative(ins)) sink.addressRef(fi, ip, Number(ins.ipRelMemoryAddress));
    } else if (code === Code.Mov_r64_rm64 || code === Code.Push_rm64) {
      if (ins.op1Kind === OpKind.Memory || ins.op0Kind === OpKind.Memory) {
        if (isRipRelative(ins)) sink.slotRef(fi, ip, Number(ins.ipRelMemoryAddress), false, false);
      }
    } else if ((code === Code.Mov_r32_imm32 || code === Code.Mov_rm64_imm32 || code === Code.Mov_r64_imm64 || code === Code.Pushq_imm32)
      && (ins.op0Kind === OpKind.Register || code === Code.Pushq_imm32)) {
      sink.immediate(fi, ip, Number(BigInt.asUintN(64, ins.immediate(code === Code.Pushq_imm32 ? 0 : 1))));
    } else if (isRipRelative(ins)) sink.dataRef?.(fi, ip, Number(ins.ipRelMemoryAddress));
    ip += ins.length;
    if (!win.inside(ip)) dec = win.at(ip);
  }
  // A function whose last instruction is a call ends in a noreturn callee (__stack_chk_fail, abort): compilers
  // never let a returning call run off the end of a function, so only plain instructions fall through.
  sink.end(fi, last === FlowControl.Next || last === FlowControl.ConditionalBranch);
}

/**
 * Constants and parameters before each queried address, by the shared fixpoint driver. The function is decoded
 * once into each instruction's successor and register effect; the driver's rounds replay that list.
 */
function flowFunction(win: DecodeWindow, ins: Instruction, start: number, end: number, queries: FlowQuery[]): Map<number, RegState> {
  const ips: number[] = [], targets: (number | undefined)[] = [], flags: number[] = [], effects: ((st: RegState) => void)[] = [];
  decodeRange(win, ins, start, end, (ip) => {
    const fc = ins.flowControl;
    const direct = (fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) && ins.op0Kind === OpKind.NearBranch64;
    const stops = fc === FlowControl.UnconditionalBranch || fc === FlowControl.IndirectBranch || fc === FlowControl.Return;
    const mn = ins.mnemonic;
    ips.push(ip);
    targets.push(direct ? Number(ins.nearBranchTarget) : undefined);
    flags.push((stops ? 1 : 0) | (mn === Mnemonic.Nop || mn === Mnemonic.Int3 ? 2 : 0));
    effects.push(transferOf(ins));
  });
  return runFlow(start, end, RegState.entry(ARG_REGS), queries.map((q) => q.addr), (visit) => {
    for (let k = 0; k < ips.length; k++) visit(ips[k], targets[k], (flags[k] & 1) !== 0, effects[k], (flags[k] & 2) !== 0);
  });
}

function decodeRange(win: DecodeWindow, ins: Instruction, start: number, end: number, each: (ip: number) => void): void {
  let dec = win.at(start);
  let ip = start;
  while (ip < end && dec.canDecode) {
    dec.decodeOut(ins);
    if (ins.code === Code.INVALID) { ip += 1; dec = win.at(ip); continue; }
    each(ip);
    ip += ins.length;
    if (!win.inside(ip)) dec = win.at(ip);
  }
}

const NO_EFFECT = (): void => {};
const CALL_EFFECT = (st: RegState): void => { for (const r of CALLER_SAVED) st.clobber(r); };
const SYSCALL_EFFECT = (st: RegState): void => { st.clobber(RAX); st.clobber(RCX); st.clobber(R11); };

/**
 * Register effect of one instruction on the constant/parameter state, as a function of the state: what it needs
 * of the instruction is read now, so the decoder can move on.
 */
function transferOf(ins: Instruction): (st: RegState) => void {
  const code = ins.code;
  const r0 = ins.op0Kind === OpKind.Register ? GPR[ins.op0Register] : -1;
  switch (code) {
    case Code.Mov_r32_imm32: case Code.Mov_rm32_imm32:
      if (r0 >= 0) { const v = ins.immediate32 >>> 0; return (st) => st.setConst(r0, v); }
      break;
    case Code.Mov_r64_imm64: case Code.Mov_rm64_imm32:
      if (r0 >= 0) { const b = ins.immediate(1), v = b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= 0n ? Number(b) : NaN; return (st) => st.setConst(r0, v); }
      break;
    case Code.Mov_r64_rm64: case Code.Mov_rm64_r64: case Code.Mov_r32_rm32: case Code.Mov_rm32_r32:
      if (r0 >= 0 && ins.op1Kind === OpKind.Register) {
        const src = GPR[ins.op1Register], narrow = code === Code.Mov_r32_rm32 || code === Code.Mov_rm32_r32;
        return (st) => st.copy(r0, src, narrow);
      }
      if (r0 >= 0 && code === Code.Mov_r64_rm64 && isRipRelative(ins)) { const a = Number(ins.ipRelMemoryAddress); return (st) => st.setSlot(r0, a); }
      break;
    case Code.Movsxd_r64_rm32:
      // int arguments widened for the syscall (`movslq %edi,%rdi`): a parameter stays that parameter
      if (r0 >= 0 && ins.op1Kind === OpKind.Register) {
        const src = GPR[ins.op1Register], otherwise = genericEffect(ins);
        return (st) => {
          if (src >= 0 && st.kind[src] === CONST) { const v = st.val[src] % 2 ** 32; st.setConst(r0, v >= 2 ** 31 ? NaN : v); return; }
          if (src >= 0 && st.kind[src] === PARAM) { st.copy(r0, src, false); return; }
          otherwise(st);
        };
      }
      break;
    case Code.Xor_r32_rm32: case Code.Xor_rm32_r32: case Code.Xor_r64_rm64: case Code.Xor_rm64_r64:
    case Code.Sub_r32_rm32: case Code.Sub_rm32_r32:
      if (r0 >= 0 && ins.op1Kind === OpKind.Register && GPR[ins.op1Register] === r0) return (st) => st.setConst(r0, 0);
      break;
    case Code.Lea_r64_m: case Code.Lea_r32_m:
      if (r0 >= 0 && isRipRelative(ins)) { const a = Number(ins.ipRelMemoryAddress); return (st) => st.setConst(r0, a); }
      break;
    case Code.Mov_r8_imm8: case Code.Mov_rm8_imm8: case Code.Mov_r16_imm16: case Code.Mov_rm16_imm16:
      // musl __clone: `xor eax,eax; mov al,56` — a partial write into a known value stays known
      if (r0 >= 0 && LOW_PART[ins.op0Register] > 0) {
        const bits = LOW_PART[ins.op0Register], imm = (code === Code.Mov_r8_imm8 || code === Code.Mov_rm8_imm8 ? ins.immediate8 : ins.immediate16) % 2 ** bits;
        const otherwise = genericEffect(ins);
        return (st) => {
          if (st.kind[r0] === CONST) { const v = st.val[r0]; st.setConst(r0, v - (v % 2 ** bits) + imm); return; }
          otherwise(st);
        };
      }
      break;
    case Code.Syscall:
      return SYSCALL_EFFECT;
  }
  return genericEffect(ins);
}

/** What any other instruction does: a call clobbers the caller-saved registers, others the registers they write. */
function genericEffect(ins: Instruction): (st: RegState) => void {
  const fc = ins.flowControl;
  if (fc === FlowControl.Call || fc === FlowControl.IndirectCall) return CALL_EFFECT;
  if (fc !== FlowControl.Next) return NO_EFFECT;
  const e = effectOf(ins);
  const written: number[] = [];
  for (let i = 0; i < ins.opCount && i < e.opWritten.length; i++) {
    if (e.opWritten[i] && ins.opKind(i) === OpKind.Register) { const g = GPR[ins.opRegister(i)]; if (g >= 0) written.push(g); }
  }
  written.push(...e.implicit);
  if (written.length === 0) return NO_EFFECT;
  return (st) => { for (const g of written) st.clobber(g); };
}
