import type { Provenance, Tables } from '../model/coverage.js';
import { loadLinuxSyscalls } from '../data/linux-syscalls.js';
import { isSonameCompatible, lookupLibrary, lookupSoname, lookupSyscall, partialSourceText, type LibraryAnswer, type SyscallAnswer } from '../data/table-lookup.js';
import { UkportError } from '../errors.js';

function prov(p: Provenance): string {
  const extra = p.extra?.length ? ` + ${p.extra.map((e) => `${e.repo.replace('https://github.com/', '')}@${e.tag ?? e.commit.slice(0, 12)}`).join(', ')}` : '';
  return `${p.repo.replace('https://github.com/', '')}@${p.tag} ${p.commit.slice(0, 12)} (${p.date}, ${p.generator})${extra}`;
}

/** `ukport tables list`: every shipped table with its provenance and size. */
export function formatTableList(tables: Tables, dir: string): string {
  const out: string[] = [];
  for (const arch of ['x86_64', 'aarch64'] as const) {
    const l = loadLinuxSyscalls(arch, dir);
    out.push(`linux/${arch.padEnd(17)} ${String(l.byName.size).padStart(4)} syscalls   ${prov(l.provenance)}`);
  }
  for (const t of tables.unikraft) {
    const c = { implemented: 0, stub: 0, missing: 0 };
    for (const s of Object.values(t.syscalls)) c[s.status]++;
    out.push(`unikraft/${t.release.padEnd(10)} ${String(c.implemented).padStart(4)} implemented, ${String(c.stub).padStart(2)} stub, ${String(c.missing).padStart(3)} missing, ${Object.keys(t.libraries).length} libraries   ${t.partial ? `PARTIAL (from ${t.partial.basis} + release notes, ${t.partial.indexedFiles.length} indexed files, ${t.partial.trees.length} trees) ` : ''}${prov(t.provenance)}`);
  }
  for (const t of tables.libc) {
    out.push(`libc/${t.target}-${t.version}   ${t.functions.length} functions, ${t.headers.length} headers   ${prov(t.provenance)}`);
  }
  for (const t of tables.libcSummaries) {
    const fns = Object.keys(t.functions).filter((k) => !k.startsWith('(')).length;
    out.push(`libc-summaries/${t.libc}-${t.arch}   ${fns} functions → syscalls   ${prov(t.provenance)}`);
  }
  if (tables.externalLibs.length) out.push(`external-libs          ${tables.externalLibs.length} soname patterns → ${new Set(tables.externalLibs.map((p) => p.port)).size} ports`);
  const priors = Object.keys(tables.priors).length;
  if (priors) out.push(`loupe-priors           ${priors} syscalls`);
  return out.join('\n') + '\n';
}

function formatSyscall(a: SyscallAnswer): string {
  const nrs = Object.entries(a.linux).map(([k, v]) => `${k} ${v}`).join(', ');
  const out = [nrs ? `syscall ${a.name} (Linux: ${nrs})` : `function ${a.name} (not a Linux syscall)`];
  for (const row of a.rows) {
    const { release, coverage: c, fn } = row;
    const partial = partialSourceText(row);
    const mark = partial ? `  [partial: ${partial}]` : '';
    const native = fn ? `; ${fn.stub ? `stub (${fn.stub}) ` : ''}function ${a.name}() in ${fn.library}${fn.kconfig ? ` (CONFIG_${fn.kconfig})` : ''}, native builds only` : '';
    if (!c) {
      out.push(`  ${release.padEnd(9)} ${nrs ? `unknown to the syscall shim${native}` : native ? native.slice(2) : 'absent'}${mark}`);
      continue;
    }
    const arches = [c.nr.x86_64 !== undefined ? 'x86_64' : '', c.nr.arm64 !== undefined ? 'arm64' : ''].filter(Boolean).join('+') || 'no shim number';
    if (c.status === 'missing') out.push(`  ${release.padEnd(9)} missing (${arches})${native}${mark}`);
    else {
      const alt = c.alternatives?.length ? `; also ${c.alternatives.map((x) => `${x.library} (CONFIG_${x.kconfig})`).join(', ')}` : '';
      out.push(`  ${release.padEnd(9)} ${c.status === 'stub' ? `stub: ${c.stub}` : 'implemented'} by ${c.library}, CONFIG_${c.kconfig}, ${c.nargs} args (${arches})${alt}${mark}`);
    }
  }
  if (nrs) out.push(a.since ? `  since ${a.since} (every later shipped release covers it)` : '  no shipped release provides the syscall up to the newest');
  if (a.sinceNative) out.push(`  since ${a.sinceNative} for native builds (as a plain C function${nrs ? ' before the syscall' : ''})`);
  for (const l of a.libc) out.push(`  libc ${l.target} ${l.version}: ${l.built ? 'function built by the port' : 'declared, not built by the port (a Unikraft library must provide it)'}`);
  if (a.prior) out.push(`  Loupe: used by ${a.prior.apps} app workloads; stub ok in ${a.prior.stubOk}, fake ok in ${a.prior.fakeOk}`);
  return out.join('\n') + '\n';
}

