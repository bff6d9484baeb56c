const d = process.argv[2] ?? '/work/wt/reach/dist';
const { loadElf, resolveLibraries, resolveDlopen } = await import(d + '/extract/elf/resolve-libraries.js');
const { extractSyscalls } = await import(d + '/extract/syscalls.js');
for (const p of process.argv.slice(3)) {
  const t0 = Date.now();
  const main = loadElf(p);
  const closure = resolveLibraries([main], {});
  const r = extractSyscalls(main, closure, { mode: 'binary-compat', noCache: true, resolveDlopen: (n, f) => resolveDlopen(n, f, main, {}) });
  const u = r.facts.filter((f) => f.kind === 'unknown');
  const dec = u.filter((x) => x.reason === 'decode-error');
  console.log(p, 'syscalls', r.facts.filter((f) => f.kind === 'syscall').length, 'unknowns', u.length, 'decode-error', dec.length, ((Date.now() - t0) / 1000).toFixed(1) + 's');
  console.log(dec.map((x) => x.evidence.map((e) => e.artifact.split('/').pop() + '@' + e.address + ' ' + (e.function ?? '')).join(',')).join('\n'));
}
