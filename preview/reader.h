/* reader: sample files -> typed tables.  CSV (RFC 4180: header row, quoted
 * fields with embedded delimiters, quotes and newlines, CRLF, a UTF-8 BOM,
 * a single-byte delimiter) and JSON Lines (one object per line; nested
 * objects and arrays kept as JSON text).
 *
 * Files are read in chunks and reading stops at the row limit, so a huge
 * sample costs only what is previewed.  Malformed rows are reported as
 * path:line: message (up to READER_MAX_ERRORS, then reading stops) and make
 * the read fail.  Typing (typing.c) follows the declared schema, else
 * inference over the rows read.  The caller owns the returned table. */
#ifndef WEIR_READER_H
#define WEIR_READER_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "pvtable.h"
#include "value.h"

enum { READER_MAX_ERRORS = 20 };
#define READER_MAX_RECORD (64u * 1024 * 1024) /* one CSV record or JSON line */

typedef struct reader_options {
    const char *path;              /* for diagnostics: relative to the pipeline folder */
    const char *node_id;           /* for diagnostics; may be NULL */
    char delimiter;                /* CSV only */
    long long limit;               /* data rows to read; <= 0 means no limit */
    const value *schema;           /* VALUE_MAP column -> type name, or NULL: infer */
    const int *cancel;             /* polled between rows when not NULL (atomic load) */
    unsigned long long *rows_read; /* progress counter when not NULL (atomic add) */
} reader_options;

/* Read from an open file or from memory.  NULL when the read failed (the
 * reasons are in diags), or when cancelled ("cancelled" in diags). */
pv_table *reader_csv_file(FILE *f, const reader_options *o, diag_list *diags);
pv_table *reader_csv_buffer(const char *data, size_t len, const reader_options *o,
                            diag_list *diags);
pv_table *reader_jsonl_file(FILE *f, const reader_options *o, diag_list *diags);
pv_table *reader_jsonl_buffer(const char *data, size_t len, const reader_options *o,
                              diag_list *diags);

/* The delimiter a setting names: one byte, or "\t" / "tab".  False (with a
 * reason) for a quote, a newline or a multi-byte text. */
bool reader_parse_delimiter(const char *text, char *out, const char **why);

/* typing.c: give a raw table (CSV: text/NULL cells; JSONL: typed cells) its
 * column types, from schema when present (other columns inferred), and
 * convert the cells.  lines[r] is row r's line, for errors.  csv_text says
 * whether text cells are raw CSV fields (classified) or JSON strings.
 * Returns false with diagnostics when a value does not fit its declared
 * type. */
bool typing_apply(pv_table *t, const int *lines, bool csv_text, const value *schema,
                  const reader_options *o, diag_list *diags);

/* Infer a column's type from the cells a transform produced (NULL, bool,
 * int, real, text, json cells): strings stay text unless every one is an
 * ISO-8601 timestamp. */
pv_type typing_infer_cells(const pv_table *t, size_t col);

/* Give the columns of a computed table (SQL result, Lua output) their
 * types: *declared[c] when every value fits it (declared or declared[c]
 * NULL: none), else inferred from the values; cells are adjusted (0/1 ->
 * boolean, text -> json, int -> real, anything -> text). */
void typing_settle(pv_table *t, const pv_type *const *declared);

/* The same in two steps, for producers that see every cell as they write
 * it (the Lua runner): gather per-column facts with typing_stats_add, then
 * typing_decide.  Arrays are per column. */
typedef struct typing_stats {
    unsigned *kinds;         /* bit per pv_kind seen */
    unsigned char *ints01;   /* every integer is 0 or 1 */
    unsigned char *all_ts;   /* every text is an ISO-8601 timestamp */
    unsigned char *all_json; /* every text starts like a JSON object/array */
    size_t n;
} typing_stats;

void typing_stats_init(typing_stats *st, size_t n);
void typing_stats_free(typing_stats *st);
void typing_decide(pv_table *t, const pv_type *const *declared, typing_stats *st);

static inline void typing_stats_add(typing_stats *st, size_t c, const pv_cell *cell)
{
    st->kinds[c] |= 1u << cell->kind;
    if (cell->kind == PV_INT && (unsigned long long)cell->v.i > 1)
        st->ints01[c] = 0;
    else if (cell->kind == PV_TEXT) {
        if (st->all_ts[c] && !pv_is_timestamp(cell->v.s, cell->len))
            st->all_ts[c] = 0;
        if (st->all_json[c] && !(cell->len && (cell->v.s[0] == '{' || cell->v.s[0] == '[')))
            st->all_json[c] = 0;
    }
}

#endif
