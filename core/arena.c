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

/* A block: memory from malloc, from mmap (huge pages), or lent by the
 * caller (arena_new_in).  The list lives on the heap, not in the blocks:
 * a block lent from a region may go before or after the region's own, and
 * a leak checker sees every heap block from the list. */
typedef struct arena_block {
    char *mem;
    size_t mapped; /* bytes mapped with mmap; 0 when from malloc or lent */
    bool lent;     /* the caller's memory: never freed here */
} arena_block;

struct arena {
    arena_block *blocks; /* every block, oldest first */
    size_t n_blocks, cap_blocks;
    char *next, *end; /* free room in the current block */
    size_t next_size; /* size of the next regular block */
    size_t used;
};

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

static void add_block(arena *a, arena_block b)
{
    if (a->n_blocks == a->cap_blocks) {
        a->cap_blocks = a->cap_blocks ? a->cap_blocks * 2 : 8;
        a->blocks = xrealloc(a->blocks, a->cap_blocks * sizeof(*a->blocks));
    }
    a->blocks[a->n_blocks++] = b;
}

arena *arena_new_in(void *mem, size_t size)
{
    arena *a = arena_new();
    if (!mem || size == 0)
        return a;
    add_block(a, (arena_block){mem, 0, true});
    a->next = mem;
    a->end = (char *)mem + size;
    return a;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_blocks; i++) {
        arena_block *b = &a->blocks[i];
        if (b->lent)
            continue;
        if (b->mapped)
            munmap(b->mem, b->mapped);
        else
            free(b->mem);
    }
    free(a->blocks);
    free(a);
}

/* A block of size bytes. */
static arena_block block_alloc(size_t size)
{
#ifdef MADV_HUGEPAGE
    if (size >= HUGE_PAGE) {
        size_t mapped = (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
        /* Map one huge page more, to cut a 2 MiB-aligned run out of it. */
        char *map = mmap(NULL, mapped + HUGE_PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map != MAP_FAILED) {
            char *start = (char *)(((uintptr_t)map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
            if (start > map)
                munmap(map, (size_t)(start - map));
            if (start + mapped < map + mapped + HUGE_PAGE)
                munmap(start + mapped, (size_t)(map + mapped + HUGE_PAGE - (start + mapped)));
            madvise(start, mapped, MADV_HUGEPAGE); /* a hint: failure is harmless */
            return (arena_block){start, mapped, false};
        }
    }
#endif
    return (arena_block){xmalloc(size), 0, false};
}

/* Room for size bytes in a new block; returns the start of that room. */
static char *new_block(arena *a, size_t size)
{
    size_t total = a->next_size;
    bool own = size > total / 4;
    if (own)
        total = size; /* a block of its own; the current block stays in use */
    arena_block b = block_alloc(total);
    add_block(a, b);
    if (own && a->next)
        return b.mem;
    a->next = b.mem;
    a->end = b.mem + total;
    if (!own && a->next_size < LARGEST_BLOCK)
        a->next_size *= 2;
    return b.mem;
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
    for (size_t i = 0; i < from->n_blocks; i++)
        add_block(into, from->blocks[i]);
    if (!into->next) { /* into had no room: take from's */
        into->next = from->next;
        into->end = from->end;
    }
    into->used += from->used;
    free(from->blocks);
    free(from);
}

size_t arena_used(const arena *a)
{
    return a->used;
}
