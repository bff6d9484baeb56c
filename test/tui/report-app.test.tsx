import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import type { Fact, Report } from '../../src/model/index.js';
import { ReportApp } from '../../src/tui/report-app.js';
import { snippetKey, type SourceSnippet } from '../../src/tui/view-model.js';
import { ROOT } from '../helpers/tools.js';
import { kvserverReport, KV_RULE_DOCS, KV_SOURCE } from '../emit/kvserver-report.js';

const KEY = { down: '\u001B[B', up: '\u001B[A', left: '\u001B[D', tab: '\t', enter: '\r', escape: '\u001B', backspace: '\u007F' };
const tick = () => new Promise((r) => setTimeout(r, 30));

async function press(stdin: { write(s: string): void }, ...keys: string[]) {
  for (const k of keys) { stdin.write(k); await tick(); }
}

/** Retries an assertion until the throttled renderer has drawn the state the keys produced (2 s at most). */
async function eventually(check: () => void, ms = 2000) {
  const end = Date.now() + ms;
  for (;;) {
    try { check(); return; } catch (e) { if (Date.now() > end) throw e; }
    await tick();
  }
}

/** Snippets as the CLI reads them: two lines either side of each source position. */
function kvSources(): Map<string, SourceSnippet> {
  const lines = readFileSync(join(ROOT, KV_SOURCE), 'utf8').split('\n');
  const out = new Map<string, SourceSnippet>();
  for (const f of kvserverReport().facts) for (const e of f.evidence) {
    if (e.location) out.set(snippetKey(e.location.file, e.location.line), { startLine: e.location.line - 2, lines: lines.slice(e.location.line - 3, e.location.line + 2) });
  }
  return out;
}

const selectedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('›'));

