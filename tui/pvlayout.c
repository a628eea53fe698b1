/* pvlayout: the preview table's layout, curses-free (see pvlayout.h). */
#include "pvlayout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "uwidth.h"

const char *pvl_null_mark(bool ascii)
{
    return ascii ? "(null)" : "∅";
}

static const char *newline_mark(bool ascii)
{
    return ascii ? "\\n" : "↵";
}

static bool numeric_type(pv_type t)
{
    return t == PV_TYPE_INTEGER || t == PV_TYPE_REAL;
}

/* Append s[0..len) to sb with control characters made visible; keep_nl
 * leaves newlines alone (the detail view wraps at them). */
static void put_visible(strbuf *sb, const char *s, size_t len, bool ascii, bool keep_nl)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != 0x7f)
            continue;
        if (ch == '\n' && keep_nl)
            continue;
        strbuf_add(sb, s + start, i - start);
        start = i + 1;
        if (ch == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue; /* CRLF shows as one mark */
        if (ch == '\n' || ch == '\r')
            strbuf_puts(sb, keep_nl ? "\n" : newline_mark(ascii));
        else if (ch == '\t')
            strbuf_puts(sb, keep_nl || ascii ? " " : "→"); /* as `weir preview` shows it */
        else
            strbuf_putc(sb, '?');
    }
    strbuf_add(sb, s + start, len - start);
}

char *pvl_cell_text(const pv_cell *c, pv_type col_type, bool ascii, pvl_kind *kind)
{
    pvl_kind k = PVL_TEXT;
    strbuf sb;
    strbuf_init(&sb);
    if (c->kind == PV_NULL) {
        k = PVL_NULL;
        strbuf_puts(&sb, pvl_null_mark(ascii));
    } else if (c->kind == PV_TEXT || c->kind == PV_JSON) {
        put_visible(&sb, c->v.s, c->len, ascii, false);
    } else {
        pv_cell_format(c, &sb);
        if (c->kind != PV_BOOL && numeric_type(col_type))
            k = PVL_NUMBER;
    }
    if (kind)
        *kind = k;
    return sb.data ? strbuf_detach(&sb) : xstrdup("");
}

char *pvl_fit(const char *s, int w, bool right, bool ascii)
{
    if (w <= 0)
        return xstrdup("");
    int cells = uw_width(s);
    strbuf sb;
    strbuf_init(&sb);
    size_t n = strlen(s);
    if (cells > w) {
        const char *ell = ascii ? "~" : "…";
        n = uw_fit(s, w - 1, &cells);
        cells += 1; /* the ellipsis */
        if (right) {
            /* a cut number still reads from its start, so it stays left */
            right = false;
        }
        strbuf_add(&sb, s, n);
        strbuf_puts(&sb, ell);
        n = 0;
    }
    if (right)
        for (int i = cells; i < w; i++)
            strbuf_putc(&sb, ' ');
    strbuf_add(&sb, s, n);
    if (!right)
        for (int i = cells; i < w; i++)
            strbuf_putc(&sb, ' ');
    return sb.data ? strbuf_detach(&sb) : xstrdup("");
}

/* Cells a cell's one-line text takes, stopping early past `cap`. */
static int cell_width(const pv_cell *c, bool ascii, int cap)
{
    char buf[48];
    switch ((pv_kind)c->kind) {
    case PV_NULL:
        return uw_width(pvl_null_mark(ascii));
    case PV_BOOL:
        return c->v.i ? 4 : 5;
    case PV_INT:
        return snprintf(buf, sizeof(buf), "%lld", c->v.i);
    case PV_REAL:
        pv_format_real(c->v.r, buf, sizeof(buf));
        return (int)strlen(buf);
    case PV_TEXT:
    case PV_JSON:
        break;
    }
    int w = 0;
    const char *s = c->v.s;
    size_t len = c->len, i = 0;
    while (i < len && w <= cap) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            if (ch == '\n' || (ch == '\r' && !(i + 1 < len && s[i + 1] == '\n')))
                w += uw_width(newline_mark(ascii));
            else if (ch != '\r')
                w += 1;
            i++;
            continue;
        }
        int32_t cp;
        i += uw_decode(s + i, len - i, &cp);
        w += uw_cp_width(cp);
    }
    return w;
}

