/* pvtable: the result table of a preview — typed columns and rows of cells —
 * and the column type lattice used to infer types.
 *
 * A table is reference counted: the engine's cache holds one reference and
 * every result handed out holds another, so the TUI can keep showing a table
 * while the engine reruns.  Cells point into the table's own string arena;
 * a table owns every string in it.  A table is immutable once published
 * (refs > 1), so several threads may read it. */
#ifndef WEIR_PVTABLE_H
#define WEIR_PVTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Column types: what a source schema declares or inference finds.  NULL is
 * the type of a column that held only NULLs. */
typedef enum {
    PV_TYPE_NULL,
    PV_TYPE_BOOLEAN,
    PV_TYPE_INTEGER,
    PV_TYPE_REAL,
    PV_TYPE_TEXT,
    PV_TYPE_TIMESTAMP, /* ISO-8601 text */
    PV_TYPE_JSON,      /* JSON object or array, as text */
} pv_type;

/* What one cell holds.  Timestamps are PV_TEXT cells in a timestamp column. */
typedef enum { PV_NULL, PV_BOOL, PV_INT, PV_REAL, PV_TEXT, PV_JSON } pv_kind;

typedef struct pv_cell {
    uint8_t kind; /* pv_kind */
    uint32_t len; /* PV_TEXT / PV_JSON: bytes, not counting the NUL */
    union {
        long long i; /* PV_INT; PV_BOOL is 0 or 1 */
        double r;
        const char *s; /* NUL-terminated, in the table's arena */
    } v;
} pv_cell;

typedef struct pv_column {
    char *name;
    pv_type type;
} pv_column;

/* A schema: column names and types, owned (free with pv_schema_free). */
typedef struct pv_schema {
    pv_column *cols;
    size_t n;
} pv_schema;

typedef struct pv_arena_chunk pv_arena_chunk;

typedef struct pv_table {
    pv_column *cols;
    size_t n_cols;
    size_t n_rows;
    /* Row r, column c is cells[r * stride + c]; stride grows geometrically so
     * adding a column to a filled table is amortised. */
    pv_cell *cells;
    size_t stride, cap_rows, cap_cols;
    pv_arena_chunk *arena;
    int refs; /* atomic */
} pv_table;

/* Hard limit on columns (SQLite's default is 2,000; records wider than this
 * are not previewable). */
enum { PV_MAX_COLUMNS = 1000 };

const char *pv_type_name(pv_type t);
bool pv_type_from_name(const char *name, pv_type *out);
/* Widening: NULL joins anything, integer+real -> real, other mixes -> text. */
pv_type pv_type_join(pv_type a, pv_type b);

pv_table *pv_table_new(void);
pv_table *pv_table_ref(pv_table *t);
void pv_table_unref(pv_table *t); /* frees on the last reference; NULL is fine */

/* Column index of name, or -1. Linear; callers map names once. */
long pv_table_find_column(const pv_table *t, const char *name);
/* Append a column (existing rows get NULL).  Returns its index, or -1 when
 * the table already has PV_MAX_COLUMNS columns. */
long pv_table_add_column(pv_table *t, const char *name, pv_type type);
/* Insert a column at index pos (existing rows get NULL there).  Cheap while
 * the table is short. */
long pv_table_insert_column(pv_table *t, size_t pos, const char *name, pv_type type);
/* Make room for n rows (a hint; adding rows works without it). */
void pv_table_reserve(pv_table *t, size_t n);
/* Append a row of NULL cells; the pointer is valid until the next add. */
pv_cell *pv_table_add_row(pv_table *t);
void pv_table_truncate(pv_table *t, size_t n_rows);
/* Keep only columns perm[0..n) in that order (a permutation or a subset). */
void pv_table_project(pv_table *t, const size_t *perm, size_t n);

static inline pv_cell *pv_table_cell(pv_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->stride + col];
}
static inline const pv_cell *pv_table_cget(const pv_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->stride + col];
}

/* Copy bytes into the table's arena (NUL-terminated). */
const char *pv_table_strdup(pv_table *t, const char *s, size_t len);
void pv_cell_set_text(pv_table *t, pv_cell *c, const char *s, size_t len);
void pv_cell_set_json(pv_table *t, pv_cell *c, const char *s, size_t len);

/* A copy of the table's columns. */
void pv_table_schema(const pv_table *t, pv_schema *out);
void pv_schema_copy(pv_schema *dst, const pv_schema *src);
void pv_schema_free(pv_schema *s);

/* Classifying text (a CSV field, a string value). */
bool pv_parse_int(const char *s, size_t len, long long *out); /* no leading zeros */
bool pv_parse_real(const char *s, size_t len, double *out);   /* decimal, finite */
bool pv_parse_bool(const char *s, size_t len, bool *out);     /* true/false */
bool pv_is_timestamp(const char *s, size_t len);              /* ISO-8601 */
pv_type pv_classify_text(const char *s, size_t len); /* boolean/integer/real/timestamp/text */

/* Render a cell as plain text (NULL renders as ""); appends to sb. */
void pv_cell_format(const pv_cell *c, strbuf *sb);
/* Shortest decimal that reads back as the same double. */
void pv_format_real(double r, char *buf, size_t size);

#endif
