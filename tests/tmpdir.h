/* tmpdir: a fresh folder for one test, under $TMPDIR (default /tmp), shared
 * by every test program so they all honour TMPDIR the same way. */
#ifndef WEIR_TESTS_TMPDIR_H
#define WEIR_TESTS_TMPDIR_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* Make PREFIX-XXXXXX under $TMPDIR into buf; false when it cannot. */
static inline bool test_mkdtemp(char *buf, size_t size, const char *prefix)
{
    const char *base = getenv("TMPDIR");
    int n = snprintf(buf, size, "%s/%s-XXXXXX", base && *base ? base : "/tmp", prefix);
    return n > 0 && (size_t)n < size && mkdtemp(buf) != NULL;
}

#endif