function formatLibrary(a: LibraryAnswer): string {
  const out = [`micro-library / Kconfig ${a.name}`];
  for (const r of a.rows) {
    if (!r.library && !r.symbol) {
      out.push(`  ${r.release.padEnd(9)} absent`);
      continue;
    }
    const l = r.library;
    const head = l ? `${l.name} (CONFIG_${l.kconfig || '(always built)'})${l.title ? ` "${l.title}"` : ''}` : `CONFIG_${a.name} in ${r.symbol?.library ?? 'global Kconfig'}${r.symbol?.prompt ? ` "${r.symbol.prompt}"` : ''}`;
    const sel = (l?.select ?? r.symbol?.select ?? []).join(' ');
    const dep = (l?.dependsOn ?? r.symbol?.dependsOn ?? []).join(' ');
    out.push(`  ${r.release.padEnd(9)} ${head}${sel ? `; select ${sel}` : ''}${dep ? `; depends on ${dep}` : ''}; ${r.syscalls.length} syscalls${r.syscalls.length ? `: ${r.syscalls.slice(0, 12).join(' ')}${r.syscalls.length > 12 ? ' …' : ''}` : ''}`);
  }
  if (a.since) out.push(`  since ${a.since}`);
  return out.join('\n') + '\n';
}

/** A Kconfig symbol as the output prints it (`CONFIG_LIBPOSIX_POLL`) names the same thing as without the prefix. */
const kconfigName = (q: string): string => q.replace(/^CONFIG_/, '');

/** `ukport tables show --format json Q`: the raw lookup answers. */
export function showJson(tables: Tables, q: string, dir: string): string {
  const answer = { query: q, syscall: lookupSyscall(tables, q, dir), library: lookupLibrary(tables, kconfigName(q)), sonames: lookupSoname(tables, q) };
  if (!answer.syscall && !answer.library && answer.sonames.length === 0) {
    throw new UkportError('usage', `tables show: '${q}' is no syscall, micro-library, Kconfig symbol or soname in the tables`);
  }
  return JSON.stringify(answer, null, 2) + '\n';
}

/** `ukport tables show Q`: a syscall, a micro-library / Kconfig symbol, or a soname. */
export function formatShow(tables: Tables, q: string, dir: string): string {
  const parts: string[] = [];
  const s = lookupSyscall(tables, q, dir);
  if (s) parts.push(formatSyscall(s));
  const l = lookupLibrary(tables, kconfigName(q));
  if (l) parts.push(formatLibrary(l));
  for (const p of lookupSoname(tables, q)) {
    const stem = p.sonamePattern.replace(/\*$/, '');
    const compat = p.compatibleVersions.map((v) => `${stem}.${v}`).join(', ') || 'none known';
    const verdict = /\.so\.\d/.test(q) ? (isSonameCompatible(p, q) ? `; ${q} is compatible` : `; ${q} is NOT compatible: porting task (version mismatch)`) : '';
    parts.push(`soname ${p.sonamePattern} → ${p.port} (CONFIG_${p.kconfig}), ports upstream ${p.upstreamVersion}; compatible: ${compat}${verdict}\n`);
  }
  if (parts.length === 0) throw new UkportError('usage', `tables show: '${q}' is no syscall, micro-library, Kconfig symbol or soname in the tables`);
  return parts.join('');
}
