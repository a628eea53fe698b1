/* weir preview [DIR] NODE [--limit N] [--format table|jsonl|csv] [--budget S]
 *
 * Runs NODE and everything upstream of it on the sample data and prints
 * its output: an aligned table for people (UTF-8 width-aware, NULL shown as
 * ∅, long values cut with …), or JSON Lines / CSV for machines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli.h"
#include "load.h"
#include "preview.h"
#include "util.h"
#include "validate.h"

enum { MAX_CELL_WIDTH = 40 };
#define NULL_MARK "∅"

/* ---- display text: escapes, width, cutting ---- */

/* Append s as one display line: newlines and tabs become visible marks,
 * other control bytes and invalid UTF-8 become U+FFFD. */
static void display_text(strbuf *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            strbuf_puts(out, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
            ; /* CRLF shows as one ↵ */
        else if (cp == '\n')
            strbuf_puts(out, "↵");
        else if (cp == '\t')
            strbuf_puts(out, "→");
        else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            strbuf_puts(out, "\xEF\xBF\xBD");
        else
            strbuf_add(out, s + i, (size_t)n);
        i += (size_t)n;
    }
}

static int char_width(utf8proc_int32_t cp)
{
    int w = utf8proc_charwidth(cp);
    return w < 0 ? 1 : w;
}

/* Screen width of valid UTF-8 text (display_text output). */
static size_t text_width(const char *s, size_t len)
{
    size_t w = 0, i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            i++;
            w++;
            continue;
        }
        w += (size_t)char_width(cp);
        i += (size_t)n;
    }
    return w;
}

/* Cut text to at most max cells, ending with … when cut; returns the width. */
static size_t cut_text(strbuf *sb, size_t max)
{
    if (text_width(sb->data, sb->len) <= max)
        return text_width(sb->data, sb->len);
    size_t w = 0, i = 0;
    while (i < sb->len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)sb->data + i,
                                              (utf8proc_ssize_t)(sb->len - i), &cp);
        if (n <= 0)
            break;
        int cw = char_width(cp);
        if (w + (size_t)cw > max - 1)
            break;
        w += (size_t)cw;
        i += (size_t)n;
    }
    sb->len = i;
    sb->data[i] = '\0';
    strbuf_puts(sb, "…");
    return w + 1;
}

static void cell_display(const pv_cell *c, strbuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
    if (c->kind == PV_NULL) {
        strbuf_puts(sb, NULL_MARK);
        return;
    }
    strbuf raw;
    strbuf_init(&raw);
    pv_cell_format(c, &raw);
    display_text(sb, raw.data ? raw.data : "", raw.len);
    strbuf_free(&raw);
}

static void pad(size_t n)
{
    for (size_t i = 0; i < n; i++)
        putchar(' ');
}

