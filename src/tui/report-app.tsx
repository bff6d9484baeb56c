import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Report } from '../model/index.js';
import { verdictOf } from '../match/need-status.js';
import type { RuleDoc } from '../match/problems.js';
import { Header } from './header.js';
import { NeedList } from './need-list.js';
import { DetailPane, detailLines, wrapDetail } from './detail-pane.js';
import { reportLists, type SourceSnippets } from './view-model.js';
import { fit } from './fit.js';
import { initialUi, reduceInput, view, type UiEnv } from './ui-state.js';

/** Props of the interactive report: the Report and what the CLI read for it. */
export interface ReportAppProps {
  report: Report;
  rules?: ReadonlyMap<string, RuleDoc>;
  sources?: SourceSnippets;
  /** Terminal size; defaults to the stdout size (tests pass it). */
  rows?: number;
  columns?: number;
}

const HEADER_ROWS = 3;
const FOOTER_ROWS = 1;
const HELP = '↑↓/jk move · PgUp/PgDn · Enter detail (J/K scroll) · / filter · Tab list · q quit';

/** Full-screen report: header, one list at a time (only visible rows rendered), detail pane, filter. */
export function ReportApp({ report, rules, sources, rows, columns }: ReportAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const height = Math.max(8, rows ?? stdout.rows ?? 24);
  const width = Math.max(20, columns ?? stdout.columns ?? 80);
  const lists = useMemo(() => reportLists(report), [report]);
  const verdict = useMemo(() => verdictOf(report), [report]);
  const [ui, setUi] = useState(() => initialUi(lists));
  const v = view(ui, { lists, body: height - HEADER_ROWS - FOOTER_ROWS, detailLineCount: 0 });
  const current = v.items[v.sel];
  const lines = useMemo(() => (ui.detail && current ? wrapDetail(detailLines(current, report, rules, sources), width - 2) : []), [ui.detail, current, report, rules, sources, width]);
  // key presses may reach a handler from an earlier render: they read the screen budget from a ref and the state from the updater
  const env = useRef<UiEnv>({ lists, body: 0, detailLineCount: 0 });
  env.current = { lists, body: height - HEADER_ROWS - FOOTER_ROWS, detailLineCount: lines.length };
  useInput((input, key) => setUi((s) => reduceInput(s, input, key, env.current)));
  useEffect(() => { if (ui.quit) exit(); }, [ui.quit, exit]);

  const position = v.items.length ? `${v.sel + 1}/${v.items.length}` : '0/0';
  const footer = ui.filtering ? `/${ui.filter}▌` : `${ui.filter ? `filter "${ui.filter}" (Esc clears) · ` : ''}${HELP}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Header report={report} verdict={verdict} lists={lists} active={ui.active} columns={width} />
      <NeedList rows={v.rows} top={v.top} height={v.listHeight} width={width} selected={v.sel} />
      {ui.detail && current ? <DetailPane lines={lines} height={v.detailHeight} width={width} scroll={ui.detailScroll} /> : null}
      {ui.detail && !current ? <Box height={v.detailHeight} flexShrink={0}><Text dimColor>{fit('nothing selected', width)}</Text></Box> : null}
      <Box flexShrink={0} height={FOOTER_ROWS}>
        <Text dimColor={!ui.filtering}>{fit(footer, width - position.length - 1)}</Text>
        <Text dimColor> {position}</Text>
      </Box>
    </Box>
  );
}
