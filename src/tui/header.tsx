import { Box, Text } from 'ink';
import type { Report } from '../model/index.js';
import { type Verdict, VERDICT_LABELS } from '../match/need-status.js';
import { TAB_TITLES, TABS, type Entry, type Tab } from './view-model.js';
import { VERDICT_COLOR } from './theme.js';
import { fit } from './fit.js';

/** Props of the header: verdict, target and list tabs. */
export interface HeaderProps {
  report: Report;
  verdict: Verdict;
  lists: Record<Tab, Entry[]>;
  active: Tab;
  columns: number;
}

function librariesLine(report: Report, columns: number): string {
  const plan = report.plan;
  if (!plan) return 'no plan: coverage tables were not available, nothing is known to be covered';
  const names = plan.libraries.map((l) => l.name);
  let line = `libraries (${names.length}): `;
  for (const [i, n] of names.entries()) {
    const more = ` +${names.length - i} more`;
    if (line.length + n.length + 2 + more.length > columns) return line + more.trimStart();
    line += (i ? ', ' : '') + n;
  }
  return line;
}

/** Verdict, target (release, arch, libc), planned libraries and the list tabs: three lines. */
export function Header({ report, verdict, lists, active, columns }: HeaderProps) {
  const plan = report.plan;
  const target = plan ? `Unikraft ${plan.release} ${plan.arch} · libc ${plan.libc}` : 'no target';
  return (
    <Box flexDirection="column" flexShrink={0} height={3}>
      <Text wrap="truncate-end">
        <Text bold>ukport report</Text> · <Text bold color={VERDICT_COLOR[verdict]}>{VERDICT_LABELS[verdict].toUpperCase()}</Text> · {target} · mode {report.mode}
      </Text>
      <Text dimColor>{fit(librariesLine(report, columns), columns)}</Text>
      <Text wrap="truncate-end">
        {TABS.map((l) => (
          <Text key={l} inverse={l === active} bold={l === active}>{` ${TAB_TITLES[l]} ${lists[l].length} `}</Text>
        ))}
      </Text>
    </Box>
  );
}