static void thousands(char *buf, size_t size, unsigned long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%llu", v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

static void print_table(const pv_table *t, double ms)
{
    size_t nc = t->n_cols;
    size_t *width = xcalloc(nc ? nc : 1, sizeof(size_t));
    bool *right = xcalloc(nc ? nc : 1, sizeof(bool));
    strbuf sb;
    strbuf_init(&sb);
    for (size_t c = 0; c < nc; c++) {
        sb.len = 0;
        display_text(&sb, t->cols[c].name, strlen(t->cols[c].name));
        width[c] = cut_text(&sb, MAX_CELL_WIDTH);
        size_t tw = strlen(pv_type_name(t->cols[c].type));
        if (tw > width[c])
            width[c] = tw;
        right[c] = t->cols[c].type == PV_TYPE_INTEGER || t->cols[c].type == PV_TYPE_REAL;
    }
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < nc; c++) {
            cell_display(pv_table_cget(t, r, c), &sb);
            size_t w = cut_text(&sb, MAX_CELL_WIDTH);
            if (w > width[c])
                width[c] = w;
        }
    /* header: names, then types, then a rule */
    for (int line = 0; line < 2; line++) {
        for (size_t c = 0; c < nc; c++) {
            sb.len = 0;
            const char *s = line == 0 ? t->cols[c].name : pv_type_name(t->cols[c].type);
            display_text(&sb, s, strlen(s));
            size_t w = cut_text(&sb, MAX_CELL_WIDTH);
            fputs(c ? " │ " : "", stdout);
            fputs(sb.data, stdout);
            if (c + 1 < nc)
                pad(width[c] - w);
        }
        putchar('\n');
    }
    for (size_t c = 0; c < nc; c++) {
        fputs(c ? "─┼─" : "", stdout);
        for (size_t i = 0; i < width[c]; i++)
            fputs("─", stdout);
    }
    if (nc)
        putchar('\n');
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < nc; c++) {
            const pv_cell *cell = pv_table_cget(t, r, c);
            cell_display(cell, &sb);
            size_t w = cut_text(&sb, MAX_CELL_WIDTH);
            fputs(c ? " │ " : "", stdout);
            bool r_align = right[c] && cell->kind != PV_NULL;
            if (r_align)
                pad(width[c] - w);
            fputs(sb.data, stdout);
            if (!r_align && c + 1 < nc)
                pad(width[c] - w);
        }
        putchar('\n');
    }
    char rows[32];
    thousands(rows, sizeof(rows), t->n_rows);
    printf("%s row%s · %.0f ms\n", rows, t->n_rows == 1 ? "" : "s", ms);
    strbuf_free(&sb);
    free(width);
    free(right);
}

/* ---- machine formats ---- */

static void json_string(strbuf *sb, const char *s, size_t len)
{
    strbuf_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"':
            strbuf_puts(sb, "\\\"");
            break;
        case '\\':
            strbuf_puts(sb, "\\\\");
            break;
        case '\n':
            strbuf_puts(sb, "\\n");
            break;
        case '\r':
            strbuf_puts(sb, "\\r");
            break;
        case '\t':
            strbuf_puts(sb, "\\t");
            break;
        default:
            if (ch < 0x20)
                strbuf_printf(sb, "\\u%04x", ch);
            else
                strbuf_putc(sb, (char)ch);
        }
    }
    strbuf_putc(sb, '"');
}

static void print_jsonl(const pv_table *t)
{
    strbuf sb;
    strbuf_init(&sb);
    for (size_t r = 0; r < t->n_rows; r++) {
        sb.len = 0;
        strbuf_putc(&sb, '{');
        for (size_t c = 0; c < t->n_cols; c++) {
            const pv_cell *cell = pv_table_cget(t, r, c);
            if (c)
                strbuf_putc(&sb, ',');
            json_string(&sb, t->cols[c].name, strlen(t->cols[c].name));
            strbuf_putc(&sb, ':');
            switch ((pv_kind)cell->kind) {
            case PV_NULL:
                strbuf_puts(&sb, "null");
                break;
            case PV_TEXT:
                json_string(&sb, cell->v.s, cell->len);
                break;
            case PV_REAL:
                if (cell->v.r != cell->v.r || cell->v.r - cell->v.r != 0) {
                    strbuf_puts(&sb, "null"); /* NaN and infinities have no JSON form */
                    break;
                }
                pv_cell_format(cell, &sb);
                break;
            default:
                pv_cell_format(cell, &sb);
            }
        }
        strbuf_puts(&sb, "}\n");
        fwrite(sb.data, 1, sb.len, stdout);
    }
    strbuf_free(&sb);
}

static void csv_field(strbuf *sb, const char *s, size_t len, bool quote_empty)
{
    bool q = (quote_empty && len == 0) || strpbrk(s, ",\"\r\n") != NULL ||
             (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!q) {
        strbuf_add(sb, s, len);
        return;
    }
    strbuf_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, s[i]);
    }
    strbuf_putc(sb, '"');
}