describe('interactive report', () => {
  test('header shows verdict, target, libraries and tabs; the list is grouped by status, blocking first', () => {
    const { lastFrame } = render(<ReportApp report={kvserverReport()} rows={24} columns={100} />);
    const frame = lastFrame()!;
    const lines = frame.split('\n');
    expect(lines[0]).toContain('ukport report · BLOCKED · Unikraft 0.18.0 x86_64 · libc musl · mode binary-compat');
    expect(lines[1]).toContain('libraries (3): posix-event, lwip, vfscore');
    expect(lines[2]).toContain('Syscalls 10');
    expect(lines[2]).toContain('Functions 4');
    expect(lines[2]).toContain('Unresolved 1');
    const groups = lines.filter((l) => l.startsWith('──')).map((l) => l.trim());
    expect(groups).toEqual(['── missing-required (1)', '── stubbable (2)', '── covered (6)', '── startup (1)']);
    expect(selectedLine(frame)).toContain('clone3');
    expect(lines).toHaveLength(24);
  });

  test('j/k and arrows move, Tab and arrows switch lists, G/g jump', async () => {
    const { lastFrame, stdin } = render(<ReportApp report={kvserverReport()} rows={24} columns={100} />);
    await press(stdin, 'j');
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('rseq'));
    await press(stdin, KEY.down, KEY.down);
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('accept4'));
    await press(stdin, 'k', KEY.up);
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('rseq'));
    await press(stdin, 'G');
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('arch_prctl'));
    await press(stdin, 'g');
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('clone3'));
    await press(stdin, KEY.tab);
    await eventually(() => expect(lastFrame()!.split('\n').filter((l) => l.startsWith('──')).map((l) => l.trim())).toEqual(['── covered (4)']));
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('dlopen'));
    await press(stdin, KEY.tab, KEY.tab, KEY.tab);
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('dlopen: dlopen("libkvplugin.so")'));
    await press(stdin, KEY.tab);
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('dlopen-plugins  function:dlopen'));
    expect(lastFrame()!.split('\n').filter((l) => l.startsWith('──')).map((l) => l.trim())).toEqual(['── error (2)', '── warning (3)', '── note (2)']);
    await press(stdin, KEY.tab);
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('clone3'));
    await press(stdin, KEY.left);
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('dlopen-plugins'));
  });

  test('the Findings tab shows every problem, with the rule why and remedy and its evidence', async () => {
    const { lastFrame, stdin } = render(<ReportApp report={kvserverReport()} rules={KV_RULE_DOCS} sources={kvSources()} rows={40} columns={100} />);
    await press(stdin, KEY.left, '/', 'b', 'o', 'o', 't', KEY.enter, KEY.enter);
    await eventually(() => expect(lastFrame()).toContain('warning config-file-at-boot — string:/etc/kvserver.conf'));
    const frame = lastFrame()!;
    expect(frame).toContain('reads /etc/kvserver.conf at boot: the image needs a root filesystem');
    expect(frame).toContain('Configuration file read at boot');
    expect(frame).toContain('why: The file must be in the image: an initrd/cpio root filesystem or a 9pfs share.');
    expect(frame).toContain('remedy: libraries vfscore, ramfs; Kconfig CONFIG_LIBVFSCORE_AUTOMOUNT_ROOTFS');
    expect(frame).toMatch(/> 22 │ #define CONFIG_PATH "\/etc\/kvserver.conf"/);
    await press(stdin, KEY.escape, KEY.escape, '/', 'error', KEY.enter);
    await eventually(() => expect(lastFrame()!.split('\n').filter((l) => l.includes('●')).map((l) => l.replace(/[›●]/g, '').trim())).toEqual(['dlopen-plugins  function:dlopen', 'uncovered-syscall  syscall:clone3']));
  });

  test('/ filters the list; Enter keeps the filter, Esc clears it', async () => {
    const { lastFrame, stdin } = render(<ReportApp report={kvserverReport()} rows={24} columns={100} />);
    await press(stdin, '/', 'e', 'p', 'o', 'l', 'l');
    const items = () => lastFrame()!.split('\n').filter((l) => l.includes('●')).map((l) => l.replace(/[›●]/g, '').trim());
    await eventually(() => expect(lastFrame()).toContain('/epoll▌'));
    await eventually(() => expect(items()).toEqual(['epoll_create1', 'epoll_ctl', 'epoll_wait']));
    await press(stdin, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    await eventually(() => expect(lastFrame()!).toContain('/e▌'));
    await eventually(() => expect(lastFrame()!.split('\n').filter((l) => l.includes('●')).map((l) => l.replace(/[›●]/g, '').trim())).toContain('sendfile'));
    await press(stdin, 'n', KEY.enter);
    await eventually(() => expect(lastFrame()).toContain('filter "en" (Esc clears)'));
    await eventually(() => expect(items()).toEqual(['sendfile']));
    await press(stdin, 'j', KEY.enter);
    await eventually(() => expect(lastFrame()!).toContain('sendfile — stubbable'));
    await press(stdin, KEY.escape);
    await eventually(() => expect(lastFrame()!).toContain('filter "en"'));
    await press(stdin, KEY.escape);
    await eventually(() => expect(lastFrame()!).not.toContain('filter "'));
    await eventually(() => expect(lastFrame()!.split('\n').filter((l) => l.includes('●'))).toHaveLength(10));
    await press(stdin, '/', 'z', 'z', 'z', KEY.enter);
    await eventually(() => expect(lastFrame()!).toContain('(nothing here)'));
    await eventually(() => expect(lastFrame()!).toContain('0/0'));
  });

  test('Enter opens the detail pane: plan reason, evidence with source lines and call chain, finding why and remedy', async () => {
    const { lastFrame, stdin } = render(<ReportApp report={kvserverReport()} rules={KV_RULE_DOCS} sources={kvSources()} rows={40} columns={100} />);
    await press(stdin, '/', 's', 'e', 'n', 'd', KEY.enter, KEY.enter);
    await eventually(() => expect(lastFrame()).toContain('sendfile — stubbable'));
    let frame = lastFrame()!;
    await eventually(() => expect(frame).toContain('plan: only used for snapshots; a stub returning -ENOSYS makes the caller fall back (warning)'));
    await eventually(() => expect(frame).toContain('served by vfscore (CONFIG_LIBVFSCORE)'));
    await eventually(() => expect(frame).toContain('fixtures/example/kvserver.c:46:53 in snapshot_worker'));
    await eventually(() => expect(frame).toMatch(/> 46 │ {5}if \(in >= 0 && out >= 0 && fstat\(in, &st\) == 0\) sendfile/));
    await eventually(() => expect(frame).toMatch(/ {4}45 │ {5}struct stat st;/));
    await eventually(() => expect(frame).toContain('fixtures/build/example/kvserver sendfile @ 0x401a20'));
    await eventually(() => expect(frame).toContain('call chain: snapshot_worker → sendfile'));
    await press(stdin, KEY.escape, KEY.escape, '/', 'g', 'e', 't', 'r', KEY.enter, KEY.enter);
    await eventually(() => expect(lastFrame()).toContain('getrandom — covered'));
    frame = lastFrame()!;
    await eventually(() => expect(frame).toContain('note nondeterminism-getrandom: getrandom seeds the PRNG: needs an entropy source'));
    await eventually(() => expect(frame).toContain('why: Unikraft serves getrandom from ukrandom; enable it or the call fails.'));
    await eventually(() => expect(frame).toContain('remedy: libraries ukrandom'));
    await eventually(() => expect(frame.split('\n')).toHaveLength(40));
    await press(stdin, KEY.enter);
    await eventually(() => expect(lastFrame()!).not.toContain('Evidence ('));
  });

  test('keys arriving in one chunk (typed fast, a terminal multiplexer) are each handled', async () => {
    const { lastFrame, stdin } = render(<ReportApp report={kvserverReport()} rows={24} columns={100} />);
    await press(stdin, 'jjj');
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('accept4'));
    await press(stdin, 'kk');
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('rseq'));
    // a filter typed in one chunk, Enter in the same chunk
    await press(stdin, '/sendf\r');
    await eventually(() => expect(lastFrame()).toContain('filter "sendf"'));
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('sendfile'));
  });

  test('the detail pane wraps long lines to its width instead of cutting them', async () => {
    const { lastFrame, stdin } = render(<ReportApp report={kvserverReport()} rules={KV_RULE_DOCS} sources={kvSources()} rows={60} columns={60} />);
    await press(stdin, '/', 's', 'e', 'n', 'd', KEY.enter, KEY.enter);
    await eventually(() => expect(lastFrame()).toContain('sendfile — stubbable'));
    const frame = lastFrame()!;
    // the plan reason (93 columns) is longer than the 58-column pane: both halves are there, nothing is cut with '…'
    const text = frame.split('\n').map((l) => l.replace(/^│|│$/g, '').trim()).join(' ');
    expect(text).toContain('plan: only used for snapshots; a stub returning -ENOSYS makes the caller fall back (warning)');
    expect(frame.split('\n').filter((l) => l.startsWith('│')).every((l) => !l.includes('…'))).toBe(true);
    expect(frame.split('\n').every((l) => [...l].length <= 60)).toBe(true);
  });

  test('an empty report renders without a plan and with empty lists', async () => {
    const empty: Report = { ...kvserverReport(), facts: [], findings: [], plan: undefined, libraryGraph: [], inputs: [] };
    const { lastFrame, stdin } = render(<ReportApp report={empty} rows={12} columns={100} />);
    expect(lastFrame()!).toContain('NEEDS WORK · no target');
    expect(lastFrame()!).toContain('no plan: coverage tables were not available');
    expect(lastFrame()!).toContain('(nothing here)');
    await press(stdin, 'j', KEY.enter, KEY.tab, '/', 'x', KEY.enter);
    await eventually(() => expect(lastFrame()!).toContain('nothing selected'));
    await eventually(() => expect(lastFrame()!.split('\n')).toHaveLength(12));
  });

  test('a huge report renders only the visible window and stays navigable', async () => {
    const r = kvserverReport();
    const many: Fact[] = Array.from({ length: 20000 }, (_, i) => ({ kind: 'symbol', name: `fn_${String(i).padStart(5, '0')}`, role: 'import', evidence: [{ artifact: 'big', extractor: 'elf.dynsym' }] }));
    r.facts = many;
    r.findings = [];
    const { lastFrame, stdin } = render(<ReportApp report={r} rows={30} columns={100} />);
    expect(lastFrame()!.split('\n')).toHaveLength(30);
    expect(lastFrame()!).toContain('Functions 20000');
    expect(lastFrame()!).toContain('1/20000');
    await press(stdin, 'G');
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('fn_19999'));
    await eventually(() => expect(lastFrame()!).toContain('20000/20000'));
    await eventually(() => expect(lastFrame()!.split('\n').filter((l) => l.includes('●'))).toHaveLength(26));
    await press(stdin, '/', '1', '2', '3', '4', KEY.enter);
    await eventually(() => expect(lastFrame()!).toContain('1/12'));
    await eventually(() => expect(selectedLine(lastFrame()!)).toContain('fn_01234'));
  });
});
