#include "arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

/* Blocks double from 64 KiB up to 4 MiB, so a small file costs one small
 * block and a big one a handful of blocks; a piece larger than a quarter
 * of the next block gets a block of its own (it would waste the rest). */
enum { FIRST_BLOCK = 64 * 1024, LARGEST_BLOCK = 4 * 1024 * 1024 };

/* Blocks of 2 MiB and more are mapped on a 2 MiB boundary and offered to
 * the kernel for transparent huge pages: a 10,000-node pipeline.yaml fills
 * some 8 MiB of blocks, and touching that memory 4 KiB page by page was
 * 2,000 page faults, the largest cost of building the tree after libyaml
 * itself.  Where huge pages are off, these are ordinary pages. */
enum { HUGE_PAGE = 2 * 1024 * 1024 };

typedef struct arena_block {
    struct arena_block *prev;
    size_t mapped; /* bytes mapped with mmap; 0 when from malloc */
    /* the pieces follow, from a max_align_t boundary */
} arena_block;

struct arena {
    arena_block *last; /* blocks, newest first through prev */
    char *next, *end;  /* free room in the newest block */
    size_t next_size;  /* size of the next regular block, header included */
    size_t used;
};

enum { HEADER = (sizeof(arena_block) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1) };

arena *arena_new(void)
{
    return arena_new_expecting(0);
}

arena *arena_new_expecting(size_t expected)
{
    arena *a = xcalloc(1, sizeof(*a));
    a->next_size = FIRST_BLOCK;
    while (a->next_size < expected && a->next_size < LARGEST_BLOCK)
        a->next_size *= 2;
    return a;
}

static void block_free(arena_block *b)
{
    if (b->mapped)
        munmap(b, b->mapped);
    else
        free(b);
}

void arena_free(arena *a)
{
    if (!a)
        return;
    for (arena_block *b = a->last; b;) {
        arena_block *prev = b->prev;
        block_free(b);
        b = prev;
    }
    free(a);
}

/* A block of total bytes (header included). */
static arena_block *block_alloc(size_t total)
{
#ifdef MADV_HUGEPAGE
    if (total >= HUGE_PAGE) {
        size_t size = (total + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
        /* Map one huge page more, to cut a 2 MiB-aligned run out of it. */
        char *map = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map != MAP_FAILED) {
            char *start = (char *)(((uintptr_t)map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
            if (start > map)
                munmap(map, (size_t)(start - map));
            if (start + size < map + size + HUGE_PAGE)
                munmap(start + size, (size_t)(map + size + HUGE_PAGE - (start + size)));
            madvise(start, size, MADV_HUGEPAGE); /* a hint: failure is harmless */
            arena_block *b = (arena_block *)start;
            b->mapped = size;
            return b;
        }
    }
#endif
    arena_block *b = xmalloc(total);
    b->mapped = 0;
    return b;
}

/* Room for size bytes in a new block; returns the start of that room. */
static char *new_block(arena *a, size_t size)
{
    size_t total = a->next_size;
    bool own = size > (total - HEADER) / 4;
    if (own)
        total = HEADER + size; /* a block of its own; the current block stays in use */
    arena_block *b = block_alloc(total);
    char *room = (char *)b + HEADER;
    if (own && a->last) {
        /* Keep the newest block (and its free room) newest: link this one
         * behind it. */
        b->prev = a->last->prev;
        a->last->prev = b;
        return room;
    }
    b->prev = a->last;
    a->last = b;
    a->next = room;
    a->end = (char *)b + total;
    if (!own && a->next_size < LARGEST_BLOCK)
        a->next_size *= 2;
    return room;
}

static void *bump(arena *a, size_t size, size_t align)
{
    a->used += size;
    uintptr_t at = ((uintptr_t)a->next + (align - 1)) & ~(uintptr_t)(align - 1);
    if (a->next && at + size <= (uintptr_t)a->end) {
        a->next = (char *)at + size;
        return (void *)at;
    }
    char *room = new_block(a, size);
    if (a->next == room) /* a regular block: the piece is its first */
        a->next += size;
    return room;
}

void *arena_alloc(arena *a, size_t size)
{
    return bump(a, size ? size : 1, sizeof(void *));
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = bump(a, n + 1, 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_adopt(arena *into, arena *from)
{
    if (!from)
        return;
    if (from->last) {
        /* Link from's blocks behind into's newest, which keeps its free
         * room for into's next pieces. */
        arena_block *oldest = from->last;
        while (oldest->prev)
            oldest = oldest->prev;
        if (into->last) {
            oldest->prev = into->last->prev;
            into->last->prev = from->last;
        } else {
            into->last = from->last;
            into->next = from->next;
            into->end = from->end;
        }
    }
    into->used += from->used;
    free(from);
}

size_t arena_used(const arena *a)
{
    return a->used;
}
