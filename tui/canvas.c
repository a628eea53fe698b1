#include "canvas.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "autolayout.h"
#include "util.h"
#include "uwidth.h"

static int min_i(int a, int b)
{
    return a < b ? a : b;
}

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

void canvas_box_size(const node *n, bool compact, int *w, int *h)
{
    int idw = uw_width(n->id);
    if (compact) {
        /* "◉ orders ✓" */
        *w = min_i(idw, COMPACT_MAX_ID) + 4;
        *h = 1;
        return;
    }
    /* "│◉ orders  ✓│" and "╭ kafka ──╮" */
    int tw = uw_width(n->type);
    *w = max_i(BOX_MIN_W, max_i(min_i(idw, BOX_MAX_ID) + 6, min_i(tw, BOX_MAX_ID) + 5));
    *h = BOX_H;
}

static void bounds(canvas *cv)
{
    cv->min_x = cv->min_y = 0;
    cv->max_x = cv->max_y = 0;
    for (size_t i = 0; i < cv->n; i++) {
        const cbox *b = &cv->box[i];
        if (i == 0 || b->x < cv->min_x)
            cv->min_x = b->x;
        if (i == 0 || b->y < cv->min_y)
            cv->min_y = b->y;
        if (i == 0 || b->x + b->w > cv->max_x)
            cv->max_x = b->x + b->w;
        if (i == 0 || b->y + b->h > cv->max_y)
            cv->max_y = b->y + b->h;
    }
}

void canvas_build(canvas *cv, const pipeline *p)
{
    memset(cv, 0, sizeof(*cv));
    cv->p = p;
    cv->n = p->n_nodes;
    cv->box = xcalloc(cv->n ? cv->n : 1, sizeof(cbox));
    for (size_t i = 0; i < cv->n; i++) {
        const node *n = &p->nodes[i];
        cbox *b = &cv->box[i];
        canvas_box_size(n, false, &b->w, &b->h);
        b->x = n->x;
        b->y = n->y;
    }
    bounds(cv);
}

typedef struct order_item {
    size_t i;
    int x, y;
} order_item;

static int by_xy(const void *a, const void *b)
{
    const order_item *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

void canvas_build_overview(canvas *cv, const pipeline *p, int view_w, int view_h)
{
    canvas full;
    canvas_build(&full, p);
    memset(cv, 0, sizeof(*cv));
    cv->p = p;
    cv->n = p->n_nodes;
    cv->compact = true;
    cv->box = xcalloc(cv->n ? cv->n : 1, sizeof(cbox));
    int ww = max_i(1, full.max_x - full.min_x), wh = max_i(1, full.max_y - full.min_y);
    /* Scale in per-mille so the result is deterministic. */
    int sx = ww <= view_w ? 1000 : max_i(1, (view_w - 14) * 1000 / ww);
    int sy = wh <= view_h ? 1000 : max_i(1, (view_h - 1) * 1000 / wh);
    order_item *items = xmalloc((cv->n + 1) * sizeof(order_item));
    for (size_t i = 0; i < cv->n; i++) {
        cbox *b = &cv->box[i];
        canvas_box_size(&p->nodes[i], true, &b->w, &b->h);
        b->x = (int)((long long)(full.box[i].x - full.min_x) * sx / 1000);
        b->y = (int)((long long)(full.box[i].y + 1 - full.min_y) * sy / 1000);
        items[i] = (order_item){i, b->x, b->y};
    }
    /* Push overlapping boxes down, scanning left to right.  Boxes in a row
     * keep two blank cells between them: one for the left box's outgoing
     * edges, one for the right box's arrow, so no label butts into an edge
     * of another node. */
    qsort(items, cv->n, sizeof(order_item), by_xy);
    for (size_t k = 0; k < cv->n; k++) {
        cbox *b = &cv->box[items[k].i];
        bool moved = true;
        for (int guard = 0; moved && guard < 10000; guard++) {
            moved = false;
            for (size_t j = 0; j < k; j++) {
                const cbox *o = &cv->box[items[j].i];
                if (b->x < o->x + o->w + 2 && o->x < b->x + b->w + 2 && b->y == o->y) {
                    b->y++;
                    moved = true;
                }
            }
        }
    }
    free(items);
    canvas_free(&full);
    bounds(cv);
}

void canvas_free(canvas *cv)
{
    free(cv->box);
    memset(cv, 0, sizeof(*cv));
}

ptrdiff_t canvas_hit(const canvas *cv, int x, int y)
{
    for (size_t k = cv->n; k-- > 0;) {
        const cbox *b = &cv->box[k];
        if (x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h)
            return (ptrdiff_t)k;
    }
    return -1;
}

bool canvas_overlaps(const canvas *cv, size_t i)
{
    const cbox *a = &cv->box[i];
    for (size_t j = 0; j < cv->n; j++) {
        const cbox *b = &cv->box[j];
        if (j != i && a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
            b->y < a->y + a->h)
            return true;
    }
    return false;
}

ptrdiff_t canvas_nearest(const canvas *cv, size_t from, direction dir)
{
    const cbox *a = &cv->box[from];
    /* Centres doubled to stay in integers; a row is about two columns tall. */
    long ax = 2L * a->x + a->w, ay = 2L * a->y + a->h;
    ptrdiff_t best = -1, best_in_cone = -1;
    long best_score = LONG_MAX, best_cone_score = LONG_MAX;
    for (size_t i = 0; i < cv->n; i++) {
        if (i == from)
            continue;
        const cbox *b = &cv->box[i];
        long bx = 2L * b->x + b->w, by = 2L * b->y + b->h;
        long along, across;
        switch (dir) {
        case DIR_LEFT:
            along = ax - bx, across = (by - ay) * 2;
            break;
        case DIR_RIGHT:
            along = bx - ax, across = (by - ay) * 2;
            break;
        case DIR_UP:
            along = (ay - by) * 2, across = bx - ax;
            break;
        default:
            along = (by - ay) * 2, across = bx - ax;
            break;
        }
        if (along <= 0)
            continue;
        if (across < 0)
            across = -across;
        long score = along + 3 * across;
        if (across <= along && score < best_cone_score) {
            best_cone_score = score;
            best_in_cone = (ptrdiff_t)i;
        }
        if (score < best_score) {
            best_score = score;
            best = (ptrdiff_t)i;
        }
    }
    return best_in_cone >= 0 ? best_in_cone : best;
}

size_t *canvas_topo_order(const pipeline *p)
{
    int n_layers;
    int *layer = autolayout_layers(p, &n_layers);
    order_item *items = xmalloc((p->n_nodes + 1) * sizeof(order_item));
    for (size_t i = 0; i < p->n_nodes; i++)
        items[i] = (order_item){i, layer[i], p->nodes[i].y};
    qsort(items, p->n_nodes, sizeof(order_item), by_xy);
    size_t *order = xmalloc((p->n_nodes + 1) * sizeof(size_t));
    for (size_t i = 0; i < p->n_nodes; i++)
        order[i] = items[i].i;
    free(items);
    free(layer);
    return order;
}

void canvas_autolayout(pipeline *p, bool only_missing)
{
    int *w = xmalloc((p->n_nodes + 1) * sizeof(int)), *h = xmalloc((p->n_nodes + 1) * sizeof(int));
    for (size_t i = 0; i < p->n_nodes; i++)
        canvas_box_size(&p->nodes[i], false, &w[i], &h[i]);
    autolayout_opts o = {w, h, 6, 1, only_missing};
    autolayout_run(p, &o);
    free(w);
    free(h);
}
