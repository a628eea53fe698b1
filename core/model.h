/* model: the in-memory pipeline — metadata, nodes, edges (as inputs) and
 * canvas positions.  No I/O here: load.c fills it from a folder, the
 * writer in codegen/ turns it back into canonical files, validate.c checks
 * it.  A pipeline owns its nodes; a node owns its strings and settings.
 *
 * Positions (src_pos) point into pipeline.yaml / layout.yaml and are zero
 * for anything made in the TUI, so diagnostics fall back to the node id. */
#ifndef WEIR_MODEL_H
#define WEIR_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "nodetypes.h"
#include "value.h"

enum { WEIR_FORMAT_VERSION = 1, WEIR_LAYOUT_VERSION = 1 };

typedef struct node {
    char *id;
    node_kind kind;
    char *type;        /* type name within its kind; may be unknown */
    char *description; /* NULL when none */
    char **inputs;     /* ids of upstream nodes, in the order written */
    src_pos *input_pos;
    size_t n_inputs;
    value settings; /* VALUE_MAP of the type's settings, keys in file order */

    src_pos pos; /* the id key in pipeline.yaml */
    src_pos type_pos;
    src_pos inputs_pos; /* the inputs key */

    bool has_xy; /* canvas position from layout.yaml */
    int x, y;
    src_pos xy_pos;

    /* Comments ('#' lines, see value.comment): above the id key, above its
     * type, description and inputs keys (comments inside the inputs list
     * included), and above the id in layout.yaml's positions (with those
     * of its x and y).  A setting's comments stay on its key in settings. */
    char *comment;
    char *type_comment, *description_comment, *inputs_comment;
    char *layout_comment;
} node;

/* The metadata keys, in canonical order (pipeline.meta_comment). */
enum { META_NAME, META_VERSION, META_OWNER, META_DESCRIPTION, META_TAGS, META_KEY_COUNT };

typedef struct pipeline {
    char *dir;        /* the folder it was loaded from / is saved to */
    long long format; /* the `weir:` format version */
    char *name;
    long long version;
    char *owner;       /* NULL when none */
    char *description; /* NULL when none */
    char **tags;
    size_t n_tags;
    node *nodes; /* in the order read: sources, transforms, sinks */
    size_t n_nodes, cap_nodes;
    bool has_layout; /* layout.yaml existed */

    /* Comments (docs/format.md, "Comments"), each NULL when none. */
    char *head_comment;                     /* above `weir:` (the file's first lines) */
    char *pipeline_comment;                 /* above `pipeline:` */
    char *meta_comment[META_KEY_COUNT];     /* above name, version, owner, ... */
    char *section_comment[NODE_KIND_COUNT]; /* above sources:, transforms:, sinks: */
    char *tail_comment;                     /* after the last key of pipeline.yaml */
    char *layout_head_comment;              /* layout.yaml: above `weir:` */
    char *layout_positions_comment;         /* above `positions:` */
    char *layout_tail_comment;              /* after the last key of layout.yaml */

    /* The arena of the pipeline.yaml tree it was loaded from, which the
     * nodes' settings borrow (value.in_arena): freed by pipeline_free.
     * NULL for a pipeline made or copied in memory. */
    struct arena *mem;
} pipeline;

void pipeline_init(pipeline *p);
void pipeline_free(pipeline *p);
void pipeline_copy(pipeline *dst, const pipeline *src); /* deep copy */

node *pipeline_find(const pipeline *p, const char *id);
ptrdiff_t pipeline_index_of(const pipeline *p, const char *id); /* -1 when absent */

/* Append a node with the given id, kind and type; returns it.  The pointer
 * stays valid until the next add or remove. */
node *pipeline_add_node(pipeline *p, const char *id, node_kind kind, const char *type);
void pipeline_remove_node(pipeline *p, const char *id); /* also drops edges into others */

/* Nodes sorted by (kind, id): the canonical order.  Caller frees the array. */
const node **pipeline_sorted_nodes(const pipeline *p);

void node_free(node *n);
void node_copy(node *dst, const node *src);
void node_add_input(node *n, const char *id);
bool node_remove_input(node *n, const char *id);
bool node_has_input(const node *n, const char *id);

const value *node_setting(const node *n, const char *key);
const char *node_setting_text(const node *n, const char *key); /* scalar text or NULL */
void node_set_setting(node *n, const char *key, const char *text);
void node_unset_setting(node *n, const char *key);

/* True when the id is a lowercase identifier usable as a SQL table and a
 * file name: [a-z][a-z0-9_]*, at most 63 bytes, not a SQL keyword. */
bool node_id_valid(const char *id, const char **why);

#endif
