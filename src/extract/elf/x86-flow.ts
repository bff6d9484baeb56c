// x86-64 data flow: each instruction's effect on the constant / parameter / address state (reg-state.ts).
import type { FlowQuery } from './scan-types.js';
import { goEntry, withStack } from './x86-stack.js';
import { ADDR, CONST, PARAM, RegState, isAddress, loadKind, runFlow } from './reg-state.js';
import { ARG_REGS, CALLER_SAVED, Code, FlowControl, GPR, InstructionInfoFactory, LOW_PART, Mnemonic, OpAccess, OpKind, R11, RAX, RCX, Register, isRipRelative, type DecodeWindow, type Instruction } from './x86-decode.js';

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

/**
 * Constants and parameters before each queried address, by the shared fixpoint driver. The function is decoded
 * once into each instruction's successor and register effect; the driver's rounds replay that list.
 */
export function flowFunction(win: DecodeWindow, ins: Instruction, start: number, end: number, queries: FlowQuery[], go = false): Map<number, RegState> {
  const ips: number[] = [], targets: (number | undefined)[] = [], flags: number[] = [], effects: ((st: RegState) => void)[] = [];
  decodeRange(win, ins, start, end, (ip) => {
    const fc = ins.flowControl;
    const direct = (fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) && ins.op0Kind === OpKind.NearBranch64;
    const stops = fc === FlowControl.UnconditionalBranch || fc === FlowControl.IndirectBranch || fc === FlowControl.Return;
    const mn = ins.mnemonic;
    ips.push(ip);
    targets.push(direct ? Number(ins.nearBranchTarget) : undefined);
    flags.push((stops ? 1 : 0) | (mn === Mnemonic.Nop || mn === Mnemonic.Int3 ? 2 : 0));
    effects.push(go ? withStack(ins, transferOf(ins), effectOf(ins).opWritten) : transferOf(ins));
  });
  return runFlow(start, end, go ? goEntry() : RegState.entry(ARG_REGS), queries.map((q) => q.addr), (visit) => {
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
      if (code === Code.Mov_r64_rm64 || code === Code.Mov_r32_rm32) return loadEffect(ins, r0, code === Code.Mov_r64_rm64 ? 8 : 4, false) ?? genericEffect(ins);
      break;
    case Code.Movzx_r32_rm8: case Code.Movzx_r64_rm8: case Code.Movsx_r32_rm8: case Code.Movsx_r64_rm8:
    case Code.Movzx_r32_rm16: case Code.Movzx_r64_rm16: case Code.Movsx_r32_rm16: case Code.Movsx_r64_rm16: {
      const byte = code === Code.Movzx_r32_rm8 || code === Code.Movzx_r64_rm8 || code === Code.Movsx_r32_rm8 || code === Code.Movsx_r64_rm8;
      const signed = code === Code.Movsx_r32_rm8 || code === Code.Movsx_r64_rm8 || code === Code.Movsx_r32_rm16 || code === Code.Movsx_r64_rm16;
      return loadEffect(ins, r0, byte ? 1 : 2, signed) ?? genericEffect(ins);
    }
    case Code.Add_rm64_imm8: case Code.Add_rm64_imm32: case Code.Sub_rm64_imm8: case Code.Sub_rm64_imm32: case Code.Inc_rm64: case Code.Dec_rm64:
      // a pointer stepped over a table stays a pointer into it (`add $4, %rbx` in a loop)
      if (r0 >= 0) return (st) => { if (isAddress(st.kind[r0])) st.setAddr(r0, st.val[r0]); else st.clobber(r0); };
      break;
    case Code.Add_r64_rm64: case Code.Add_rm64_r64:
      if (r0 >= 0 && ins.op1Kind === OpKind.Register && GPR[ins.op1Register] >= 0) {
        // address + index: the element lies at or after the larger of the two (both are addresses or offsets >= 0)
        const r1 = GPR[ins.op1Register];
        return (st) => {
          const a = isAddress(st.kind[r0]), b = isAddress(st.kind[r1]);
          if (a || b) st.setAddr(r0, Math.max(a ? st.val[r0] : 0, b ? st.val[r1] : 0)); else st.clobber(r0);
        };
      }
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
      if (ins.op1Kind === OpKind.Memory) return loadEffect(ins, r0, 4, true) ?? genericEffect(ins);
      break;
    case Code.Xor_r32_rm32: case Code.Xor_rm32_r32: case Code.Xor_r64_rm64: case Code.Xor_rm64_r64:
    case Code.Sub_r32_rm32: case Code.Sub_rm32_r32:
      if (r0 >= 0 && ins.op1Kind === OpKind.Register && GPR[ins.op1Register] === r0) return (st) => st.setConst(r0, 0);
      break;
    case Code.Lea_r64_m: case Code.Lea_r32_m:
      if (r0 >= 0 && isRipRelative(ins)) { const a = Number(ins.ipRelMemoryAddress); return (st) => st.setConst(r0, a); }
      if (r0 >= 0 && code === Code.Lea_r64_m) return addressEffect(ins, r0) ?? genericEffect(ins);
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

/**
 * A load of WIDTH bytes into R0 whose address is known: rip-relative or absolute (one address, or a table when
 * indexed), or from a register holding an address (a table element). Undefined for other operands (fs/gs: TLS).
 */
function loadEffect(ins: Instruction, r0: number, width: number, signed: boolean): ((st: RegState) => void) | undefined {
  if (r0 < 0 || ins.op1Kind !== OpKind.Memory || ins.memorySegment === Register.FS || ins.memorySegment === Register.GS) return undefined;
  const indexed = ins.memoryIndex !== Register.None, disp = Number(ins.memoryDisplacement);
  const single = loadKind(width, signed, true), table = loadKind(width, signed, false);
  if (isRipRelative(ins)) { const a = Number(ins.ipRelMemoryAddress); return (st) => st.setLoad(r0, single, a); }
  if (ins.memoryBase === Register.None) return disp > 0 ? (st) => st.setLoad(r0, indexed ? table : single, disp) : undefined;
  const base = GPR[ins.memoryBase];
  if (base < 0) return undefined;
  return (st) => {
    if (st.kind[base] === CONST) st.setLoad(r0, indexed ? table : single, st.val[base] + disp);
    else if (st.kind[base] === ADDR) st.setLoad(r0, table, st.val[base] + Math.min(0, disp));
    else st.clobber(r0);
  };
}

/** `lea` of an address into a table: from a register holding an address, or absolute with an index (position-dependent code). */
function addressEffect(ins: Instruction, r0: number): ((st: RegState) => void) | undefined {
  const disp = Number(ins.memoryDisplacement);
  if (ins.memoryBase === Register.None) return ins.memoryIndex !== Register.None && disp > 0 ? (st) => st.setAddr(r0, disp) : undefined;
  const base = GPR[ins.memoryBase];
  if (base < 0) return undefined;
  return (st) => { if (isAddress(st.kind[base])) st.setAddr(r0, st.val[base] + Math.min(0, disp)); else st.clobber(r0); };
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