static void print_csv(const pv_table *t)
{
    strbuf sb, tmp;
    strbuf_init(&sb);
    strbuf_init(&tmp);
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            strbuf_putc(&sb, ',');
        csv_field(&sb, t->cols[c].name, strlen(t->cols[c].name), false);
    }
    strbuf_putc(&sb, '\n');
    fwrite(sb.data, 1, sb.len, stdout);
    for (size_t r = 0; r < t->n_rows; r++) {
        sb.len = 0;
        for (size_t c = 0; c < t->n_cols; c++) {
            const pv_cell *cell = pv_table_cget(t, r, c);
            if (c)
                strbuf_putc(&sb, ',');
            if (cell->kind == PV_NULL)
                continue; /* NULL: an empty unquoted field; "" is the empty string */
            tmp.len = 0;
            if (tmp.data)
                tmp.data[0] = '\0';
            pv_cell_format(cell, &tmp);
            csv_field(&sb, tmp.data ? tmp.data : "", tmp.len, true);
        }
        strbuf_putc(&sb, '\n');
        fwrite(sb.data, 1, sb.len, stdout);
    }
    strbuf_free(&sb);
    strbuf_free(&tmp);
}

/* ---- the command ---- */

/* A node's diagnostics: path:line:col when known, path:line when only the
 * line is (a CSV row, a Lua line), else the node. */
static void print_node_diags(const diag_list *diags, const char *dir)
{
    bool here = strcmp(dir, ".") == 0;
    const char *sep = here || dir[strlen(dir) - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < diags->n; i++) {
        const diag *d = &diags->items[i];
        const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";
        if (d->path) {
            fprintf(stderr, "%s%s%s", here ? "" : dir, sep, d->path);
            if (d->line > 0)
                fprintf(stderr, ":%d", d->line);
            if (d->line > 0 && d->col > 0)
                fprintf(stderr, ":%d", d->col);
            fprintf(stderr, ": ");
        }
        if (d->node_id && (!d->path || d->line == 0))
            fprintf(stderr, "%s: ", d->node_id);
        fprintf(stderr, "%s: ", sev);
        cli_put_text(stderr, d->message);
        fputc('\n', stderr);
    }
}

static bool parse_limit(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > PREVIEW_MAX_LIMIT)
        return false;
    *out = v;
    return true;
}

/* Errors that stop NODE's preview: on NODE or upstream of it, or on no
 * node at all (the file itself).  An unknown NODE is reported later. */
static size_t count_blocking(const pipeline *p, const char *node_id, const diag_list *diags)
{
    bool *up = xcalloc(p->n_nodes ? p->n_nodes : 1, sizeof(bool));
    size_t *stack = xmalloc((p->n_nodes ? p->n_nodes : 1) * sizeof(size_t)), depth = 0;
    ptrdiff_t start = pipeline_index_of(p, node_id);
    if (start >= 0) {
        up[start] = true;
        stack[depth++] = (size_t)start;
    }
    while (depth) {
        const node *n = &p->nodes[stack[--depth]];
        for (size_t i = 0; i < n->n_inputs; i++) {
            ptrdiff_t j = pipeline_index_of(p, n->inputs[i]);
            if (j >= 0 && !up[j]) {
                up[j] = true;
                stack[depth++] = (size_t)j;
            }
        }
    }
    size_t count = 0;
    for (size_t i = 0; i < diags->n; i++) {
        const diag *d = &diags->items[i];
        if (d->severity != DIAG_ERROR)
            continue;
        ptrdiff_t j = d->node_id ? pipeline_index_of(p, d->node_id) : -1;
        if (!d->node_id || j < 0 || up[j])
            count++;
    }
    free(up);
    free(stack);
    return count;
}

