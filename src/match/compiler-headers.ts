/**
 * Headers the compiler ships, not the libc (GCC 12's lib/gcc/<target>/12/include: the freestanding headers, the x86
 * intrinsics, the unwinder's): a Unikraft build compiles with the same compiler, so the libc port never lacks them.
 */
const COMPILER_HEADERS = new Set([
  'stdarg.h', 'stddef.h', 'stdbool.h', 'stdatomic.h', 'stdalign.h', 'stdnoreturn.h', 'float.h', 'iso646.h', 'varargs.h',
  'stdint.h', 'limits.h', 'stdfix.h', 'stdint-gcc.h', 'syslimits.h', 'cross-stdarg.h', 'unwind.h', 'cpuid.h', 'cet.h',
  'mm_malloc.h', 'mm3dnow.h', 'gcov.h', 'omp.h', 'openacc.h', 'acc_prof.h',
]);

/** Whether NAME (as written in `#include <NAME>`) is a header the compiler provides. */
export function isCompilerHeader(name: string): boolean {
  return COMPILER_HEADERS.has(name) || /^[a-z0-9_]*intrin\.h$/.test(name) || /^arm_(neon|sve|acle|fp16|bf16)\.h$/.test(name);
}
