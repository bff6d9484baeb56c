import { Box, Text } from 'ink';
import type { Row } from './view-model.js';
import { fit } from './fit.js';

/** Props of the list window: all rows, but only `height` of them from `top` are rendered. */
export interface NeedListProps {
  rows: readonly Row[];
  top: number;
  height: number;
  width: number;
  selected: number;
}

/** The visible window of a list; thousands of rows cost only `height` elements. Every line is padded to the width. */
export function NeedList({ rows, top, height, width, selected }: NeedListProps) {
  const shown = rows.slice(top, top + height);
  const blank = Array.from({ length: height - Math.max(1, shown.length) }, (_, i) => <Text key={`b${i}`}>{fit('', width)}</Text>);
  return (
    <Box flexDirection="column" height={height} flexShrink={0} overflow="hidden">
      {rows.length === 0 ? <Text dimColor>{fit('  (nothing here)', width)}</Text> : null}
      {shown.map((r, i) => r.type === 'group'
        ? <Text key={`g${top + i}`} color={r.color} bold>{fit(`── ${r.label} (${r.count})`, width)}</Text>
        : (
          <Text key={`i${top + i}`} inverse={r.index === selected}>
            {r.index === selected ? '›' : ' '} <Text color={r.entry.color}>●</Text> {fit(r.entry.name, width - 4)}
          </Text>
        ))}
      {blank}
    </Box>
  );
}
