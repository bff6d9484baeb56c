import { describe, expect, test } from '@jest/globals';
import type { KconfigEntry, UnikraftTable } from '../../src/model/index.js';
import { evalExpr } from '../../src/plan/kconfig-eval.js';
import { checkKconfig, resolveKconfig } from '../../src/plan/kconfig-resolve.js';
import { kconfigWorld, type KconfigWorld } from '../../src/plan/kconfig-world.js';
import { loadTables } from '../../src/data/tables.js';

const e = (over: Partial<KconfigEntry> = {}): KconfigEntry => ({ type: 'bool', prompt: 'x', select: [], imply: [], dependsOn: [], ...over });
function world(entries: Record<string, KconfigEntry>): KconfigWorld {
  return { entries: new Map(Object.entries(entries)), origin: new Map(Object.keys(entries).map((k) => [k, 'unikraft test'])) };
}
const on = (values: Map<string, string>) => [...values].filter(([, v]) => v === 'y').map(([k]) => k).sort();

describe('Kconfig expressions', () => {
  const v = new Map([['A', 'y'], ['B', 'n'], ['S', 'initrd'], ['N', '4']]);
  const val = (s: string) => v.get(s);
  test.each([
    ['A', true], ['!A', false], ['B', false], ['A && !B', true], ['B || A', true], ['(A && B) || !B', true],
    ['UNDEFINED', false], ['!UNDEFINED', true], ['S = "initrd"', true], ['S != initrd', false], ['N >= 4', true], ['N < 4', false],
    ['y', true], ['n', false], ['', true],
  ])('%s → %s', (expr, want) => expect(evalExpr(expr as string, val)).toBe(want));
});

describe('resolveKconfig and checkKconfig on a small world', () => {
  // shaped after lib/ukmmap and lib/posix-mmap (v0.17.0): ukmmap `depends on !LIBPOSIX_MMAP`
  const w = world({
    LIBUKMMAP: e({ dependsOn: ['!LIBPOSIX_MMAP'], select: ['LIBUKALLOC'] }),
    LIBPOSIX_MMAP: e({ dependsOn: ['LIBUKVMEM'] }),
    LIBUKVMEM: e(),
    LIBUKALLOC: e(),
    APP: e({ prompt: undefined, default: 'y', select: ['LIBELF'], imply: ['LIBPOSIX_MMAP', 'LIBUKVMEM'] }),
    LIBELF: e({ dependsOn: ['LIBUKSCHED'] }),
    LIBUKSCHED: e(),
    HIDDEN: e({ prompt: undefined, default: 'y if LIBUKALLOC' }),
    VMM_QEMU: e({ choice: 'VMM' }),
    VMM_FC: e({ choice: 'VMM' }),
  });

  test('select forces a symbol against its dependencies: reported as an unmet dependency', () => {
    const r = resolveKconfig(w, new Map());
    expect(on(r.values)).toEqual(['APP', 'LIBELF', 'LIBPOSIX_MMAP', 'LIBUKVMEM']);
    expect(r.because.get('LIBELF')).toEqual({ how: 'selected', by: 'APP' });
    expect(r.because.get('LIBPOSIX_MMAP')).toEqual({ how: 'implied', by: 'APP' });
    expect(checkKconfig(w, new Map(), r).map((p) => [p.kind, p.symbol])).toEqual([['unmet-dependency', 'LIBELF']]);
  });

  test('a requested library that excludes an implied one is dropped, not both on', () => {
    const req = new Map([['LIBUKMMAP', 'y'], ['LIBUKSCHED', 'y']]);
    const r = resolveKconfig(w, req);
    expect(r.values.get('LIBUKMMAP')).toBe('n');
    expect(checkKconfig(w, req, r)).toEqual([{ kind: 'dropped', symbol: 'LIBUKMMAP', detail: 'CONFIG_LIBUKMMAP=y is dropped: depends on !LIBPOSIX_MMAP does not hold' }]);
    // saying n to the implied one keeps ukmmap (what a defconfig may do)
    const r2 = resolveKconfig(w, new Map([...req, ['LIBPOSIX_MMAP', 'n']]));
    expect(on(r2.values)).toEqual(['APP', 'HIDDEN', 'LIBELF', 'LIBUKALLOC', 'LIBUKMMAP', 'LIBUKSCHED', 'LIBUKVMEM']);
    expect(checkKconfig(w, new Map([...req, ['LIBPOSIX_MMAP', 'n']]))).toEqual([]);
  });

  test('an invisible symbol takes its default whatever is asked; choices hold one member', () => {
    expect(resolveKconfig(w, new Map([['HIDDEN', 'y']])).values.get('HIDDEN')).toBe('n');
    expect(checkKconfig(w, new Map([['VMM_QEMU', 'y'], ['VMM_FC', 'y'], ['LIBUKSCHED', 'y']])).map((p) => p.kind)).toEqual(['choice-conflict']);
    expect(checkKconfig(w, new Map([['NOPE', 'y'], ['LIBUKSCHED', 'y']])).map((p) => [p.kind, p.symbol])).toEqual([['unknown-symbol', 'NOPE']]);
  });
});

