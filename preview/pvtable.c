#include "pvtable.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct pv_arena_chunk {
    pv_arena_chunk *next;
    size_t used, cap;
    char data[];
};

enum { ARENA_CHUNK = 64 * 1024 };

static const char *const type_names[] = {"null", "boolean",   "integer", "real",
                                         "text", "timestamp", "json"};

const char *pv_type_name(pv_type t)
{
    return (unsigned)t < sizeof(type_names) / sizeof(type_names[0]) ? type_names[t] : "?";
}

bool pv_type_from_name(const char *name, pv_type *out)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (strcmp(name, type_names[i]) == 0) {
            *out = (pv_type)i;
            return true;
        }
    return false;
}

pv_type pv_type_join(pv_type a, pv_type b)
{
    if (a == PV_TYPE_NULL)
        return b;
    if (b == PV_TYPE_NULL || a == b)
        return a;
    if ((a == PV_TYPE_INTEGER && b == PV_TYPE_REAL) || (a == PV_TYPE_REAL && b == PV_TYPE_INTEGER))
        return PV_TYPE_REAL;
    return PV_TYPE_TEXT;
}

pv_table *pv_table_new(void)
{
    pv_table *t = xcalloc(1, sizeof(*t));
    t->refs = 1;
    return t;
}

pv_table *pv_table_ref(pv_table *t)
{
    if (t)
        __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
    return t;
}

void pv_table_unref(pv_table *t)
{
    if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->cols[i].name);
    free(t->cols);
    free(t->cells);
    for (pv_arena_chunk *c = t->arena, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(t);
}

