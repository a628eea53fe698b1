/* memo: the last answer of a plugin's check() or sql(node) for each node.
 *
 * The canvas validates after every edit, and validation asks every plugin
 * check and every SQL template again.  A plugin function sees only its
 * node (id, inputs, settings: docs/plugins.md, "The node argument"), so
 * while those are unchanged its answer is too, and Lua need not run.  One
 * entry per (type, setting, node id), replaced when the node changes. */
#ifndef WEIR_PLUGIN_MEMO_H
#define WEIR_PLUGIN_MEMO_H

#include <stdbool.h>

#include "model.h"

typedef struct memo memo;

memo *memo_new(void);
void memo_free(memo *m);

/* The remembered answer for t/s (s NULL: sql(node)) on a node equal to n:
 * true with *answer and *error (either may be NULL; copies the caller
 * frees; error itself may be NULL when not wanted), false when there is
 * none. */
bool memo_get(memo *m, const node_type *t, const setting_spec *s, const node *n, char **answer,
              char **error);

/* Remember an answer (answer and error are copied; either may be NULL). */
void memo_put(memo *m, const node_type *t, const setting_spec *s, const node *n, const char *answer,
              const char *error);

#endif
