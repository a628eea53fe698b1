/* idindex: a hash from node id to its index in pipeline.nodes, so loading
 * and validating 10,000 nodes stays linear.  Borrows the id strings: rebuild
 * it after the pipeline's nodes change. */
#ifndef WEIR_IDINDEX_H
#define WEIR_IDINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* One slot of the open-addressing table; id NULL when empty.  (32 bits of)
 * the hash is kept so that a probe compares strings only when the hashes
 * match: the strings live elsewhere, and each strcmp was a cache miss.
 * 16 bytes a slot, the table at most 3/4 full: 10,000 ids take 256 KiB. */
typedef struct id_slot {
    const char *id;
    uint32_t hash;
    uint32_t idx;
} id_slot;

typedef struct id_index {
    id_slot *slots;
    size_t cap, n;
} id_index;

void id_index_init(id_index *ix, size_t expected);
void id_index_build(id_index *ix, const pipeline *p);
void id_index_free(id_index *ix);
/* Add id -> idx and return -1; when id is there already, keep it (the
 * first one wins) and return its index. */
ptrdiff_t id_index_put(id_index *ix, const char *id, size_t idx);
ptrdiff_t id_index_get(const id_index *ix, const char *id); /* -1 when absent */

#endif
