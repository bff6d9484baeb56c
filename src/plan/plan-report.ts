import type { Arch, FilesystemStack, Libc, Mode, Plan, Report, Tables } from '../model/index.js';
import { archOfReport } from '../model/report-arch.js';
import { planPort } from './plan-port.js';
import { withPythonPort } from './python-port.js';
import { planImage } from './image.js';
import { collectNeeds } from './needs.js';
import { plannedRuntime } from './interpreted-runtime.js';

/** Planner settings a command passes through the pipeline. */
export interface PlanRequest {
  release?: string;
  /** Default: the architecture of the analysed binaries, else x86_64. */
  arch?: Arch;
  libc?: Libc;
  /** Default: native when the inputs have no binaries (sources are rebuilt), else the report's mode. */
  mode?: Mode;
  /** The root the binaries were resolved in (--sysroot): the image's files are read from it. */
  sysroot?: string;
  /** File-system stack on v0.20+ (--fs). */
  filesystem?: FilesystemStack;
  /** The paths the user named (a source directory `nginx-1.22.1/` names its program). */
  paths?: string[];
}

// archOfReport lives in the model: the pipeline needs it for every report without loading the planner
export { archOfReport } from '../model/report-arch.js';

/** Plans the port of everything the report found, in the report's mode; a binary-compat plan gets its image. */
export function planReport(report: Report, tables: Tables, request: PlanRequest): Plan {
  // an interpreted app is planned in the form ukport recommends for it unless a mode is asked for
  const mode = request.mode ?? report.interpreted?.recommended ?? (report.binaries.length === 0 ? 'native' : report.mode);
  const plan = withPythonPort(planPort(report.facts, tables, {
    arch: request.arch ?? archOfReport(report),
    mode,
    ...(request.release ? { release: request.release } : {}),
    ...(request.libc ?? report.libc ? { libc: request.libc ?? report.libc } : {}),
    programs: [...report.binaries.map((b) => b.path), ...(request.paths ?? [])],
    ...(request.filesystem ? { filesystem: request.filesystem } : {}),
  }), report.facts, report.interpreted, tables.externalLibs);
  if (plan.mode === 'binary-compat' && report.interpreted) {
    const runtime = plannedRuntime(report.inputs, report.facts, report.interpreted);
    if (runtime) plan.runtime = runtime;
  }
  if (mode === 'binary-compat' && !plan.runtime && report.binaries.some((b) => b.type === 'EXEC' || b.type === 'PIE')) {
    plan.image = planImage(report, report.facts, collectNeeds(report.facts, mode).paths, request.sysroot);
  }
  return plan;
}
