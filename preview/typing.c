/* typing: column types for freshly read tables — declared (schema) or
 * inferred — and the cell conversions that go with them. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

static pv_type cell_type(const pv_cell *c, bool csv_text)
{
    switch ((pv_kind)c->kind) {
    case PV_NULL:
        return PV_TYPE_NULL;
    case PV_BOOL:
        return PV_TYPE_BOOLEAN;
    case PV_INT:
        return PV_TYPE_INTEGER;
    case PV_REAL:
        return PV_TYPE_REAL;
    case PV_JSON:
        return PV_TYPE_JSON;
    case PV_TEXT:
        if (csv_text)
            return pv_classify_text(c->v.s, c->len);
        return pv_is_timestamp(c->v.s, c->len) ? PV_TYPE_TIMESTAMP : PV_TYPE_TEXT;
    }
    return PV_TYPE_TEXT;
}

static pv_type infer(const pv_table *t, size_t col, bool csv_text)
{
    pv_type ty = PV_TYPE_NULL;
    for (size_t r = 0; r < t->n_rows && ty != PV_TYPE_TEXT; r++)
        ty = pv_type_join(ty, cell_type(pv_table_cget(t, r, col), csv_text));
    return ty;
}

pv_type typing_infer_cells(const pv_table *t, size_t col)
{
    return infer(t, col, false);
}

/* Text of a non-text cell, for a text column. */
static void to_text(pv_table *t, pv_cell *c)
{
    if (c->kind == PV_TEXT || c->kind == PV_NULL)
        return;
    if (c->kind == PV_JSON) {
        c->kind = PV_TEXT;
        return;
    }
    strbuf sb;
    strbuf_init(&sb);
    pv_cell_format(c, &sb);
    pv_cell_set_text(t, c, sb.data, sb.len);
    strbuf_free(&sb);
}

/* Convert one cell to type ty; false when it does not fit. */
static bool convert(pv_table *t, pv_cell *c, pv_type ty)
{
    long long iv;
    double dv;
    bool bv;
    if (c->kind == PV_NULL)
        return true;
    switch (ty) {
    case PV_TYPE_NULL:
        return true;
    case PV_TYPE_TEXT:
        to_text(t, c);
        return true;
    case PV_TYPE_INTEGER:
        if (c->kind == PV_INT)
            return true;
        if (c->kind == PV_REAL && c->v.r == (double)(long long)c->v.r) {
            c->kind = PV_INT;
            c->v.i = (long long)c->v.r;
            return true;
        }
        if (c->kind == PV_TEXT && pv_parse_int(c->v.s, c->len, &iv)) {
            c->kind = PV_INT;
            c->v.i = iv;
            return true;
        }
        return false;
    case PV_TYPE_REAL:
        if (c->kind == PV_REAL)
            return true;
        if (c->kind == PV_INT) {
            c->kind = PV_REAL;
            c->v.r = (double)c->v.i;
            return true;
        }
        if (c->kind == PV_TEXT && pv_parse_real(c->v.s, c->len, &dv)) {
            c->kind = PV_REAL;
            c->v.r = dv;
            return true;
        }
        return false;
    case PV_TYPE_BOOLEAN:
        if (c->kind == PV_BOOL)
            return true;
        if (c->kind == PV_INT && (c->v.i == 0 || c->v.i == 1)) {
            c->kind = PV_BOOL;
            return true;
        }
        if (c->kind == PV_TEXT && pv_parse_bool(c->v.s, c->len, &bv)) {
            c->kind = PV_BOOL;
            c->v.i = bv;
            return true;
        }
        return false;
    case PV_TYPE_TIMESTAMP:
        return c->kind == PV_TEXT && pv_is_timestamp(c->v.s, c->len);
    case PV_TYPE_JSON:
        if (c->kind == PV_JSON)
            return true;
        if (c->kind == PV_TEXT) {
            /* A CSV field holding JSON text: check and keep it compact. */
            json_t *j = json_loadb(c->v.s, c->len, JSON_DECODE_ANY, NULL);
            if (!j)
                return false;
            char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
            pv_cell_set_json(t, c, text, strlen(text));
            free(text);
            json_decref(j);
            return true;
        }
        to_text(t, c); /* a JSON scalar: its JSON text */
        c->kind = PV_JSON;
        return true;
    }
    return false;
}

bool typing_apply(pv_table *t, const int *lines, bool csv_text, const value *schema,
                  const reader_options *o, diag_list *diags)
{
    size_t errors = 0;
    size_t n_data_cols = t->n_cols;
    /* Declared columns absent from the data are still part of the schema. */
    if (schema && schema->kind == VALUE_MAP)
        for (size_t i = 0; i < schema->n; i++)
            if (pv_table_find_column(t, schema->keys[i].text) < 0)
                pv_table_add_column(t, schema->keys[i].text, PV_TYPE_NULL);
    for (size_t c = 0; c < t->n_cols; c++) {
        pv_type ty;
        const value *decl =
            schema && schema->kind == VALUE_MAP ? value_map_get(schema, t->cols[c].name) : NULL;
        bool declared = decl && decl->kind == VALUE_SCALAR && pv_type_from_name(decl->text, &ty);
        if (!declared)
            ty = c < n_data_cols ? infer(t, c, csv_text) : PV_TYPE_NULL;
        t->cols[c].type = ty;
        for (size_t r = 0; r < t->n_rows; r++) {
            pv_cell *cell = pv_table_cell(t, r, c);
            if (convert(t, cell, ty))
                continue;
            strbuf sb;
            strbuf_init(&sb);
            pv_cell_format(cell, &sb);
            if (sb.len > 40) {
                sb.len = 40;
                sb.data[40] = '\0';
                strbuf_puts(&sb, "…");
            }
            diag_add(diags, DIAG_ERROR, o->path, lines ? lines[r] : 0, 0, o->node_id,
                     "column '%s': '%s' is not %s %s (declared in the schema)", t->cols[c].name,
                     sb.data, ty == PV_TYPE_INTEGER ? "an" : "a", pv_type_name(ty));
            strbuf_free(&sb);
            if (++errors >= READER_MAX_ERRORS)
                return false;
        }
    }
    return errors == 0;
}

