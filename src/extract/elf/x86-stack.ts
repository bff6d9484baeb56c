// x86-64 stack slots for code a Go toolchain built: Go passes arguments on the stack (ABI0 assembly such as
// syscall.Syscall: `mov 0x8(%rsp),%rax`) and spills register arguments to their home slots around calls
// (`mov %rax,0x60(%rsp)` … `call runtime.entersyscall` … `mov 0x60(%rsp),%rax`). The register file's spare entries
// hold those slots, so the shared fixpoint driver merges them like registers.
import { PARAM, RegState, UNKNOWN } from './reg-state.js';
import { Code, FlowControl, GPR, OpKind, Register, type Instruction } from './x86-decode.js';

const RSP = 4;
/** rsp's abstract value while its distance from the entry rsp is known (val: that distance, <= 0). */
export const STACK = 5;
/** Go's argument order: rax rbx rcx rdi rsi r8 r9 r10 r11, then rdx (a SysV argument, for cgo's C code). */
export const GO_ARG_REGS = [0, 3, 1, 7, 6, 8, 9, 10, 11, 2];
/** Home slots of the arguments (ABI0: the arguments themselves) at entry rsp + 8 + 8k: registers 16 + k. */
const HOME = 16, HOMES = 9;
/** Outgoing argument slots at the current rsp + 8j (an ABI0 callee's arguments): registers 25 + j. */
const OUT = 25, OUTS = 7;

/** The state at entry of a Go function: argument k in its register and in its home slot, rsp at distance 0. */
export function goEntry(): RegState {
  const s = RegState.entry(GO_ARG_REGS);
  for (let k = 0; k < HOMES; k++) { s.kind[HOME + k] = PARAM; s.val[HOME + k] = k; }
  s.kind[RSP] = STACK; s.val[RSP] = 0;
  return s;
}

/**
 * Argument PARAM of a call at state S: its outgoing stack slot when code stored one since the last call (the callee
 * takes its arguments on the stack, ABI0), else its register.
 */
export function goArgument(s: RegState, param: number): { kind: number; val: number } {
  if (param < OUTS && s.kind[OUT + param] !== UNKNOWN) return { kind: s.kind[OUT + param], val: s.val[OUT + param] };
  const r = GO_ARG_REGS[param];
  return r !== undefined ? { kind: s.kind[r], val: s.val[r] } : { kind: UNKNOWN, val: 0 };
}

const clearOut = (s: RegState): void => { for (let j = 0; j < OUTS; j++) s.clobber(OUT + j); };
const clearAll = (s: RegState): void => { for (let i = HOME; i < OUT + OUTS; i++) s.clobber(i); s.clobber(RSP); };

/** The slot register for the stack address rsp + DISP in state S, or -1 (not tracked). */
function slotOf(s: RegState, disp: number): number {
  if (s.kind[RSP] !== STACK) return -1;
  const fromEntry = s.val[RSP] + disp;
  if (fromEntry >= 8 && fromEntry < 8 + 8 * HOMES && fromEntry % 8 === 0) return HOME + (fromEntry - 8) / 8;
  if (disp >= 0 && disp < 8 * OUTS && disp % 8 === 0) return OUT + disp / 8;
  return -1;
}

/** Every slot a write of SIZE bytes at rsp + DISP touches. */
function touched(s: RegState, disp: number, size: number): number[] {
  const out: number[] = [];
  for (let d = Math.floor(disp / 8) * 8; d < disp + Math.max(size, 1); d += 8) { const r = slotOf(s, d); if (r >= 0) out.push(r); }
  return out;
}

/**
 * The effect of INS on the stack slots, around BASE (its effect on the registers): pushes and pops, rsp moves, stores
 * to and loads from rsp-relative slots; any other write to the stack forgets the slots it touches, a call the outgoing
 * ones, and a stack address handed out (lea) all of them.
 */
export function withStack(ins: Instruction, base: (st: RegState) => void, opWritten: readonly boolean[]): (st: RegState) => void {
  const code = ins.code, fc = ins.flowControl;
  const r0 = ins.op0Kind === OpKind.Register ? GPR[ins.op0Register] : -1;
  const rspMem = (i: number): boolean => ins.opKind(i) === OpKind.Memory && ins.memoryBase === Register.RSP && ins.memoryIndex === Register.None;
  const disp = Number(ins.memoryDisplacement);
  if (fc === FlowControl.Call || fc === FlowControl.IndirectCall) return (st) => { base(st); clearOut(st); };
  switch (code) {
    case Code.Push_r64: case Code.Pop_r64: {
      // prologue and epilogue saves: rsp moves by 8, the outgoing slots are forgotten (Go stores arguments with mov)
      const delta = code === Code.Push_r64 ? -8 : 8;
      return (st) => { const known = st.kind[RSP] === STACK, d = st.val[RSP]; base(st); clearOut(st); if (known) { st.kind[RSP] = STACK; st.val[RSP] = d + delta; } else st.clobber(RSP); };
    }
    case Code.Sub_rm64_imm8: case Code.Sub_rm64_imm32: case Code.Add_rm64_imm8: case Code.Add_rm64_imm32:
      if (r0 === RSP) {
        const delta = Number(ins.immediate(1)) * (code === Code.Sub_rm64_imm8 || code === Code.Sub_rm64_imm32 ? -1 : 1);
        return (st) => { const known = st.kind[RSP] === STACK, d = st.val[RSP]; clearOut(st); if (known) { st.kind[RSP] = STACK; st.val[RSP] = d + delta; } else st.clobber(RSP); };
      }
      break;
    case Code.Mov_rm64_r64:
      if (rspMem(0) && ins.op1Kind === OpKind.Register) {
        const src = GPR[ins.op1Register];
        return (st) => { const slot = slotOf(st, disp); for (const r of touched(st, disp, 8)) st.clobber(r); if (slot >= 0 && src >= 0) st.copy(slot, src, false); };
      }
      break;
    case Code.Mov_rm64_imm32:
      if (rspMem(0)) {
        const v = Number(BigInt.asUintN(64, ins.immediate(1)));
        return (st) => { const slot = slotOf(st, disp); for (const r of touched(st, disp, 8)) st.clobber(r); if (slot >= 0) st.setConst(slot, v <= Number.MAX_SAFE_INTEGER ? v : NaN); };
      }
      break;
    case Code.Mov_r64_rm64:
      if (r0 >= 0 && rspMem(1)) return (st) => { const slot = slotOf(st, disp); if (slot >= 0) st.copy(r0, slot, false); else st.clobber(r0); };
      break;
    case Code.Lea_r64_m: case Code.Lea_r32_m:
      if (ins.memoryBase === Register.RSP || ins.memoryBase === Register.RBP) return (st) => { base(st); if (r0 !== RSP) clearAll(st); };
      break;
  }
  // rsp written any other way, or memory written through rsp or rbp: the slots it may touch are forgotten
  if (r0 === RSP && opWritten[0]) return (st) => { base(st); clearAll(st); };
  for (let i = 0; i < ins.opCount; i++) {
    if (ins.opKind(i) !== OpKind.Memory || (ins.memoryBase !== Register.RSP && ins.memoryBase !== Register.RBP)) continue;
    if (!opWritten[i]) continue;
    if (!rspMem(i)) return (st) => { base(st); clearAll(st); };
    // the width is not looked up: every slot of the 64 bytes from the address is forgotten
    return (st) => { base(st); for (const r of touched(st, disp, 64)) st.clobber(r); };
  }
  return base;
}
