#include "reader.h"

#include "jsonline.h"

#include <stdlib.h>
#include <string.h>

/* A window over the input: the whole buffer for memory input, a growing
 * chunk for files.  [start, len) holds bytes not yet consumed. */
typedef struct bsrc {
    FILE *f;
    char *buf;
    size_t start, len, cap;
    bool eof, owned, read_error;
} bsrc;

enum { CHUNK = 256 * 1024 };

static void bsrc_file(bsrc *b, FILE *f)
{
    memset(b, 0, sizeof(*b));
    b->f = f;
    b->owned = true;
}

static void bsrc_mem(bsrc *b, const char *data, size_t len)
{
    memset(b, 0, sizeof(*b));
    b->buf = (char *)data;
    b->len = len;
    b->eof = true;
}

/* Read more bytes; false at end of input.  Keeps [start, len). */
static bool bsrc_fill(bsrc *b)
{
    if (b->eof)
        return false;
    size_t keep = b->len - b->start;
    if (b->start) {
        memmove(b->buf, b->buf + b->start, keep);
        b->start = 0;
        b->len = keep;
    }
    /* Read at least as much as is kept, so re-scanning a long record is
     * amortised linear. */
    size_t want = keep > CHUNK ? keep : CHUNK;
    if (b->cap < keep + want + 1) {
        b->cap = keep + want + 1;
        b->buf = xrealloc(b->buf, b->cap);
    }
    size_t got = fread(b->buf + b->len, 1, b->cap - 1 - b->len, b->f);
    b->len += got;
    if (got == 0) {
        b->eof = true;
        b->read_error = ferror(b->f);
        return false;
    }
    return true;
}

static void bsrc_free(bsrc *b)
{
    if (b->owned)
        free(b->buf);
}

static bool cancelled(const reader_options *o)
{
    return o->cancel && __atomic_load_n(o->cancel, __ATOMIC_RELAXED);
}

static void progress(const reader_options *o, unsigned long long n)
{
    if (o->rows_read)
        __atomic_add_fetch(o->rows_read, n, __ATOMIC_RELAXED);
}

typedef struct row_lines {
    int *v;
    size_t n, cap;
} row_lines;

static void lines_push(row_lines *l, int line)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = xrealloc(l->v, l->cap * sizeof(int));
    }
    l->v[l->n++] = line;
}

static bool too_many_errors(const reader_options *o, diag_list *diags, size_t errors)
{
    if (errors < READER_MAX_ERRORS)
        return false;
    diag_add(diags, DIAG_ERROR, o->path, 0, 0, o->node_id,
             "too many malformed rows; stopped after %d", READER_MAX_ERRORS);
    return true;
}

bool reader_parse_delimiter(const char *text, char *out, const char **why)
{
    if (!text || !*text) {
        *out = ',';
        return true;
    }
    if (strcmp(text, "\\t") == 0 || strcmp(text, "tab") == 0) {
        *out = '\t';
        return true;
    }
    if (strlen(text) != 1) {
        *why = "the delimiter is one byte (or \\t)";
        return false;
    }
    if (text[0] == '"' || text[0] == '\n' || text[0] == '\r') {
        *why = "the delimiter cannot be a quote or a newline";
        return false;
    }
    *out = text[0];
    return true;
}

/* ---- CSV ---- */

typedef struct csv_fields {
    strbuf bytes;
    size_t *start, *len;
    bool *quoted;
    size_t n, cap;
} csv_fields;

static void fields_push(csv_fields *f, size_t start, bool quoted)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->start = xrealloc(f->start, f->cap * sizeof(size_t));
        f->len = xrealloc(f->len, f->cap * sizeof(size_t));
        f->quoted = xrealloc(f->quoted, f->cap * sizeof(bool));
    }
    f->start[f->n] = start;
    f->len[f->n] = f->bytes.len - start;
    f->quoted[f->n] = quoted;
    f->n++;
}

enum { REC_NEED = 0, REC_OK = 1, REC_BLANK = 2, REC_END = 3, REC_ERROR = -1 };

/* Parse one record at p[0..n).  Sets *used (bytes) and *nl (newlines in
 * it).  REC_NEED when more input is needed to decide. */
