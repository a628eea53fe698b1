/* value: a small positioned document tree (scalar, list, map).
 *
 * It is what the YAML reader produces and what a node's settings hold, so
 * every setting keeps the line and column it came from.
 *
 * Ownership.  A value owns its strings (text, comment) and its key and
 * item arrays -- unless in_arena is set: then that storage lives in an
 * arena (core/arena.h) that someone else frees in one go, the YAML reader's
 * document (yaml_read.h) or the pipeline that borrowed its settings from
 * one (model.h).  Children carry their own flag.  The functions below
 * respect the flag: value_free never frees arena storage (it still frees
 * heap children put into an arena map), value_copy always makes heap
 * copies, and value_list_push first moves an arena list's arrays to the
 * heap so that it can grow them. */
#ifndef WEIR_VALUE_H
#define WEIR_VALUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct src_pos {
    int line, col; /* 1-based; 0 = not from a file */
} src_pos;

typedef enum { VALUE_SCALAR, VALUE_LIST, VALUE_MAP } value_kind;

/* Fields ordered so that a value is 64 bytes: the 1.2 MB benchmark
 * pipeline.yaml is about 110,000 of them. */
typedef struct value {
    value_kind kind;
    bool quoted;   /* VALUE_SCALAR written quoted in the source, so always a string */
    bool in_arena; /* text, comment, keys and items are arena storage (above) */
    bool flow;     /* VALUE_MAP, VALUE_LIST read in flow style ({...}, [...]) */
    src_pos pos;
    /* VALUE_SCALAR */
    char *text;
    size_t len;
    /* VALUE_LIST: items[n]; VALUE_MAP: keys[n] (scalars) -> items[n] */
    size_t n;
    struct value *keys;
    struct value *items;
    /* The '#' comments that belong to this value (core/comments.h): on a
     * map key, the lines above the key; on a document's root, the lines
     * after its last key.  Text after each '#', lines joined by '\n';
     * NULL when none. */
    char *comment;
} value;

void value_free(value *v); /* frees children and strings, not v itself */
void value_copy(value *dst, const value *src);
bool value_equal(const value *a, const value *b); /* ignores positions and comments */
/* value_equal, and the same positions, quoting, flow style and comments. */
bool value_identical(const value *a, const value *b);

void value_set_scalar(value *v, const char *text); /* v must be freed/empty */
void value_init_list(value *v);
void value_init_map(value *v);
value *value_list_push(value *list);               /* returns new empty item */
value *value_map_put(value *map, const char *key); /* replaces if present */
const value *value_map_get(const value *map, const char *key);
const char *value_kind_name(value_kind kind);

/* Scalar interpretation, YAML 1.2 core schema style.  Return false when the
 * scalar is not of that form. */
bool value_as_int(const value *v, long long *out);
bool value_as_number(const value *v, double *out);
bool value_as_bool(const value *v, bool *out);
bool value_is_null(const value *v);

#endif
