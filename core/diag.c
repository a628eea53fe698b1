#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void diag_list_init(diag_list *list)
{
    memset(list, 0, sizeof(*list));
}

void diag_list_clear(diag_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].path);
        free(list->items[i].node_id);
        free(list->items[i].message);
    }
    list->n = list->n_errors = list->n_warnings = 0;
}

void diag_list_free(diag_list *list)
{
    diag_list_clear(list);
    free(list->items);
    diag_list_init(list);
}

void diag_add(diag_list *list, diag_severity severity, const char *path, int line, int col,
              const char *node_id, const char *fmt, ...)
{
    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->items = xrealloc(list->items, list->cap * sizeof(*list->items));
    }
    diag *d = &list->items[list->n++];
    d->severity = severity;
    d->path = path ? xstrdup(path) : NULL;
    d->line = line;
    d->col = col;
    d->node_id = node_id ? xstrdup(node_id) : NULL;
    va_list ap;
    va_start(ap, fmt);
    d->message = xvasprintf(fmt, ap);
    va_end(ap);
    if (severity == DIAG_ERROR)
        list->n_errors++;
    else
        list->n_warnings++;
}

void diag_list_take_all(diag_list *dst, diag_list *src)
{
    if (dst->n + src->n > dst->cap) {
        while (dst->n + src->n > dst->cap)
            dst->cap = dst->cap ? dst->cap * 2 : 16;
        dst->items = xrealloc(dst->items, dst->cap * sizeof(*dst->items));
    }
    if (src->n)
        memcpy(dst->items + dst->n, src->items, src->n * sizeof(*src->items));
    dst->n += src->n;
    dst->n_errors += src->n_errors;
    dst->n_warnings += src->n_warnings;
    free(src->items);
    diag_list_init(src);
}

static int diag_compare(const diag *a, const diag *b)
{
    int c = strcmp(a->path ? a->path : "", b->path ? b->path : "");
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

void diag_list_sort(diag_list *list)
{
    /* Bottom-up merge sort: stable, and O(n log n) even for the hundreds of
     * thousands of diagnostics a hostile file can produce (insertion sort
     * took minutes on 16 MB of 2-cycles). */
    if (list->n < 2)
        return;
    diag *tmp = xmalloc(list->n * sizeof(*tmp));
    diag *src = list->items, *dst = tmp;
    for (size_t width = 1; width < list->n; width *= 2) {
        for (size_t lo = 0; lo < list->n; lo += 2 * width) {
            size_t mid = lo + width < list->n ? lo + width : list->n;
            size_t hi = lo + 2 * width < list->n ? lo + 2 * width : list->n;
            size_t a = lo, b = mid, out = lo;
            while (a < mid && b < hi)
                dst[out++] = diag_compare(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
            while (a < mid)
                dst[out++] = src[a++];
            while (b < hi)
                dst[out++] = src[b++];
        }
        diag *t = src;
        src = dst;
        dst = t;
    }
    if (src != list->items)
        memcpy(list->items, src, list->n * sizeof(*src));
    free(tmp);
}

void diag_format(const diag *d, char *buf, size_t size)
{
    const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";
    const char *path = d->path ? d->path : "pipeline.yaml";
    if (d->line > 0 && d->col > 0)
        snprintf(buf, size, "%s:%d:%d: %s: %s", path, d->line, d->col, sev, d->message);
    else if (d->line > 0)
        snprintf(buf, size, "%s:%d: %s: %s", path, d->line, sev, d->message);
    else if (d->node_id)
        snprintf(buf, size, "%s: %s: %s: %s", path, d->node_id, sev, d->message);
    else
        snprintf(buf, size, "%s: %s: %s", path, sev, d->message);
}
