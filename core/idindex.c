#include "idindex.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static size_t hash_id(const char *s)
{
    size_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void id_index_init(id_index *ix, size_t expected)
{
    ix->cap = 16;
    while (ix->cap < expected * 2)
        ix->cap *= 2;
    ix->n = 0;
    ix->ids = xcalloc(ix->cap, sizeof(*ix->ids));
    ix->idx = xcalloc(ix->cap, sizeof(*ix->idx));
}

void id_index_free(id_index *ix)
{
    free(ix->ids);
    free(ix->idx);
    memset(ix, 0, sizeof(*ix));
}

static void grow(id_index *ix)
{
    id_index bigger;
    id_index_init(&bigger, ix->cap);
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->ids[i])
            id_index_put(&bigger, ix->ids[i], ix->idx[i]);
    id_index_free(ix);
    *ix = bigger;
}

void id_index_put(id_index *ix, const char *id, size_t idx)
{
    if ((ix->n + 1) * 2 > ix->cap)
        grow(ix);
    size_t mask = ix->cap - 1;
    for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
        if (!ix->ids[i]) {
            ix->ids[i] = id;
            ix->idx[i] = idx;
            ix->n++;
            return;
        }
        if (strcmp(ix->ids[i], id) == 0)
            return;
    }
}

ptrdiff_t id_index_get(const id_index *ix, const char *id)
{
    size_t mask = ix->cap - 1;
    for (size_t i = hash_id(id) & mask; ix->ids[i]; i = (i + 1) & mask)
        if (strcmp(ix->ids[i], id) == 0)
            return (ptrdiff_t)ix->idx[i];
    return -1;
}

void id_index_build(id_index *ix, const pipeline *p)
{
    id_index_init(ix, p->n_nodes);
    for (size_t i = 0; i < p->n_nodes; i++)
        id_index_put(ix, p->nodes[i].id, i);
}
