/* complete: completion candidates for the SQL and Lua editors, with no
 * curses code and no dependency on the preview engine.
 *
 * The caller describes the node's inputs as tables (input id -> columns
 * with types); the module looks at the text around the cursor:
 *   SQL  `al|`       keywords, functions, input ids and all input columns
 *        `o.|`       columns of the table that `o` names: an input id, or an
 *                    alias from the FROM / JOIN clauses (`FROM orders o`)
 *   Lua  `rec|`      Lua keywords, builtins and the record parameter
 *        `record.|`  field names of the inputs (record is the parameter of
 *        `record["|` transform(), "record" if none is found)
 * Matching is by prefix, case-insensitive; keywords follow the case of what
 * was typed.
 *
 * Ownership: cmp_list owns its strings (cmp_list_free); the context is
 * borrowed. */
#ifndef WEIR_COMPLETE_H
#define WEIR_COMPLETE_H

#include <stddef.h>

#include "highlight.h"

#define CMP_MAX_ITEMS 500

typedef struct cmp_column {
    const char *name;
    const char *type; /* may be NULL */
} cmp_column;

typedef struct cmp_table {
    const char *name; /* the input node id */
    const cmp_column *cols;
    size_t ncols;
} cmp_table;

typedef struct cmp_context {
    hl_lang lang;
    const cmp_table *inputs;
    size_t ninputs;
} cmp_context;

typedef enum { CMP_KEYWORD, CMP_FUNCTION, CMP_INPUT, CMP_COLUMN, CMP_FIELD } cmp_kind;

typedef struct cmp_item {
    char *text;   /* what replaces the prefix */
    char *detail; /* "INTEGER", "orders.amount TEXT", "keyword" ... */
    cmp_kind kind;
} cmp_item;

typedef struct cmp_list {
    cmp_item *items;
    size_t n, cap;
    size_t start; /* byte offset where the completed word starts */
} cmp_list;

/* Candidates for the cursor (a byte offset into text).  Returns the number
 * of items (at most CMP_MAX_ITEMS); out is reset first. */
size_t cmp_complete(const cmp_context *ctx, const char *text, size_t len, size_t cursor,
                    cmp_list *out);
void cmp_list_init(cmp_list *l);
void cmp_list_free(cmp_list *l);

/* The table an SQL qualifier names: an input id, or the alias of one in the
 * FROM / JOIN clauses of text.  NULL when unknown. */
const cmp_table *cmp_resolve_alias(const cmp_context *ctx, const char *text, size_t len,
                                   const char *qual, size_t qlen);

#endif