long pv_table_find_column(const pv_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

long pv_table_add_column(pv_table *t, const char *name, pv_type type)
{
    if (t->n_cols >= PV_MAX_COLUMNS)
        return -1;
    if (t->n_cols == t->cap_cols) {
        size_t ncap = t->cap_cols ? t->cap_cols * 2 : 8;
        t->cols = xrealloc(t->cols, ncap * sizeof(pv_column));
        t->cap_cols = ncap;
    }
    if (t->n_cols + 1 > t->stride) {
        /* Re-lay the rows out with a doubled stride. */
        /* While the table is short (columns found in the first records),
         * re-laying out is cheap: keep rows tight.  Later, grow by half. */
        size_t nstride = t->n_rows < 1024 ? t->n_cols + 1
                         : t->stride      ? t->stride + t->stride / 2 + 1
                                          : 8;
        if (t->cap_rows) {
            pv_cell *cells = xcalloc(t->cap_rows * nstride, sizeof(pv_cell));
            for (size_t r = 0; r < t->n_rows; r++)
                memcpy(&cells[r * nstride], &t->cells[r * t->stride], t->n_cols * sizeof(pv_cell));
            free(t->cells);
            t->cells = cells;
        }
        t->stride = nstride;
    }
    t->cols[t->n_cols].name = xstrdup(name);
    t->cols[t->n_cols].type = type;
    for (size_t r = 0; r < t->n_rows; r++)
        memset(&t->cells[r * t->stride + t->n_cols], 0, sizeof(pv_cell));
    return (long)t->n_cols++;
}

long pv_table_insert_column(pv_table *t, size_t pos, const char *name, pv_type type)
{
    long c = pv_table_add_column(t, name, type);
    if (c < 0 || pos >= (size_t)c)
        return c;
    pv_column col = t->cols[c];
    memmove(&t->cols[pos + 1], &t->cols[pos], ((size_t)c - pos) * sizeof(pv_column));
    t->cols[pos] = col;
    for (size_t r = 0; r < t->n_rows; r++) {
        pv_cell *row = &t->cells[r * t->stride];
        memmove(&row[pos + 1], &row[pos], ((size_t)c - pos) * sizeof(pv_cell));
        memset(&row[pos], 0, sizeof(pv_cell));
    }
    return (long)pos;
}

/* Rows from n_rows to cap_rows are kept zeroed (all NULL), so adding a row
 * writes nothing; a fresh allocation comes zeroed from calloc (untouched
 * pages, for a big one). */
/* A big, fresh cell array will be written front to back: fault its pages in
 * with one call instead of one trap per page (Linux 5.14+; a no-op where
 * unsupported). */
static void prefault(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096;
    if (bytes < (8u << 20))
        return;
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(page - 1);
    if (e > a)
        madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

static void grow_rows(pv_table *t, size_t ncap)
{
    if (t->stride == 0)
        t->stride = 8;
    size_t used = t->n_rows * t->stride;
    if (!t->cells || (used < 65536 && ncap * t->stride * sizeof(pv_cell) >= (8u << 20))) {
        /* Fresh (or still nearly empty): a new zeroed block, prefaulted. */
        pv_cell *cells = xcalloc(ncap * t->stride, sizeof(pv_cell));
        prefault(cells, ncap * t->stride * sizeof(pv_cell));
        if (used)
            memcpy(cells, t->cells, used * sizeof(pv_cell));
        free(t->cells);
        t->cells = cells;
    } else {
        t->cells = xrealloc(t->cells, ncap * t->stride * sizeof(pv_cell));
        memset(&t->cells[t->cap_rows * t->stride], 0,
               (ncap - t->cap_rows) * t->stride * sizeof(pv_cell));
    }
    t->cap_rows = ncap;
}

void pv_table_reserve(pv_table *t, size_t n)
{
    if (n > t->cap_rows)
        grow_rows(t, n);
}

pv_cell *pv_table_add_row(pv_table *t)
{
    if (t->n_rows == t->cap_rows)
        grow_rows(t, t->cap_rows ? t->cap_rows * 2 : 64);
    return &t->cells[t->n_rows++ * t->stride];
}

void pv_table_truncate(pv_table *t, size_t n_rows)
{
    if (n_rows >= t->n_rows)
        return;
    memset(&t->cells[n_rows * t->stride], 0, (t->n_rows - n_rows) * t->stride * sizeof(pv_cell));
    t->n_rows = n_rows;
}

void pv_table_project(pv_table *t, const size_t *perm, size_t n)
{
    pv_cell *tmp = xmalloc((t->n_cols ? t->n_cols : 1) * sizeof(pv_cell));
    for (size_t r = 0; r < t->n_rows; r++) {
        pv_cell *row = &t->cells[r * t->stride];
        memcpy(tmp, row, t->n_cols * sizeof(pv_cell));
        for (size_t j = 0; j < n; j++)
            row[j] = tmp[perm[j]];
    }
    pv_column *cols = xmalloc((n ? n : 1) * sizeof(pv_column));
    bool *kept = xcalloc(t->n_cols ? t->n_cols : 1, sizeof(bool));
    for (size_t j = 0; j < n; j++) {
        cols[j] = t->cols[perm[j]];
        kept[perm[j]] = true;
    }
    for (size_t c = 0; c < t->n_cols; c++)
        if (!kept[c])
            free(t->cols[c].name);
    free(kept);
    free(tmp);
    free(t->cols);
    t->cols = cols;
    t->n_cols = n;
    t->cap_cols = n ? n : 1;
}

const char *pv_table_strdup(pv_table *t, const char *s, size_t len)
{
    pv_arena_chunk *c = t->arena;
    if (!c || c->cap - c->used < len + 1) {
        size_t cap = len + 1 > ARENA_CHUNK / 4 ? len + 1 : ARENA_CHUNK;
        pv_arena_chunk *n = xmalloc(sizeof(*n) + cap);
        n->used = 0;
        n->cap = cap;
        if (cap == ARENA_CHUNK || !c) {
            n->next = c;
            t->arena = n;
        } else {
            /* A big string gets its own chunk behind the current one, so the
             * current chunk's free space is not wasted. */
            n->next = c->next;
            c->next = n;
        }
        c = n;
    }
    char *dst = c->data + c->used;
    if (len)
        memcpy(dst, s, len);
    dst[len] = '\0';
    c->used += len + 1;
    return dst;
}

void pv_cell_set_text(pv_table *t, pv_cell *c, const char *s, size_t len)
{
    c->kind = PV_TEXT;
    c->len = (uint32_t)len;
    c->v.s = pv_table_strdup(t, s, len);
}

void pv_cell_set_json(pv_table *t, pv_cell *c, const char *s, size_t len)
{
    pv_cell_set_text(t, c, s, len);
    c->kind = PV_JSON;
}

void pv_table_schema(const pv_table *t, pv_schema *out)
{
    out->n = t->n_cols;
    out->cols = xcalloc(t->n_cols ? t->n_cols : 1, sizeof(pv_column));
    for (size_t i = 0; i < t->n_cols; i++) {
        out->cols[i].name = xstrdup(t->cols[i].name);
        out->cols[i].type = t->cols[i].type;
    }
}

void pv_schema_copy(pv_schema *dst, const pv_schema *src)
{
    dst->n = src->n;
    dst->cols = xcalloc(src->n ? src->n : 1, sizeof(pv_column));
    for (size_t i = 0; i < src->n; i++) {
        dst->cols[i].name = xstrdup(src->cols[i].name);
        dst->cols[i].type = src->cols[i].type;
    }
}

void pv_schema_free(pv_schema *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->cols[i].name);
    free(s->cols);
    s->cols = NULL;
    s->n = 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool pv_parse_int(const char *s, size_t len, long long *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && s[i] == '-') {
        neg = true;
        i++;
    }
    if (i == len || len - i > 19)
        return false;
    /* "007" is an identifier (a ZIP code, an account), not a number. */
    if (s[i] == '0' && len - i > 1)
        return false;
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (neg ? v > 9223372036854775808ULL : v > 9223372036854775807ULL)
        return false;
    if (out)
        *out = neg ? (long long)(0 - v) : (long long)v;
    return true;
}

bool pv_parse_real(const char *s, size_t len, double *out)
{
    /* Grammar: -?digits(.digits)?([eE][+-]?digits)? or -?.digits..., no
     * inf/nan/hex, which strtod would otherwise accept. */
    size_t i = 0, digits = 0;
    if (i < len && s[i] == '-')
        i++;
    while (i < len && is_digit(s[i]))
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i]))
            i++, digits++;
    }
    if (!digits)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t e = 0;
        while (i < len && is_digit(s[i]))
            i++, e++;
        if (!e)
            return false;
    }
    if (i != len || len > 64)
        return false;
    char buf[72];
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return false;
    if (out)
        *out = v;
    return true;
}

