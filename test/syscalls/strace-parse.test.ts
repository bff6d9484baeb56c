import { describe, expect, test } from '@jest/globals';
import { parseStrace } from './helpers.js';

// The oracle's parser: what counts as a syscall the program made.
describe('parseStrace', () => {
  test('the first execve (strace starting the program) and the kernel-made restart_syscall are not the program\'s', () => {
    const log = [
      '100 execve("/bin/x", ["x"], 0x7ffd /* 3 vars */) = 0',
      '100 nanosleep({tv_sec=1, tv_nsec=0},  <unfinished ...>',
      '100 --- SIGCHLD {si_signo=SIGCHLD} ---',
      '100 restart_syscall(<... resuming interrupted nanosleep ...>) = 0',
      '[pid   101] <... read resumed>"a", 1) = 1',
      '100 exit_group(0) = ?',
      '100 +++ exited with 0 +++',
    ].join('\n');
    expect([...parseStrace(log)].sort()).toEqual(['exit_group', 'nanosleep', 'read']);
  });
});
