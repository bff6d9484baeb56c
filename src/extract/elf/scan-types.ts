import type { Arch } from '../../model/index.js';
import type { RegState } from './reg-state.js';

/** What an ISA scanner reports while sweeping a function (addresses are virtual addresses). */
export interface ScanSink {
  /** A syscall instruction; abi 32 for int 0x80 / sysenter on x86-64. */
  syscall(fn: number, addr: number, abi: 32 | 64): void;
  /** A direct call, or a direct jump (possibly a tail call when the target lies in another function). */
  branch(fn: number, addr: number, target: number, isCall: boolean): void;
  /** A memory operand naming a pointer slot (GOT entry); `control` when called or jumped through. */
  slotRef(fn: number, addr: number, slot: number, control: boolean, isCall: boolean): void;
  /** A code address computation (lea / adrp+add) that may take a function's address. */
  addressRef(fn: number, addr: number, target: number): void;
  /** Any other memory operand at a fixed address (x86-64 rip-relative): code that reads or writes that data. */
  dataRef?(fn: number, addr: number, target: number): void;
  /** An immediate that may be an absolute function address (non-PIE code). */
  immediate(fn: number, addr: number, value: number): void;
  /** An indirect call or jump through a register or non-slot memory. */
  indirect(fn: number, addr: number, isCall: boolean): void;
  decodeError(fn: number, addr: number): void;
  /** End of the function's bytes; `fallsThrough` when the last instruction does not end control flow. */
  end(fn: number, fallsThrough: boolean): void;
  /** Every decoded instruction (or undecodable byte) with its INSN_* class, when the sink wants them. */
  instruction?(addr: number, kind: number): void;
}

/**
 * Instruction classes for ScanSink.instruction: padding (nop, int3), flow goes on, flow stops (jmp, ret), a call (flow
 * comes back, but a function whose last instruction is a call ends in a noreturn callee).
 */
export const INSN_PAD = 0, INSN_FALLS = 1, INSN_STOPS = 2, INSN_CALL = 3;

/** An address whose register state pass 2 must report. */
export interface FlowQuery { addr: number }

/** One function to sweep. */
export interface ScanFunction { index: number; start: number; end: number }

/** An ISA back end. `bytes` holds one executable range that starts at virtual address `base`. */
export interface CodeScanner {
  arch: Arch;
  /** Register index holding the syscall number (rax / x8). */
  nrReg: number;
  /** Register indices of the first call arguments, in order. */
  argRegs: readonly number[];
  /** The registers of a wrapper's syscall arguments when its number is parameter PARAM (default: the parameters after it). */
  argsAfter?(param: number): readonly number[];
  /** Argument PARAM at a call whose state is S (default: its register, argRegs[param]). */
  argAt?(s: RegState, param: number): { kind: number; val: number };
  /** Register indices of the six syscall arguments (x86-64: rdi rsi rdx r10 r8 r9). */
  sysArgRegs: readonly number[];
  scan(bytes: Uint8Array, base: number, fns: ScanFunction[], sink: ScanSink): void;
  flow(bytes: Uint8Array, base: number, start: number, end: number, queries: FlowQuery[]): Map<number, RegState>;
}