void pvl_layout_build(pvl_layout *l, const pv_table *t, int max_width, bool ascii)
{
    memset(l, 0, sizeof(*l));
    if (!t || !t->n_cols)
        return;
    if (max_width < PVL_MIN_COL_WIDTH)
        max_width = PVL_MIN_COL_WIDTH;
    l->n_cols = t->n_cols;
    l->width = xcalloc(t->n_cols, sizeof(int));
    l->right = xcalloc(t->n_cols, sizeof(bool));
    size_t scan = t->n_rows < PVL_SCAN_ROWS ? t->n_rows : PVL_SCAN_ROWS;
    for (size_t c = 0; c < t->n_cols; c++) {
        int w = uw_width(t->cols[c].name);
        int tw = uw_width(pv_type_name(t->cols[c].type));
        if (tw > w)
            w = tw;
        for (size_t r = 0; r < scan && w < max_width; r++) {
            int cw = cell_width(pv_table_cget(t, r, c), ascii, max_width);
            if (cw > w)
                w = cw;
        }
        if (w > max_width)
            w = max_width;
        if (w < PVL_MIN_COL_WIDTH)
            w = PVL_MIN_COL_WIDTH;
        l->width[c] = w;
        l->right[c] = numeric_type(t->cols[c].type);
    }
}

void pvl_layout_free(pvl_layout *l)
{
    free(l->width);
    free(l->right);
    memset(l, 0, sizeof(*l));
}

size_t pvl_visible_cols(const pvl_layout *l, size_t first, int width)
{
    size_t n = 0;
    int x = 0;
    for (size_t c = first; c < l->n_cols; c++) {
        if (c > first)
            x += PVL_SEP_WIDTH;
        if (x >= width && n)
            break;
        n++;
        x += l->width[c];
    }
    return n;
}

size_t pvl_max_first_col(const pvl_layout *l, int width)
{
    if (!l->n_cols)
        return 0;
    size_t first = l->n_cols - 1;
    int total = l->width[first];
    while (first > 0 && total + PVL_SEP_WIDTH + l->width[first - 1] <= width) {
        total += PVL_SEP_WIDTH + l->width[first - 1];
        first--;
    }
    return first;
}

void pvl_scroll_clamp(pvl_scroll *s, size_t n_rows, int page)
{
    if (page < 1)
        page = 1;
    if (!n_rows) {
        s->row = s->top = 0;
        return;
    }
    if (s->row >= n_rows)
        s->row = n_rows - 1;
    if (s->row < s->top)
        s->top = s->row;
    if (s->row >= s->top + (size_t)page)
        s->top = s->row - (size_t)page + 1;
    /* no empty space below the last row when it could be filled */
    if (s->top + (size_t)page > n_rows)
        s->top = n_rows > (size_t)page ? n_rows - (size_t)page : 0;
}

void pvl_scroll_rows(pvl_scroll *s, long delta, size_t n_rows, int page)
{
    if (delta < 0 && (size_t)-delta > s->row)
        s->row = 0;
    else if (delta < 0)
        s->row -= (size_t)-delta;
    else if (n_rows && (size_t)delta >= n_rows - s->row)
        s->row = n_rows - 1;
    else
        s->row += (size_t)delta;
    pvl_scroll_clamp(s, n_rows, page);
}

void pvl_scroll_cols(pvl_scroll *s, long delta, const pvl_layout *l, int width)
{
    size_t max = pvl_max_first_col(l, width);
    if (delta < 0 && (size_t)-delta > s->col)
        s->col = 0;
    else if (delta < 0)
        s->col -= (size_t)-delta;
    else
        s->col += (size_t)delta;
    if (s->col > max)
        s->col = max;
}

