#include "idindex.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint32_t hash_id(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

void id_index_init(id_index *ix, size_t expected)
{
    ix->cap = 16;
    while (ix->cap * 3 / 4 < expected + 1)
        ix->cap *= 2;
    ix->n = 0;
    /* Written here rather than calloc'd: a big calloc gets fresh zero pages,
     * which find() would read first and then write, two page faults each
     * (the second a copy-on-write that stops the process's other threads'
     * CPUs to flush their TLBs).  memset makes it one fault a page. */
    ix->slots = xmalloc(ix->cap * sizeof(*ix->slots));
    memset(ix->slots, 0, ix->cap * sizeof(*ix->slots));
}

void id_index_free(id_index *ix)
{
    free(ix->slots);
    memset(ix, 0, sizeof(*ix));
}

/* Put a new id (known absent) with its hash: no string comparison. */
static void put_new(id_index *ix, const char *id, uint32_t hash, uint32_t idx)
{
    size_t mask = ix->cap - 1;
    size_t i = hash & mask;
    while (ix->slots[i].id)
        i = (i + 1) & mask;
    ix->slots[i] = (id_slot){id, hash, idx};
    ix->n++;
}

static void grow(id_index *ix)
{
    id_index bigger;
    id_index_init(&bigger, ix->cap); /* twice the room */
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->slots[i].id)
            put_new(&bigger, ix->slots[i].id, ix->slots[i].hash, ix->slots[i].idx);
    id_index_free(ix);
    *ix = bigger;
}

/* The slot holding id, or the empty slot where it would go. */
static id_slot *find(const id_index *ix, const char *id, uint32_t hash)
{
    size_t mask = ix->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        id_slot *s = &ix->slots[i];
        if (!s->id || (s->hash == hash && strcmp(s->id, id) == 0))
            return s;
    }
}

ptrdiff_t id_index_put(id_index *ix, const char *id, size_t idx)
{
    if (ix->n + 1 > ix->cap * 3 / 4)
        grow(ix);
    uint32_t hash = hash_id(id);
    id_slot *s = find(ix, id, hash);
    if (s->id)
        return (ptrdiff_t)s->idx; /* the first one wins */
    *s = (id_slot){id, hash, (uint32_t)idx};
    ix->n++;
    return -1;
}

ptrdiff_t id_index_get(const id_index *ix, const char *id)
{
    const id_slot *s = find(ix, id, hash_id(id));
    return s->id ? (ptrdiff_t)s->idx : -1;
}

void id_index_build(id_index *ix, const pipeline *p)
{
    id_index_init(ix, p->n_nodes);
    for (size_t i = 0; i < p->n_nodes; i++)
        id_index_put(ix, p->nodes[i].id, i);
}
