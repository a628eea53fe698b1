/* arena: a bump allocator for many small pieces freed all at once.
 *
 * A parsed YAML document is some 100,000 small values and strings that
 * are made together and die together.  Allocating them one by one with
 * malloc, then freeing them one by one, was a third of `weir validate`'s
 * time on a 10,000-node pipeline, and scattered them over thousands of
 * pages.  An arena hands out consecutive pieces of a few large blocks and
 * frees the blocks in one go (bench/README.md, "validate and fmt").
 *
 * Memory from an arena belongs to the arena: never free() or realloc() a
 * piece of it; arena_free releases everything.  Never returns NULL (weir
 * aborts on out-of-memory, like xmalloc). */
#ifndef WEIR_ARENA_H
#define WEIR_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
/* An arena that expects to hand out about `expected` bytes: its first
 * block is sized for them (up to the largest block size), so a big
 * document starts on huge pages instead of growing to them. */
arena *arena_new_expecting(size_t expected);
void arena_free(arena *a); /* NULL is fine */

/* An arena that hands out [mem, mem + size) first (mem aligned for any
 * pointer; NULL: none), then blocks of its own: for pieces of one document
 * that share a region of huge pages (yaml_split.c).  The region stays the
 * caller's: arena_free frees only the arena's own blocks. */
arena *arena_new_in(void *mem, size_t size);

/* size bytes aligned for any pointer or size_t field; contents undefined. */
void *arena_alloc(arena *a, size_t size);

/* A NUL-terminated copy of s[0..n) (s need not be NUL-terminated). */
char *arena_strndup(arena *a, const char *s, size_t n);

/* Move every block of `from` into `into` and free `from`: what was
 * allocated from either now lives until arena_free(into). */
void arena_adopt(arena *into, arena *from);

/* Bytes handed out so far (for tests and the benchmark). */
size_t arena_used(const arena *a);

#endif