int cmd_preview(int argc, char **argv)
{
    const char *pos[3] = {NULL, NULL, NULL};
    int n_pos = 0;
    const char *format = "table";
    preview_options opts = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if ((strcmp(a, "--limit") == 0 || strcmp(a, "--format") == 0 ||
             strcmp(a, "--budget") == 0)) {
            if (i + 1 >= argc)
                return cli_usage_error("preview", "%s needs a value", a);
            val = argv[++i];
        } else if (strncmp(a, "--limit=", 8) == 0 || strncmp(a, "--format=", 9) == 0 ||
                   strncmp(a, "--budget=", 9) == 0) {
            val = strchr(a, '=') + 1;
        }
        if (val && strncmp(a, "--limit", 7) == 0) {
            if (!parse_limit(val, &opts.limit))
                return cli_usage_error("preview",
                                       "--limit is a whole number from 1 to %d, not '%s'",
                                       PREVIEW_MAX_LIMIT, val);
        } else if (val && strncmp(a, "--format", 8) == 0) {
            format = val;
        } else if (val && strncmp(a, "--budget", 8) == 0) {
            char *end;
            opts.budget_s = strtod(val, &end);
            if (end == val || *end || !(opts.budget_s > 0) || opts.budget_s > 3600)
                return cli_usage_error("preview",
                                       "--budget is seconds, from 0.001 to 3600, not '%s'", val);
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("preview", "unknown option '%s'", a);
        } else if (n_pos < 2) {
            pos[n_pos++] = a;
        } else {
            return cli_usage_error("preview", "too many arguments ('%s')", a);
        }
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "jsonl") != 0 && strcmp(format, "csv") != 0)
        return cli_usage_error("preview", "--format is table, jsonl or csv, not '%s'", format);
    if (n_pos == 0)
        return cli_usage_error("preview", "which node? name one");
    const char *dir = n_pos == 2 ? pos[0] : ".";
    const char *node_id = n_pos == 2 ? pos[1] : pos[0];
    cli_use_plugins(dir, stderr);

    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    /* Loaded (a model exists) is not the same as valid: only errors in
     * NODE or upstream of it stop its preview, as in the canvas; the others
     * are shown and the run goes on. */
    bool loaded = pipeline_load(dir, &p, &diags);
    if (loaded)
        pipeline_validate(&p, NULL, &diags);
    diag_list_sort(&diags);
    size_t blocking = loaded ? count_blocking(&p, node_id, &diags) : diags.n_errors;
    if (!loaded || blocking) {
        cli_print_diags(stderr, &diags, dir);
        bool io_error = !loaded && diags.n == 1 && diags.items[0].line == 0;
        if (!io_error)
            fprintf(stderr, "weir preview: %zu error%s in %s or upstream of it; fix %s first\n",
                    blocking, blocking == 1 ? "" : "s", node_id, blocking == 1 ? "it" : "them");
        pipeline_free(&p);
        diag_list_free(&diags);
        return io_error ? EXIT_USAGE : EXIT_FAIL;
    }
    if (diags.n_errors) {
        cli_print_diags(stderr, &diags, dir);
        fprintf(stderr, "weir preview: %zu error%s elsewhere in the pipeline, not upstream of %s\n",
                diags.n_errors, diags.n_errors == 1 ? "" : "s", node_id);
    }
    diag_list_free(&diags);

    if (!pipeline_find(&p, node_id)) {
        const char **ids = xmalloc((p.n_nodes ? p.n_nodes : 1) * sizeof(char *));
        for (size_t i = 0; i < p.n_nodes; i++)
            ids[i] = p.nodes[i].id;
        const char *near = closest_match(node_id, ids, p.n_nodes);
        if (near)
            fprintf(stderr, "weir preview: no node '%s' in %s (did you mean '%s'?)\n", node_id, dir,
                    near);
        else
            fprintf(stderr, "weir preview: no node '%s' in %s\n", node_id, dir);
        free(ids);
        pipeline_free(&p);
        return EXIT_USAGE;
    }

    preview_engine *e = preview_engine_new(&opts);
    preview_engine_set_pipeline(e, &p);
    preview_result res;
    bool ok = preview_run(e, node_id, &res);
    if (!ok) {
        print_node_diags(&res.diags, dir);
    } else {
        print_node_diags(&res.diags, dir); /* warnings, if any */
        if (strcmp(format, "jsonl") == 0)
            print_jsonl(res.table);
        else if (strcmp(format, "csv") == 0)
            print_csv(res.table);
        else
            print_table(res.table, res.elapsed_ms);
    }
    preview_result_free(&res);
    preview_engine_free(e);
    pipeline_free(&p);
    if (fflush(stdout) != 0)
        return EXIT_USAGE;
    return ok ? EXIT_OK : EXIT_FAIL;
}
