/* luapattern: worst-case step estimate for Lua pattern matching (see
 * luapattern.c for the model).  Used by the sandbox to refuse catastrophic
 * patterns before the C matcher, which no hook can interrupt, starts. */
#ifndef WEIR_LUAPATTERN_H
#define WEIR_LUAPATTERN_H

#include <stdbool.h>
#include <stddef.h>

/* Estimated worst-case steps to match pattern p (lp bytes) against an
 * n-byte subject.  anchor_allowed: a leading ^ anchors (false for gmatch). */
double luapattern_cost(const char *p, size_t lp, size_t n, bool anchor_allowed);

#endif