static int csv_record(const char *p, size_t n, bool eof, char delim, csv_fields *f, size_t *used,
                      int *nl, const char **err)
{
    size_t i = 0;
    *nl = 0;
    f->n = 0;
    f->bytes.len = 0;
    if (n == 0)
        return eof ? REC_END : REC_NEED;
    if (p[0] == '\n' || (p[0] == '\r' && n > 1 && p[1] == '\n')) {
        *used = p[0] == '\n' ? 1 : 2;
        *nl = 1;
        return REC_BLANK;
    }
    if (p[0] == '\r' && n == 1 && !eof)
        return REC_NEED;
    for (;;) {
        size_t fstart = f->bytes.len;
        if (i < n && p[i] == '"') {
            i++;
            for (;;) {
                if (i == n) {
                    if (eof) {
                        *err = "unterminated quoted field";
                        return REC_ERROR;
                    }
                    return REC_NEED;
                }
                const char *q = memchr(p + i, '"', n - i);
                size_t end = q ? (size_t)(q - p) : n;
                for (size_t k = i; k < end; k++)
                    if (p[k] == '\n')
                        (*nl)++;
                strbuf_add(&f->bytes, p + i, end - i);
                i = end;
                if (!q)
                    continue;
                if (i + 1 == n && !eof)
                    return REC_NEED;
                if (i + 1 < n && p[i + 1] == '"') {
                    strbuf_putc(&f->bytes, '"');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            fields_push(f, fstart, true);
            if (i == n) {
                if (!eof)
                    return REC_NEED;
                *used = i;
                return REC_OK;
            }
            if (p[i] == delim) {
                i++;
                continue;
            }
            if (p[i] == '\n') {
                (*nl)++;
                *used = i + 1;
                return REC_OK;
            }
            if (p[i] == '\r') {
                if (i + 1 == n && !eof)
                    return REC_NEED;
                if (i + 1 == n || p[i + 1] == '\n') {
                    *nl += i + 1 < n;
                    *used = i + 1 < n ? i + 2 : i + 1;
                    return REC_OK;
                }
            }
            *err = "unexpected character after a closing quote (write \"\" for a quote inside "
                   "a quoted field)";
            return REC_ERROR;
        }
        size_t j = i;
        while (j < n && p[j] != delim && p[j] != '\n')
            j++;
        if (j == n && !eof)
            return REC_NEED;
        size_t flen = j - i;
        if ((j == n || p[j] == '\n') && flen && p[j - 1] == '\r')
            flen--;
        strbuf_add(&f->bytes, p + i, flen);
        fields_push(f, fstart, false);
        if (j == n) {
            *used = j;
            return REC_OK;
        }
        if (p[j] == '\n') {
            (*nl)++;
            *used = j + 1;
            return REC_OK;
        }
        i = j + 1;
        if (i == n && eof) { /* a trailing delimiter: one more empty field */
            fields_push(f, f->bytes.len, false);
            *used = i;
            return REC_OK;
        }
    }
}

static void fields_free(csv_fields *f)
{
    strbuf_free(&f->bytes);
    free(f->start);
    free(f->len);
    free(f->quoted);
}

/* Every 1,024 rows: report progress and honour a cancel request (false,
 * with a "cancelled" diagnostic, when the run must stop). */
static bool row_checkpoint(const pv_table *t, const reader_options *o, diag_list *diags)
{
    if ((t->n_rows & 1023) != 0)
        return true;
    progress(o, 1024);
    if (!cancelled(o))
        return true;
    diag_add(diags, DIAG_ERROR, o->path, 0, 0, o->node_id, "cancelled");
    return false;
}

static pv_table *read_csv(bsrc *b, const reader_options *o, diag_list *diags)
{
    csv_fields f = {0};
    strbuf_init(&f.bytes);
    pv_table *t = pv_table_new();
    row_lines lines = {0};
    int line = 1;
    size_t errors = 0;
    bool header = true, ok = true, bom_checked = false;
    char delim = o->delimiter ? o->delimiter : ',';

    for (;;) {
        if (!bom_checked) {
            while (b->len - b->start < 3 && bsrc_fill(b))
                ;
            if (b->len - b->start >= 3 && memcmp(b->buf + b->start, "\xEF\xBB\xBF", 3) == 0)
                b->start += 3;
            bom_checked = true;
        }
        if (o->limit > 0 && !header && t->n_rows >= (size_t)o->limit)
            break;
        size_t used = 0;
        int nl = 0;
        const char *err = NULL;
        int r =
            csv_record(b->buf + b->start, b->len - b->start, b->eof, delim, &f, &used, &nl, &err);
        if (r == REC_NEED) {
            if (b->len - b->start > READER_MAX_RECORD) {
                diag_add(diags, DIAG_ERROR, o->path, line, 0, o->node_id,
                         "a record longer than %u MiB (an unterminated quote?)",
                         READER_MAX_RECORD >> 20);
                ok = false;
                break;
            }
            bsrc_fill(b);
            continue;
        }
        if (r == REC_END)
            break;
        if (r == REC_ERROR) {
            diag_add(diags, DIAG_ERROR, o->path, line, 0, o->node_id, "%s", err);
            ok = false;
            break; /* the rest of the file cannot be framed reliably */
        }
        b->start += used;
        int rec_line = line;
        line += nl;
        if (r == REC_BLANK)
            continue;
        if (header) {
            for (size_t i = 0; i < f.n; i++) {
                char *name = xstrndup(f.bytes.data + f.start[i], f.len[i]);
                if (!*name) {
                    free(name);
                    name = xasprintf("column%zu", i + 1);
                }
                if (pv_table_find_column(t, name) >= 0) {
                    diag_add(diags, DIAG_ERROR, o->path, rec_line, 0, o->node_id,
                             "column '%s' appears twice in the header", name);
                    ok = false;
                } else if (pv_table_add_column(t, name, PV_TYPE_NULL) < 0) {
                    diag_add(diags, DIAG_ERROR, o->path, rec_line, 0, o->node_id,
                             "more than %d columns", PV_MAX_COLUMNS);
                    ok = false;
                }
                free(name);
                if (!ok)
                    break;
            }
            if (!ok)
                break;
            header = false;
            continue;
        }
        if (f.n != t->n_cols) {
            diag_add(diags, DIAG_ERROR, o->path, rec_line, 0, o->node_id,
                     "row has %zu field%s, the header has %zu", f.n, f.n == 1 ? "" : "s",
                     t->n_cols);
            ok = false;
            if (too_many_errors(o, diags, ++errors))
                break;
            continue;
        }
        pv_cell *row = pv_table_add_row(t);
        for (size_t i = 0; i < f.n; i++)
            if (f.len[i] || f.quoted[i])
                pv_cell_set_text(t, &row[i], f.bytes.data + f.start[i], f.len[i]);
        lines_push(&lines, rec_line);
        if (!row_checkpoint(t, o, diags)) {
            ok = false;
            break;
        }
    }
    progress(o, t->n_rows & 1023);
    if (ok && b->read_error) {
        diag_add(diags, DIAG_ERROR, o->path, 0, 0, o->node_id, "read error");
        ok = false;
    }
    if (ok && header)
        diag_add(diags, DIAG_WARNING, o->path, 0, 0, o->node_id, "empty CSV file: no header row");
    if (ok)
        ok = typing_apply(t, lines.v, true, o->schema, o, diags);
    fields_free(&f);
    free(lines.v);
    if (!ok) {
        pv_table_unref(t);
        return NULL;
    }
    return t;
}

pv_table *reader_csv_file(FILE *f, const reader_options *o, diag_list *diags)
{
    bsrc b;
    bsrc_file(&b, f);
    pv_table *t = read_csv(&b, o, diags);
    bsrc_free(&b);
    return t;
}

pv_table *reader_csv_buffer(const char *data, size_t len, const reader_options *o, diag_list *diags)
{
    bsrc b;
    bsrc_mem(&b, data, len);
    return read_csv(&b, o, diags);
}

/* ---- JSON Lines ---- */

static pv_table *read_jsonl(bsrc *b, const reader_options *o, diag_list *diags)
{
    pv_table *t = pv_table_new();
    row_lines lines = {0};
    jsonline_state js = {0};
    int line = 0;
    size_t errors = 0;
    bool ok = true, first = true;
    /* Rows are built sparse first, as a new key may appear on any line. */
    for (;;) {
        if (o->limit > 0 && t->n_rows >= (size_t)o->limit)
            break;
        const char *p = b->buf + b->start;
        size_t n = b->len - b->start;
        /* memchr on a NULL buffer is undefined even for n == 0. */
        const char *nlp = n ? memchr(p, '\n', n) : NULL;
        if (!nlp && !b->eof) {
            if (n > READER_MAX_RECORD) {
                diag_add(diags, DIAG_ERROR, o->path, line + 1, 0, o->node_id,
                         "a line longer than %u MiB", READER_MAX_RECORD >> 20);
                ok = false;
                break;
            }
            bsrc_fill(b);
            continue;
        }
        if (!nlp && n == 0)
            break;
        size_t len = nlp ? (size_t)(nlp - p) : n;
        b->start += nlp ? len + 1 : len;
        line++;
        if (first && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            p += 3;
            len -= 3;
        }
        first = false;
        size_t k = 0;
        while (k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        if (k == len)
            continue; /* blank line */
        char err[128];
        int col = 0;
        int rc = jsonline_parse(&js, t, p, len, err, sizeof(err), &col);
        if (rc == 2) {
            diag_add(diags, DIAG_ERROR, o->path, line, 0, o->node_id, "more than %d distinct keys",
                     PV_MAX_COLUMNS);
            ok = false;
            break;
        }
        if (rc == 1) {
            diag_add(diags, DIAG_ERROR, o->path, line, col, o->node_id, "%s", err);
            ok = false;
            if (too_many_errors(o, diags, ++errors))
                break;
            continue;
        }
        lines_push(&lines, line);
        if (!row_checkpoint(t, o, diags)) {
            ok = false;
            break;
        }
    }
    progress(o, t->n_rows & 1023);
    if (ok && b->read_error) {
        diag_add(diags, DIAG_ERROR, o->path, 0, 0, o->node_id, "read error");
        ok = false;
    }
    if (ok)
        ok = typing_apply(t, lines.v, false, o->schema, o, diags);
    free(lines.v);
    jsonline_free(&js);
    if (!ok) {
        pv_table_unref(t);
        return NULL;
    }
    return t;
}

pv_table *reader_jsonl_file(FILE *f, const reader_options *o, diag_list *diags)
{
    bsrc b;
    bsrc_file(&b, f);
    pv_table *t = read_jsonl(&b, o, diags);
    bsrc_free(&b);
    return t;
}

pv_table *reader_jsonl_buffer(const char *data, size_t len, const reader_options *o,
                              diag_list *diags)
{
    bsrc b;
    bsrc_mem(&b, data, len);
    return read_jsonl(&b, o, diags);
}