bool pv_parse_bool(const char *s, size_t len, bool *out)
{
    static const char *const t[] = {"true", "TRUE", "True"};
    static const char *const f[] = {"false", "FALSE", "False"};
    for (int k = 0; k < 3; k++) {
        if (len == 4 && memcmp(s, t[k], 4) == 0) {
            if (out)
                *out = true;
            return true;
        }
        if (len == 5 && memcmp(s, f[k], 5) == 0) {
            if (out)
                *out = false;
            return true;
        }
    }
    return false;
}

static bool digits_at(const char *s, size_t len, size_t at, size_t n, int *val)
{
    if (at + n > len)
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[at + i]))
            return false;
        v = v * 10 + (s[at + i] - '0');
    }
    *val = v;
    return true;
}

bool pv_is_timestamp(const char *s, size_t len)
{
    /* YYYY-MM-DD[(T| )HH:MM[:SS[.f+]]][Z|(+|-)HH[:]MM] */
    int y, mo, d, h, mi, sec;
    if (len < 10 || !digits_at(s, len, 0, 4, &y) || s[4] != '-' || !digits_at(s, len, 5, 2, &mo) ||
        s[7] != '-' || !digits_at(s, len, 8, 2, &d))
        return false;
    (void)y;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    if (len == 10)
        return true;
    size_t i = 10;
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return false;
    i++;
    if (!digits_at(s, len, i, 2, &h) || i + 2 >= len || s[i + 2] != ':' ||
        !digits_at(s, len, i + 3, 2, &mi) || h > 23 || mi > 59)
        return false;
    i += 5;
    if (i < len && s[i] == ':') {
        if (!digits_at(s, len, i + 1, 2, &sec) || sec > 60)
            return false;
        i += 3;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            size_t f = ++i;
            while (i < len && is_digit(s[i]))
                i++;
            if (i == f)
                return false;
        }
    }
    if (i == len)
        return true;
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len)
        return true;
    if (s[i] != '+' && s[i] != '-')
        return false;
    i++;
    int oh, om;
    if (!digits_at(s, len, i, 2, &oh) || oh > 23)
        return false;
    i += 2;
    if (i == len)
        return true;
    if (s[i] == ':')
        i++;
    return digits_at(s, len, i, 2, &om) && om <= 59 && i + 2 == len;
}

pv_type pv_classify_text(const char *s, size_t len)
{
    if (len == 0)
        return PV_TYPE_TEXT;
    char c = s[0];
    if (is_digit(c) || c == '-' || c == '.') {
        if (pv_parse_int(s, len, NULL))
            return PV_TYPE_INTEGER;
        if (pv_parse_real(s, len, NULL)) {
            /* "0012.5" style is an identifier too, like "007". */
            size_t k = c == '-' ? 1 : 0;
            if (k + 1 < len && s[k] == '0' && is_digit(s[k + 1]))
                return PV_TYPE_TEXT;
            return PV_TYPE_REAL;
        }
        if (pv_is_timestamp(s, len))
            return PV_TYPE_TIMESTAMP;
        return PV_TYPE_TEXT;
    }
    if (pv_parse_bool(s, len, NULL))
        return PV_TYPE_BOOLEAN;
    return PV_TYPE_TEXT;
}

void pv_format_real(double r, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, r);
        if (strtod(buf, NULL) == r)
            break;
    }
    /* Keep reals recognisable as reals: 3 -> 3.0 */
    if (!strpbrk(buf, ".eEni") && strlen(buf) + 2 < size)
        strcat(buf, ".0");
}

void pv_cell_format(const pv_cell *c, strbuf *sb)
{
    char buf[40];
    switch ((pv_kind)c->kind) {
    case PV_NULL:
        break;
    case PV_BOOL:
        strbuf_puts(sb, c->v.i ? "true" : "false");
        break;
    case PV_INT:
        strbuf_printf(sb, "%lld", c->v.i);
        break;
    case PV_REAL:
        pv_format_real(c->v.r, buf, sizeof(buf));
        strbuf_puts(sb, buf);
        break;
    case PV_TEXT:
    case PV_JSON:
        strbuf_add(sb, c->v.s, c->len);
        break;
    }
}
