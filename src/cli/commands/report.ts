import type { Command } from '../command.js';
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, readPlanOptions } from './plan.js';
import { runPipeline } from '../analyse.js';
import { emitterFor } from '../../emit/registry.js';
import { emitReportText } from '../../emit/report-text.js';
import { UkportError } from '../../errors.js';
import { emitContextFor } from '../emit-context.js';
import { readSnippets } from '../source-snippets.js';

// alternate screen buffer: the view is full-screen and the shell's scrollback is restored on exit
const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

export const reportCommand: Command = {
  name: 'report',
  summary: 'interactive report on a terminal: verdict, plan, needs by status, evidence (text otherwise)',
  help: `Usage: ukport report [options] PATH...

Scans like \`ukport scan\`, plans the port and opens a full-screen view: the verdict (ready / runs with gaps /
needs work / blocked, docs/verdicts.md), the plan's libc and libraries, and the syscalls, functions, headers, libraries and unresolved
facts grouped by status (missing-required, unknown, stubbable, fakeable, covered, startup), and every problem
(rule findings, uncovered needs, unresolved facts) by severity.
Keys: ↑/↓ or j/k move, PgUp/PgDn, g/G first/last, Enter opens the evidence (J/K scroll it), / filters,
Tab or ←/→ switch lists, Esc closes or clears, q quits.
When stdout or stdin is not a terminal, or with --format, it prints the report instead: as text the verdict,
the plan and every problem by severity (what the view shows); or json, sarif, markdown.

Options:
${PLAN_OPTIONS_HELP}
`,
  options: PLAN_OPTIONS,
  positionals: true,
  async run(values, paths, io) {
    const settings = readPlanOptions(values, paths, io);
    const report = await runPipeline(settings.pipeline);
    const ctx = emitContextFor(io, settings.verbose);
    const interactive = io.isTTY && process.stdin.isTTY === true && values.format === undefined;
    if (!interactive) {
      if (settings.format === 'text') { io.stdout(emitReportText(report, ctx)); return 0; }
      const emit = emitterFor(settings.format);
      if (!emit) throw new UkportError('usage', `--format ${settings.format} is not available`);
      io.stdout(emit(report, ctx));
      return 0;
    }
    const sources = readSnippets(report, io.cwd);
    process.stdout.write(ENTER_ALT_SCREEN);
    try {
      // ink draws only the last frame when it believes it runs in CI (CI=true): this is a terminal the user is looking at
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
      // ink and react load only when the full-screen view opens.
      const [{ createElement }, { render }, { ReportApp }] = await Promise.all([import('react'), import('ink'), import('../../tui/report-app.js')]);
      const app = render(createElement(ReportApp, { report, rules: ctx.rules, sources }), { exitOnCtrlC: true, patchConsole: false });
      await app.waitUntilExit();
    } finally {
      process.stdout.write(LEAVE_ALT_SCREEN);
    }
    return 0;
  },
};