describe('on the shipped v0.17.0 table and ports', () => {
  const tables = loadTables();
  const table = tables.unikraft.find((t) => t.release === 'v0.17.0') as UnikraftTable;
  const qemu: [string, string][] = [['ARCH_X86_64', 'y'], ['PLAT_KVM', 'y'], ['KVM_VMM_QEMU', 'y']];

  test('ukmmap and posix-mmap exclude each other (lib/ukmmap/Config.uk: depends on !LIBPOSIX_MMAP)', () => {
    const w = kconfigWorld(table, tables.ports ?? []);
    // posix-mmap itself depends on LIBUKVMEM
    const req = new Map([...qemu, ['LIBUKMMAP', 'y'], ['LIBPOSIX_MMAP', 'y'], ['LIBUKVMEM', 'y']]);
    expect(checkKconfig(w, req).filter((p) => p.kind === 'dropped').map((p) => p.symbol)).toEqual(['LIBUKMMAP']);
  });

  test('app-elfloader brings libelf and posix-mmap by its own Config.uk, and its world only in binary-compat', () => {
    const native = kconfigWorld(table, tables.ports ?? []);
    expect(native.entries.has('APPELFLOADER_DEPENDENCIES')).toBe(false);
    const w = kconfigWorld(table, tables.ports ?? [], { withApplication: 'app-elfloader' });
    const r = resolveKconfig(w, new Map(qemu));
    expect(r.values.get('LIBELF')).toBe('y');
    expect(r.because.get('LIBELF')).toEqual({ how: 'selected', by: 'APPELFLOADER_DEPENDENCIES' });
    expect(r.values.get('LIBPOSIX_MMAP')).toBe('y');
    expect(r.values.get('LIBNOLIBC')).toBe('y');
    expect(r.values.get('LIBMUSL')).toBe('n');
  });

  test('a network plan on qemu gets virtio-net over PCI, on firecracker over MMIO (plat/kvm and drivers/virtio Config.uk)', () => {
    const w = kconfigWorld(table, tables.ports ?? []);
    const net: [string, string][] = [['LIBLWIP', 'y'], ['LWIP_UKNETDEV', 'y'], ['LIBUKNETDEV', 'y'], ['LIBUKNETDEV_EINFO_LIBPARAM', 'y']];
    const q = resolveKconfig(w, new Map([...qemu, ...net])).values;
    const fc = resolveKconfig(w, new Map([['ARCH_X86_64', 'y'], ['PLAT_KVM', 'y'], ['KVM_VMM_FIRECRACKER', 'y'], ...net])).values;
    expect([q.get('LIBVIRTIO_NET'), q.get('LIBVIRTIO_PCI'), q.get('LIBUKLIBPARAM')]).toEqual(['y', 'y', 'y']);
    expect([fc.get('LIBVIRTIO_NET'), fc.get('LIBVIRTIO_MMIO'), fc.get('LIBVIRTIO_PCI')]).toEqual(['y', 'y', 'n']);
  });
});
