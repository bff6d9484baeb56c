import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/tools.js';

/** A fixture app as its oracles describe it. */
export interface AppDescription {
  /** Syscalls the program itself makes (strace of the static musl build, minus musl start-up and exit). */
  syscalls: string[];
  /** Undefined symbols of the object file (`nm -u`): the libc functions it calls. */
  calls: string[];
  /** `#include <…>` lines of the source. */
  headers: string[];
  /** Absolute paths in the source's string literals. */
  strings?: string[];
  /** The first argument of its socket() call, as written in the source. */
  socketFamily?: string;
}

// fixtures/plan-apps, as checked against strace / nm / the source by fixture-apps.test.ts
export const EPOLL: AppDescription = {
  syscalls: ['socket', 'epoll_create1', 'bind', 'listen', 'epoll_ctl', 'epoll_pwait', 'ioctl', 'writev', 'close'],
  calls: ['bind', 'close', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'htonl', 'listen', 'printf', 'socket'],
  headers: ['arpa/inet.h', 'netinet/in.h', 'stdio.h', 'sys/epoll.h', 'sys/socket.h', 'unistd.h'],
  socketFamily: 'AF_INET',
};
export const PLAIN: AppDescription = {
  syscalls: ['open', 'ioctl', 'writev'],
  calls: ['fclose', 'fgets', 'fopen', 'printf', 'strlen'],
  headers: ['stdio.h', 'string.h'],
  strings: ['/etc/plain-app.conf'],
};

/** Syscall names strace saw for BINARY (run with no arguments), in order of first use. */
export function straceSyscalls(binary: string): string[] {
  const out = join(ROOT, 'fixtures', 'build', 'plan-apps', `${binary.split('/').pop()}.strace`);
  execFileSync('strace', ['-qq', '-o', out, binary], { stdio: 'ignore' });
  const names = readFileSync(out, 'utf8').split('\n').map((l) => /^([a-z0-9_]+)\(/.exec(l)?.[1]).filter((n): n is string => !!n);
  return [...new Set(names)];
}

/** Undefined symbols of an object file (`nm -u`). */
export function undefinedSymbols(object: string): string[] {
  return execFileSync('nm', ['-u', object], { encoding: 'utf8' }).split('\n').map((l) => l.trim().split(/\s+/).pop()!).filter(Boolean).sort();
}

/** `#include <x>` names of a C source. */
export function includedHeaders(source: string): string[] {
  return [...readFileSync(source, 'utf8').matchAll(/^#include <([^>]+)>/gm)].map((m) => m[1]!).sort();
}
