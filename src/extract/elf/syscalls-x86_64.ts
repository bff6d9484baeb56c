import { INSN_CALL, INSN_FALLS, INSN_PAD, INSN_STOPS, type CodeScanner, type ScanSink } from './scan-types.js';
import { ARG_REGS, Code, DecodeWindow, FlowControl, Instruction, Mnemonic, OpKind, R10, R8, R9, RAX, RDI, RDX, RSI, isRipRelative } from './x86-decode.js';
import { flowFunction } from './x86-flow.js';
import { GO_ARG_REGS, goArgument } from './x86-stack.js';

export { setDecodeWindowBytes } from './x86-decode.js';

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

/**
 * Code a Go toolchain built: Go's internal ABI passes integer arguments in rax, rbx, rcx, rdi, rsi, r8, r9, r10, r11
 * (`internal/runtime/syscall.Syscall6` takes the number in rax), its assembly (ABI0) on the stack, and both spill to
 * and reload from stack slots around calls (x86-stack.ts). A wrapper taking its number in either is found, and read at
 * its call sites from the register or the outgoing stack slot (rdx follows, for cgo's C code in SysV order).
 */
export const x86GoScanner: CodeScanner = {
  ...x86Scanner,
  argRegs: GO_ARG_REGS,
  argAt: goArgument,
  flow(bytes, base, start, end, queries) {
    const win = new DecodeWindow(bytes, base);
    const ins = new Instruction();
    try { return flowFunction(win, ins, start, end, queries, true); } finally { ins.free(); win.free(); }
  },
};

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
    if (sink.instruction) {
      sink.instruction(ip, mn === Mnemonic.Nop || mn === Mnemonic.Int3 ? INSN_PAD : fc === FlowControl.Next || fc === FlowControl.ConditionalBranch ? INSN_FALLS
        : fc === FlowControl.Call || fc === FlowControl.IndirectCall ? INSN_CALL : INSN_STOPS);
    }
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
