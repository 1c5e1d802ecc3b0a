/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rapl_shim.h - the kernel types and helpers kmod/rapl_math.h uses, for
 * building it in user space (tests/unit/check_rapl.c).
 */
#ifndef _GPUMON_RAPL_SHIM_H
#define _GPUMON_RAPL_SHIM_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#ifndef U32_MAX
#define U32_MAX		((u32)~0U)
#endif
#ifndef U64_MAX
#define U64_MAX		((u64)~0ULL)
#endif

/* As include/linux/math64.h; a zero divisor is a bug there too. */
static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

#endif /* _GPUMON_RAPL_SHIM_H */
