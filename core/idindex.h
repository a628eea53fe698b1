/* idindex: a hash from node id to its index in pipeline.nodes, so loading
 * and validating 10,000 nodes stays linear.  Borrows the id strings: rebuild
 * it after the pipeline's nodes change. */
#ifndef WEIR_IDINDEX_H
#define WEIR_IDINDEX_H

#include <stddef.h>

#include "model.h"

typedef struct id_index {
    const char **ids;
    size_t *idx;
    size_t cap, n;
} id_index;

void id_index_init(id_index *ix, size_t expected);
void id_index_build(id_index *ix, const pipeline *p);
void id_index_free(id_index *ix);
void id_index_put(id_index *ix, const char *id, size_t idx); /* first one wins */
ptrdiff_t id_index_get(const id_index *ix, const char *id);  /* -1 when absent */

#endif
