import type { Verification } from '../model/index.js';

/** The one-line result: `verified running on v0.17.0 with probe tcp:8080`, or the first stage that failed and why. */
export function verificationSummary(v: Verification): string {
  const failed = v.stages.find((s) => !s.ok);
  const firstProblem = v.buildProblems[0];
  const unpredicted = v.syscalls?.unpredicted.length ? `; ${v.syscalls.unpredicted.length} syscall(s) seen at run time were not predicted` : '';
  switch (v.outcome) {
    case 'verified': {
      const how = v.probe ? `with probe ${v.probe.spec}` : 'with the expected output';
      return `verified running on ${v.release} ${how}${unpredicted}`;
    }
    case 'booted':
      return `booted on ${v.release} (qemu ${v.boot?.end}); no probe or expected output was given${unpredicted}`;
    case 'probe-failed':
      return `booted on ${v.release} but ${v.probe ? `probe ${v.probe.spec} failed: ${v.probe.detail}` : 'the expected output did not appear'}${unpredicted}`;
    case 'boot-failed':
      return `built on ${v.release} but did not run: ${v.boot?.crash ?? failed?.detail ?? 'boot failed'}${unpredicted}`;
    case 'build-failed':
      return `Unikraft ${v.release} build failed${firstProblem ? `: ${firstProblem.kind} ${firstProblem.symbol ?? firstProblem.message}` : failed?.detail ? `: ${failed.detail}` : ''}`;
    case 'config-failed':
      return `make olddefconfig failed on ${v.release}${failed?.detail ? `: ${failed.detail}` : ''}`;
    case 'missing-sources':
      return `not built: ${failed?.detail ?? 'sources missing'}`;
  }
}

/** The verification as text lines for the terminal (no colour: the CLI adds none here). */
export function verificationText(v: Verification): string {
  const lines = [`Verification: ${v.summary}`];
  for (const s of v.stages) lines.push(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.stage.padEnd(9)} ${String(s.seconds).padStart(6)} s${s.log ? `  ${s.log}` : ''}${s.detail ? `  ${s.detail}` : ''}`);
  for (const a of v.adjustments) lines.push(`  test VM: ${a}`);
  if (v.buildProblems.length) {
    lines.push('Build problems:');
    for (const p of v.buildProblems.slice(0, 20)) {
      const plan = [p.planEntry && `plan: ${p.planEntry}`, p.planStatus, p.provider && `provided by ${p.provider}`].filter(Boolean).join(', ');
      lines.push(`  ${p.kind}${p.symbol ? ` ${p.symbol}` : ''}${plan ? ` (${plan})` : ''}`, `    ${p.message}`);
    }
  }
  if (v.boot) {
    lines.push(`Boot: qemu ${v.boot.accel}, ${v.boot.end}${v.boot.crash ? `, crash: ${v.boot.crash}` : ''}`);
    if (v.boot.output.length) lines.push('  app output:', ...v.boot.output.slice(0, 10).map((l) => `    ${l}`));
  }
  if (v.probe) lines.push(`Probe ${v.probe.spec}: ${v.probe.ok ? 'answered' : 'FAILED'} (${v.probe.detail})`);
  const s = v.syscalls;
  if (s) {
    lines.push(`Syscalls at run time (${s.tracing}): ${s.observed.length} seen, ${s.observed.filter((o) => o.notAvailable).length} not available`);
    const na = s.observed.filter((o) => o.notAvailable).map((o) => o.name);
    if (na.length) lines.push(`  not available: ${na.join(' ')}`);
    if (s.unpredicted.length) lines.push(`  SOUNDNESS BUG: seen at run time but not predicted: ${s.unpredicted.join(' ')}`);
    else lines.push('  every syscall seen at run time was predicted');
    if (s.gaps.length) {
      lines.push(`  predicted gaps hit: ${s.gaps.filter((g) => g.hit).map((g) => g.name).join(' ') || '(none)'}`);
      lines.push(`  predicted gaps not hit: ${s.gaps.filter((g) => !g.hit).map((g) => g.name).join(' ') || '(none)'}`);
    }
  }
  return lines.join('\n') + '\n';
}
