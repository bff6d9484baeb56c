import type { PortProgram, UnikraftPort } from '../model/index.js';

/** An application port (lib-nginx) that builds one of the analysed programs natively. */
export interface AppPortMatch {
  port: UnikraftPort;
  program: PortProgram;
  /** The input that matched (`nginx`, `nginx-1.22.1/`). */
  input: string;
}

/** A program name as an input names it: a binary's base name, or a source directory `nginx-1.22.1` → `nginx`. */
function candidates(name: string): string[] {
  const base = name.replace(/\/+$/, '').split('/').pop() ?? name;
  const stem = base.replace(/[-_.]v?\d[\w.]*$/, '');
  return [...new Set([base, stem])];
}

/** Finds the application port whose program is one of PROGRAMS (binary or source directory names). */
export function matchAppPort(programs: string[], ports: UnikraftPort[]): AppPortMatch | undefined {
  for (const input of programs) {
    for (const c of candidates(input)) {
      for (const port of ports) {
        const program = port.programs?.find((p) => p.program === c);
        if (program) return { port, program, input };
      }
    }
  }
  return undefined;
}
