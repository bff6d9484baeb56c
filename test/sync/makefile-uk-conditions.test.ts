import { describe, expect, test } from '@jest/globals';
import { parseMakefileUk } from '../../src/sync/makefile-uk.js';

// unikraft/unikraft RELEASE-0.16.3 (e453b74a2e78a0de98563d75d8e0a97e668088e6) lib/posix-futex/Makefile.uk lines 13-16
// and lib/vfscore/Makefile.uk's getdents line (inside ifeq ($(CONFIG_LIBVFSCORE_NONLARGEFILE),y))
const FUTEX = `UK_PROVIDED_SYSCALLS-$(CONFIG_LIBPOSIX_FUTEX) += futex-6
ifeq ($(CONFIG_LIBPOSIX_PROCESS_CLONE),y)
UK_PROVIDED_SYSCALLS-$(CONFIG_LIBPOSIX_FUTEX) += set_tid_address-1
endif
`;

describe('Makefile.uk conditionals around UK_PROVIDED_SYSCALLS', () => {
  test("posix-futex's set_tid_address is provided only with LIBPOSIX_PROCESS_CLONE; futex always", () => {
    const mk = parseMakefileUk(FUTEX);
    expect(mk.provided.map((p) => [p.name, p.kconfig, p.requires])).toEqual([
      ['futex', 'LIBPOSIX_FUTEX', undefined], ['set_tid_address', 'LIBPOSIX_FUTEX', ['LIBPOSIX_PROCESS_CLONE']]]);
  });

  test('ifneq, ifdef, else and nesting; a test on something else is not a requirement', () => {
    const mk = parseMakefileUk(`ifdef CONFIG_A
ifneq ($(CONFIG_B),y)
UK_PROVIDED_SYSCALLS-$(CONFIG_L) += one-1
else
UK_PROVIDED_SYSCALLS-$(CONFIG_L) += two-2
endif
ifneq ($(filter y,$(CONFIG_C) $(CONFIG_D)),)
UK_PROVIDED_SYSCALLS-$(CONFIG_L) += three-3
endif
endif
UK_PROVIDED_SYSCALLS-$(CONFIG_L) += four-4
`);
    expect(Object.fromEntries(mk.provided.map((p) => [p.name, p.requires ?? []]))).toEqual({
      one: ['A', '!B'], two: ['A', 'B'], three: ['A'], four: [] });
  });
});