static void push_line(char ***lines, size_t *n, size_t *cap, char *line)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *lines = xrealloc(*lines, *cap * sizeof(char *));
    }
    (*lines)[(*n)++] = line;
}

size_t pvl_wrap(const char *s, int width, int indent, char ***out)
{
    char **lines = NULL;
    size_t n = 0, cap = 0;
    if (width < 1)
        width = 1;
    if (indent >= width)
        indent = width - 1;
    const char *p = s;
    for (;;) {
        size_t plen = strcspn(p, "\n");
        char *para = xmalloc(plen + 1);
        memcpy(para, p, plen);
        para[plen] = '\0';
        const char *rest = para;
        bool any = false;
        while (*rest || !any) {
            int pad = n ? indent : 0;
            int avail = width - pad;
            size_t cut = uw_fit(rest, avail, NULL);
            if (rest[cut]) {
                /* break after the last space that fits, unless that leaves
                 * most of the line empty */
                size_t sp = cut;
                while (sp > 0 && rest[sp - 1] != ' ')
                    sp--;
                if (sp > 0 && sp * 3 >= cut)
                    cut = sp;
                if (cut == 0)
                    cut = uw_next(rest, 0); /* one character, whatever it takes */
            }
            char *line = xmalloc((size_t)pad + cut + 1);
            memset(line, ' ', (size_t)pad);
            memcpy(line + pad, rest, cut);
            line[pad + cut] = '\0';
            push_line(&lines, &n, &cap, line);
            rest += cut;
            any = true;
        }
        free(para);
        if (!p[plen])
            break;
        p += plen + 1;
    }
    *out = lines;
    return n;
}

size_t pvl_detail(const pv_table *t, size_t row, int width, bool ascii, pvl_line **out)
{
    pvl_line *lines = NULL;
    size_t n = 0, cap = 0;
    for (size_t c = 0; t && row < t->n_rows && c < t->n_cols; c++) {
        const pv_cell *cell = pv_table_cget(t, row, c);
        strbuf sb;
        strbuf_init(&sb);
        strbuf_printf(&sb, "%s (%s): ", t->cols[c].name, pv_type_name(t->cols[c].type));
        int name_cells = uw_width(sb.data);
        bool null = cell->kind == PV_NULL;
        if (null)
            strbuf_puts(&sb, ascii ? "(null)" : "∅ NULL");
        else if ((cell->kind == PV_TEXT || cell->kind == PV_JSON) && cell->len == 0)
            strbuf_puts(&sb, "\"\"");
        else if (cell->kind == PV_TEXT || cell->kind == PV_JSON)
            put_visible(&sb, cell->v.s, cell->len, ascii, true);
        else
            pv_cell_format(cell, &sb);
        char **wrapped;
        size_t k = pvl_wrap(sb.data, width, 2, &wrapped);
        strbuf_free(&sb);
        for (size_t i = 0; i < k; i++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                lines = xrealloc(lines, cap * sizeof(*lines));
            }
            lines[n++] = (pvl_line){wrapped[i],
                                    i == 0 ? (name_cells < width ? name_cells : width) : 0, null};
        }
        free(wrapped);
    }
    *out = lines;
    return n;
}

void pvl_lines_free(pvl_line *lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i].text);
    free(lines);
}

void pvl_count(unsigned long long n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%llu", n);
    size_t o = 0;
    for (int i = 0; i < len && o + 1 < size; i++) {
        if (i && (len - i) % 3 == 0 && o + 2 < size)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    if (size)
        buf[o < size ? o : size - 1] = '\0';
}

void pvl_duration(double ms, char *buf, size_t size)
{
    if (ms < 1)
        snprintf(buf, size, "<1 ms");
    else if (ms < 1000)
        snprintf(buf, size, "%.0f ms", ms);
    else
        snprintf(buf, size, "%.1f s", ms / 1000);
}