/* Column types of a computed table from declarations when the values
 * agree, else from the values; cells are adjusted to the types.  Every pass
 * walks the table row by row (the storage order): a column-wise walk of a
 * million rows is a cache miss per cell. */
void typing_stats_init(typing_stats *st, size_t n)
{
    st->n = n;
    st->kinds = xcalloc(n ? n : 1, sizeof(unsigned));
    st->ints01 = xmalloc(n ? n : 1);
    st->all_ts = xmalloc(n ? n : 1);
    st->all_json = xmalloc(n ? n : 1);
    memset(st->ints01, 1, n);
    memset(st->all_ts, 1, n);
    memset(st->all_json, 1, n);
}

void typing_stats_free(typing_stats *st)
{
    free(st->kinds);
    free(st->ints01);
    free(st->all_ts);
    free(st->all_json);
    memset(st, 0, sizeof(*st));
}

void typing_settle(pv_table *t, const pv_type *const *declared)
{
    size_t nc = t->n_cols;
    if (nc == 0)
        return;
    typing_stats st;
    typing_stats_init(&st, nc);
    for (size_t r = 0; r < t->n_rows; r++) {
        const pv_cell *row = pv_table_cget(t, r, 0);
        for (size_t c = 0; c < nc; c++)
            typing_stats_add(&st, c, &row[c]);
    }
    typing_decide(t, declared, &st);
    typing_stats_free(&st);
}

void typing_decide(pv_table *t, const pv_type *const *declared, typing_stats *st)
{
    size_t nc = t->n_cols;
    unsigned *kinds = st->kinds;
    bool *adjust = xcalloc(nc ? nc : 1, sizeof(bool));
    unsigned char *check_ts = st->all_ts, *check_json = st->all_json, *ints01 = st->ints01;
#define K(k) (1u << (k))
#define ONLY(c, mask) ((kinds[c] & ~(unsigned)(mask)) == 0)
    for (size_t c = 0; c < nc; c++) {
        kinds[c] &= ~K(PV_NULL);
        if (!ONLY(c, K(PV_TEXT)))
            check_ts[c] = 0; /* timestamps are text only */
        if (!ONLY(c, K(PV_TEXT) | K(PV_JSON)))
            check_json[c] = 0;
    }
    bool any_adjust = false;
    for (size_t c = 0; c < nc; c++) {
        unsigned k = kinds[c];
        bool fits = false;
        if (declared && declared[c]) {
            switch (*declared[c]) {
            case PV_TYPE_BOOLEAN:
                fits = ONLY(c, K(PV_BOOL) | K(PV_INT)) && ints01[c];
                break;
            case PV_TYPE_INTEGER:
                fits = ONLY(c, K(PV_INT));
                break;
            case PV_TYPE_REAL:
                fits = ONLY(c, K(PV_INT) | K(PV_REAL));
                break;
            case PV_TYPE_TEXT:
                fits = ONLY(c, K(PV_TEXT) | K(PV_JSON));
                break;
            case PV_TYPE_JSON:
                fits = check_json[c] == 1;
                break;
            case PV_TYPE_TIMESTAMP:
                fits = check_ts[c] == 1;
                break;
            default:
                fits = k == 0;
            }
        }
        pv_type ty;
        if (fits)
            ty = *declared[c];
        else if (k == 0)
            ty = PV_TYPE_NULL;
        else if (k == K(PV_BOOL))
            ty = PV_TYPE_BOOLEAN;
        else if (k == K(PV_INT))
            ty = PV_TYPE_INTEGER;
        else if (ONLY(c, K(PV_INT) | K(PV_REAL)))
            ty = PV_TYPE_REAL;
        else if (k == K(PV_JSON))
            ty = PV_TYPE_JSON;
        else if (k == K(PV_TEXT))
            ty = check_ts[c] == 1 ? PV_TYPE_TIMESTAMP : PV_TYPE_TEXT;
        else
            ty = PV_TYPE_TEXT;
        t->cols[c].type = ty;
        adjust[c] = (ty == PV_TYPE_BOOLEAN && (k & K(PV_INT))) ||
                    (ty == PV_TYPE_JSON && (k & K(PV_TEXT))) ||
                    (ty == PV_TYPE_REAL && (k & K(PV_INT))) ||
                    ((ty == PV_TYPE_TEXT || ty == PV_TYPE_TIMESTAMP) && !ONLY(c, K(PV_TEXT)));
        any_adjust |= adjust[c];
    }
#undef ONLY
#undef K
    for (size_t r = 0; r < t->n_rows && any_adjust; r++) {
        for (size_t c = 0; c < nc; c++) {
            pv_cell *cell = pv_table_cell(t, r, c);
            if (!adjust[c] || cell->kind == PV_NULL)
                continue;
            pv_type ty = t->cols[c].type;
            if (ty == PV_TYPE_BOOLEAN)
                cell->kind = PV_BOOL;
            else if (ty == PV_TYPE_JSON)
                cell->kind = PV_JSON;
            else if (ty == PV_TYPE_REAL && cell->kind == PV_INT) {
                cell->kind = PV_REAL;
                cell->v.r = (double)cell->v.i;
            } else if (ty == PV_TYPE_TEXT && cell->kind != PV_TEXT) {
                to_text(t, cell);
            }
        }
    }
    free(adjust);
}
