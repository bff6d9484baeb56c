import { describe, expect, test } from '@jest/globals';
import { findDeclarations, findDefinitions, listPortSources, syncLibc } from '../../src/sync/libc.js';

const TREE = new URL('../../fixtures/libc-tree/', import.meta.url).pathname;

describe('syncLibc on a fixture newlib port', () => {
  test('functions = declared in the include path ∩ defined by listed sources; headers with port-only ones flagged', async () => {
    const t = await syncLibc('newlib', TREE + 'lib-newlib', TREE + 'newlib');
    expect(t.version).toBe('2.5.0.20170922');
    // floor: declared through newlib's `_PARAMS` form and defined in a listed libm source
    expect(t.functions).toEqual(['floor', 'getmntent', 'printf', 'strcpy']);
    // scanf's source is commented out, strdup/strchrnul/ceil have no listed source; read/epoll_* come from Unikraft libraries
    expect(t.declaredNotBuilt).toEqual(['ceil', 'epoll_create', 'epoll_create1', 'read', 'scanf', 'strchrnul', 'strdup']);
    expect(t.headers).toEqual(['math.h', 'stdio.h', 'string.h', 'sys/epoll.h', 'sys/unistd.h']);
    expect(t.portHeaders).toEqual(['sys/epoll.h', 'sys/unistd.h']);
    expect(t.glue).toEqual(['getmntent']);
  });

  test('source lists: variables expanded, |suffix dropped, duplicates merged, comments skipped', () => {
    const srcs = listPortSources(TREE + 'lib-newlib', { LIBNEWLIB_LIBC: '/up/libc', LIBNEWLIB_LIBM: '/up/libm', LIBNEWLIBC_BASE: '/port' });
    expect(srcs).toEqual(['/port/mntent.c', '/up/libc/string/strcpy.c', '/up/libc/stdio/printf.c', '/up/libm/math/s_floor.c']);
  });

  test('definitions: aliases and assembly globals; declarations skip reserved names', async () => {
    expect([...await findDefinitions('int __x(void) { return 0; }\nweak_alias(__x, x);\nstatic int y(void) { return 1; }\n', false)].sort()).toEqual(['__x', 'x']);
    expect([...await findDefinitions('.global memcpy\n.type memcpy,@function\nmemcpy:\n', true)]).toEqual(['memcpy']);
    // the return type on the line before the name, after a macro that derails the parser (as in musl's regcomp.c)
    const derailed = [
      '#define declare_pop(tag, type) \\', '  static type pop_ ## tag(struct stack *s) \\', '  { return s->v[--s->n].tag; }',
      'declare_pop(voidptr, void *)', 'static int', 'helper(int x)', '{', '\treturn x;', '}', 'int', 'compile_it(struct re *restrict r, const char *restrict text, int flags)', '{', '\treturn helper(flags);', '}', '',
    ].join('\n');
    expect([...await findDefinitions(derailed, false)]).toContain('compile_it');
    expect([...await findDefinitions(derailed, false)]).not.toContain('helper');
    expect([...await findDeclarations('void *memcpy (void *__restrict, const void *__restrict, size_t);\nint __internal(void);\nint (*signal_handler)(int);\n')]).toEqual(['memcpy']);
  });
});
