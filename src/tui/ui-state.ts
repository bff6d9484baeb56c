import type { Key } from 'ink';
import { listingOf, scrollTop, TABS, type Entry, type Tab } from './view-model.js';

/** Everything the keyboard changes. */
export interface UiState {
  active: Tab;
  selected: Record<Tab, number>;
  tops: Record<Tab, number>;
  filter: string;
  filtering: boolean;
  detail: boolean;
  detailScroll: number;
  quit: boolean;
}

/** What a key press is applied against: the lists and the screen budget (rows for the lists and the detail pane). */
export interface UiEnv {
  lists: Record<Tab, Entry[]>;
  body: number;
  detailLineCount: number;
}

const perList = (v: number) => Object.fromEntries(TABS.map((l) => [l, v])) as Record<Tab, number>;

/** The state when the report opens: the first non-empty list. */
export function initialUi(lists: Record<Tab, Entry[]>): UiState {
  return { active: TABS.find((l) => lists[l].length > 0) ?? 'syscalls', selected: perList(0), tops: perList(0), filter: '', filtering: false, detail: false, detailScroll: 0, quit: false };
}

/** Rows of the detail pane (0 when closed) and of the list window. */
export function layout(detail: boolean, body: number): { listHeight: number; detailHeight: number } {
  const detailHeight = detail ? Math.max(5, Math.floor(body / 2)) : 0;
  return { listHeight: Math.max(1, body - detailHeight), detailHeight };
}

/** The visible items of the active list under the filter, and the clamped selection. */
export function view(s: UiState, env: UiEnv) {
  const { items, rows, rowOf } = listingOf(env.lists[s.active], s.filter);
  const sel = Math.min(s.selected[s.active], Math.max(0, items.length - 1));
  const { listHeight, detailHeight } = layout(s.detail, env.body);
  const top = scrollTop(rows, sel, listHeight, s.tops[s.active], rowOf);
  return { items, rows, rowOf, sel, top, listHeight, detailHeight };
}

/** Control characters that can arrive inside a chunk of typed text, as the key ink would report alone. */
const CHUNK_KEYS: Record<string, Partial<Key>> = { '\r': { return: true }, '\n': { return: true }, '\t': { tab: true }, '\u007f': { backspace: true }, '\b': { backspace: true } };

/**
 * Applies what one read from the terminal delivered. Keys typed fast, pasted, or sent by a terminal multiplexer
 * arrive as one chunk (`jjj`): each character is its own key press. Escape sequences (arrows) come alone.
 */
export function reduceInput(s: UiState, input: string, key: Partial<Key>, env: UiEnv): UiState {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || key.escape || input.includes('\u001b')) return reduceKey(s, input, key, env);
  return chars.reduce((state, ch) => (CHUNK_KEYS[ch] ? reduceKey(state, '', CHUNK_KEYS[ch]!, env) : reduceKey(state, ch, {}, env)), s);
}

/** Applies one key press; pure, so key handling never sees stale state. */
export function reduceKey(s: UiState, input: string, key: Partial<Key>, env: UiEnv): UiState {
  if (s.filtering) {
    if (key.return) return { ...s, filtering: false };
    if (key.escape) return { ...s, filter: '', filtering: false };
    if (key.backspace || key.delete) return { ...s, filter: s.filter.slice(0, -1) };
    if (input && !key.ctrl && !key.meta && !key.tab) return { ...s, filter: s.filter + input, selected: { ...s.selected, [s.active]: 0 }, tops: { ...s.tops, [s.active]: 0 } };
    return s;
  }
  const v = view(s, env);
  const move = (to: number): UiState => {
    const next = Math.max(0, Math.min(v.items.length - 1, to));
    return { ...s, selected: { ...s.selected, [s.active]: next }, tops: { ...s.tops, [s.active]: scrollTop(v.rows, next, v.listHeight, v.top, v.rowOf) }, detailScroll: 0 };
  };
  const switchList = (step: number): UiState => ({ ...s, active: TABS[(TABS.indexOf(s.active) + step + TABS.length) % TABS.length]!, detailScroll: 0 });
  if (input === 'q') return { ...s, quit: true };
  if (key.escape) return s.detail ? { ...s, detail: false } : { ...s, filter: '' };
  if (input === '/') return { ...s, filtering: true };
  if (key.tab) return switchList(key.shift ? -1 : 1);
  if (key.rightArrow) return switchList(1);
  if (key.leftArrow) return switchList(-1);
  if (key.downArrow || input === 'j') return move(v.sel + 1);
  if (key.upArrow || input === 'k') return move(v.sel - 1);
  if (key.pageDown) return move(v.sel + v.listHeight - 1);
  if (key.pageUp) return move(v.sel - v.listHeight + 1);
  if (key.home || input === 'g') return move(0);
  if (key.end || input === 'G') return move(v.items.length - 1);
  if (key.return) return { ...s, detail: !s.detail, detailScroll: 0 };
  if (input === 'J' && s.detail) return { ...s, detailScroll: Math.min(Math.max(0, env.detailLineCount - (v.detailHeight - 2)), s.detailScroll + 1) };
  if (input === 'K' && s.detail) return { ...s, detailScroll: Math.max(0, s.detailScroll - 1) };
  return s;
}
