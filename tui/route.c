#include "route.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "uwidth.h"

enum { MARGIN = 6, CHANNEL_TRIES = 48, MIXED = -1 };

typedef struct router {
    picture *pic;
    const canvas *cv;
    /* Per cell and direction, the edges running through it: 1 + their
     * common source and 1 + their common target, MIXED where they differ,
     * 0 where no edge runs.  An edge may only share a run with edges that
     * all have its source (fan-out) or all have its target (fan-in), so
     * those merge into trees while unrelated edges stay apart; they may
     * only cross straight through each other (┼).  A box's ports (the cell
     * right of it and the cell left of it, on its middle row) are held for
     * its own edges from the start, so no other edge turns or runs there. */
    int32_t *h_src, *h_tgt, *v_src, *v_tgt;
} router;

static pcell *cell(picture *pic, int x, int y)
{
    x -= pic->x0;
    y -= pic->y0;
    if (x < 0 || y < 0 || x >= pic->w || y >= pic->h)
        return NULL;
    return &pic->cells[(size_t)y * (size_t)pic->w + (size_t)x];
}

const pcell *picture_at(const picture *pic, int x, int y)
{
    return cell((picture *)pic, x, y);
}

static bool cell_free(router *r, int x, int y, bool vertical, const route *rt)
{
    pcell *c = cell(r->pic, x, y);
    if (!c || c->box >= 0)
        return false;
    size_t k = (size_t)(c - r->pic->cells);
    int32_t s = vertical ? r->v_src[k] : r->h_src[k], t = vertical ? r->v_tgt[k] : r->h_tgt[k];
    return (s == 0 && t == 0) || s == (int32_t)rt->from + 1 || t == (int32_t)rt->to + 1;
}

static bool free_run(router *r, int x1, int y1, int x2, int y2, const route *rt)
{
    bool vertical = x1 == x2 && y1 != y2;
    for (;;) {
        if (!cell_free(r, x1, y1, vertical, rt))
            return false;
        if (x1 == x2 && y1 == y2)
            return true;
        x1 += (x2 > x1) - (x2 < x1);
        y1 += (y2 > y1) - (y2 < y1);
    }
}

static void set_pts(route *rt, int n, const int *xs, const int *ys)
{
    rt->n = n;
    for (int i = 0; i < n; i++) {
        rt->x[i] = xs[i];
        rt->y[i] = ys[i];
    }
}

/* Three segments through a vertical channel at column cx. */
static bool try3(router *r, route *rt, int sx, int sy, int cx, int tx, int ty)
{
    if (!free_run(r, sx, sy, cx, sy, rt) || !free_run(r, cx, sy, cx, ty, rt) ||
        !free_run(r, cx, ty, tx, ty, rt))
        return false;
    set_pts(rt, 4, (int[]){sx, cx, cx, tx}, (int[]){sy, sy, ty, ty});
    return true;
}

/* ---- shortest path with few bends, for edges the simple shapes miss ---- */

enum { BEND_COST = 8, SEARCH_MARGIN = 12, SEARCH_MAX_STATES = 40000 };

typedef struct heap_item {
    int cost;
    int32_t state;
} heap_item;

typedef struct heap {
    heap_item *a;
    size_t n, cap;
} heap;

static void heap_push(heap *h, int cost, int32_t state)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->a = xrealloc(h->a, h->cap * sizeof(heap_item));
    }
    size_t i = h->n++;
    while (i && h->a[(i - 1) / 2].cost > cost) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = (heap_item){cost, state};
}

static heap_item heap_pop(heap *h)
{
    heap_item top = h->a[0], last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->a[c + 1].cost < h->a[c].cost)
            c++;
        if (h->a[c].cost >= last.cost)
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n)
        h->a[i] = last;
    return top;
}

static const int DX[4] = {1, 0, -1, 0}, DY[4] = {0, 1, 0, -1}; /* right, down, left, up */

/* Dijkstra over (cell, heading) in a window around both ends: leave the
 * source heading right, arrive at the arrow cell heading right. */
static bool search(router *r, route *rt, int sx, int sy, int tx, int ty)
{
    int x0 = (sx < tx ? sx : tx) - SEARCH_MARGIN, x1 = (sx > tx ? sx : tx) + SEARCH_MARGIN;
    int y0 = (sy < ty ? sy : ty) - SEARCH_MARGIN / 2, y1 = (sy > ty ? sy : ty) + SEARCH_MARGIN / 2;
    int w = x1 - x0 + 1, h = y1 - y0 + 1;
    size_t n = (size_t)w * (size_t)h * 4;
    if (n > SEARCH_MAX_STATES)
        return false; /* keep a relayout fast; the caller falls back */
    int *dist = xmalloc(n * sizeof(int));
    int32_t *prev = xmalloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++)
        dist[i] = -1;
#define STATE(x, y, d) ((int32_t)((((y)-y0) * w + ((x)-x0)) * 4 + (d)))
    heap hp = {0};
    int32_t start = STATE(sx, sy, 0), goal = STATE(tx, ty, 0);
    bool found = false;
    if (cell_free(r, sx, sy, false, rt) && cell_free(r, sx, sy, true, rt) &&
        cell_free(r, tx, ty, true, rt)) {
        dist[start] = 0;
        prev[start] = -1;
        heap_push(&hp, 0, start);
    }
    while (hp.n) {
        heap_item it = heap_pop(&hp);
        if (it.cost != dist[it.state])
            continue;
        if (it.state == goal) {
            found = true;
            break;
        }
        int d = it.state % 4, c = it.state / 4;
        int x = x0 + c % w, y = y0 + c / w;
        for (int turn = -1; turn <= 1; turn++) {
            int nd = (d + 4 + turn) % 4;
            int nx = x + DX[nd], ny = y + DY[nd];
            if (nx < x0 || nx > x1 || ny < y0 || ny > y1)
                continue;
            /* A bend needs the corner cell free both ways. */
            if (turn && !cell_free(r, x, y, nd % 2 == 1, rt))
                continue;
            if (!cell_free(r, nx, ny, nd % 2 == 1, rt))
                continue;
            int32_t ns = STATE(nx, ny, nd);
            int cost = it.cost + 1 + (turn ? BEND_COST : 0);
            if (dist[ns] < 0 || cost < dist[ns]) {
                dist[ns] = cost;
                prev[ns] = it.state;
                heap_push(&hp, cost, ns);
            }
        }
    }
    if (found) {
        /* Walk back over every cell, then keep only the corners. */
        size_t len = 0, cap = 64;
        int *px = xmalloc(cap * sizeof(int)), *py = xmalloc(cap * sizeof(int));
        for (int32_t st = goal; st >= 0; st = prev[st]) {
            if (len == cap) {
                cap *= 2;
                px = xrealloc(px, cap * sizeof(int));
                py = xrealloc(py, cap * sizeof(int));
            }
            int c = st / 4;
            px[len] = x0 + c % w;
            py[len] = y0 + c / w;
            len++;
        }
        rt->n = 0;
        for (size_t i = len; i-- > 0 && found;) {
            bool corner = i == len - 1 || i == 0 ||
                          !((px[i + 1] == px[i] && px[i] == px[i - 1]) ||
                            (py[i + 1] == py[i] && py[i] == py[i - 1]));
            if (!corner)
                continue;
            if (rt->n == ROUTE_MAX_PTS)
                found = false;
            else {
                rt->x[rt->n] = px[i];
                rt->y[rt->n] = py[i];
                rt->n++;
            }
        }
        free(px);
        free(py);
    }
#undef STATE
    free(hp.a);
    free(dist);
    free(prev);
    return found;
}

/* Add an edge to the set running through a cell one way. */
static void claim_cell(router *r, int x, int y, bool vertical, int32_t src, int32_t tgt)
{
    pcell *c = cell(r->pic, x, y);
    if (!c || c->box >= 0)
        return;
    size_t k = (size_t)(c - r->pic->cells);
    int32_t *s = &(vertical ? r->v_src : r->h_src)[k], *t = &(vertical ? r->v_tgt : r->h_tgt)[k];
    if (*s == 0 && *t == 0) {
        *s = src;
        *t = tgt;
        return;
    }
    if (*s != src)
        *s = MIXED;
    if (*t != tgt)
        *t = MIXED;
}

static void claim(router *r, const route *rt)
{
    int32_t src = (int32_t)rt->from + 1, tgt = (int32_t)rt->to + 1;
    for (int i = 0; i + 1 < rt->n; i++) {
        int x = rt->x[i], y = rt->y[i], x2 = rt->x[i + 1], y2 = rt->y[i + 1];
        bool vertical = x == x2 && y != y2;
        for (;;) {
            claim_cell(r, x, y, vertical, src, tgt);
            if (x == x2 && y == y2)
                break;
            x += (x2 > x) - (x2 < x);
            y += (y2 > y) - (y2 < y);
        }
    }
    /* The ends touch a box side and an arrowhead: nothing crosses there. */
    claim_cell(r, rt->x[0], rt->y[0], true, src, tgt);
    claim_cell(r, rt->x[rt->n - 1], rt->y[rt->n - 1], true, src, tgt);
}

/* Hold each box's ports for its own edges: the out port (the cell right of
 * the box) for edges from it, the in port (the two cells left of it, so
 * its arrow has a stem) for edges into it.  Where the ports of neighbouring
 * boxes fall on one cell, the box that has edges that way keeps it; if both
 * do, nobody routes cleanly through it.  The stem cell yields to any port. */
static void reserve_ports(router *r, const bool *has_out, const bool *has_in)
{
    const canvas *cv = r->cv;
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < cv->n; i++) {
            const cbox *b = &cv->box[i];
            bool out = pass == 0;
            int x = out ? b->x + b->w : b->x - pass, y = b->y + b->h / 2;
            pcell *c = cell(r->pic, x, y);
            if (!c || c->box >= 0)
                continue;
            size_t k = (size_t)(c - r->pic->cells);
            int32_t src = out ? (int32_t)i + 1 : MIXED, tgt = out ? MIXED : (int32_t)i + 1;
            bool used = out ? has_out[i] : has_in[i];
            if (r->h_src[k] || r->h_tgt[k]) {
                /* taken by a neighbour's port (or by overlapping boxes) */
                int32_t es = r->h_src[k];
                if (!used || pass == 2)
                    continue;
                if (es <= 0 || has_out[es - 1])
                    src = tgt = MIXED;
            }
            r->h_src[k] = r->v_src[k] = src;
            r->h_tgt[k] = r->v_tgt[k] = tgt;
        }
}

static void route_edge(router *r, route *rt)
{
    const cbox *s = &r->cv->box[rt->from], *t = &r->cv->box[rt->to];
    int sx = s->x + s->w, sy = s->y + s->h / 2;
    int tx = t->x - 1, ty = t->y + t->h / 2;
    rt->clean = true;
    if (!cell(r->pic, sx, sy) || !cell(r->pic, tx, ty))
        goto unclean; /* an end lies outside a clipped picture */
    if (!cell_free(r, sx, sy, false, rt) || !cell_free(r, sx, sy, true, rt) ||
        !cell_free(r, tx, ty, false, rt) || !cell_free(r, tx, ty, true, rt))
        goto unclean; /* an end is held for other edges: no clean way */
    if (tx >= sx) {
        if (sy == ty && free_run(r, sx, sy, tx, ty, rt)) {
            set_pts(rt, 2, (int[]){sx, tx}, (int[]){sy, ty});
            goto done;
        }
        /* Channels near the target first, then near the source: a bounded
         * number, so a far-flung edge costs no more than a near one. */
        for (int k = 0; k < CHANNEL_TRIES && tx - 2 - k >= sx; k++)
            if (try3(r, rt, sx, sy, tx - 2 - k, tx, ty))
                goto done;
        for (int k = 0; k < CHANNEL_TRIES && sx + k < tx - 2 - CHANNEL_TRIES; k++)
            if (try3(r, rt, sx, sy, sx + k, tx, ty))
                goto done;
        for (int cx = tx - 1; cx <= tx; cx++)
            if (try3(r, rt, sx, sy, cx, tx, ty))
                goto done;
    }
    if (search(r, rt, sx, sy, tx, ty))
        goto done;
unclean:
    /* Nothing at all: a plain three-segment route, drawn last and only
     * where it cannot be mistaken for part of another edge. */
    rt->clean = false;
    rt->gapped = true;
    int cx = tx - 2 >= sx ? tx - 2 : sx;
    set_pts(rt, 4, (int[]){sx, cx, cx, tx}, (int[]){sy, sy, ty, ty});
    return;
done:
    claim(r, rt);
}

static void link(picture *pic, int x, int y, uint8_t bits)
{
    pcell *c = cell(pic, x, y);
    if (c && c->box < 0)
        c->links |= bits;
}

static void draw_route(picture *pic, const route *rt)
{
    link(pic, rt->x[0], rt->y[0], LINK_L);
    for (int i = 0; i + 1 < rt->n; i++) {
        int x = rt->x[i], y = rt->y[i], x2 = rt->x[i + 1], y2 = rt->y[i + 1];
        while (x != x2 || y != y2) {
            int dx = (x2 > x) - (x2 < x), dy = (y2 > y) - (y2 < y);
            uint8_t out = dx > 0 ? LINK_R : dx < 0 ? LINK_L : dy > 0 ? LINK_D : LINK_U;
            uint8_t in = dx > 0 ? LINK_L : dx < 0 ? LINK_R : dy > 0 ? LINK_U : LINK_D;
            link(pic, x, y, out);
            x += dx;
            y += dy;
            link(pic, x, y, in);
        }
    }
}

/* Walk a route cell by cell: f(ctx, x, y, links of the route there). */
static void walk_route(const route *rt, void (*f)(void *, int, int, uint8_t), void *ctx)
{
    int x = rt->x[0], y = rt->y[0];
    uint8_t in = LINK_L;
    for (int i = 0; i + 1 < rt->n; i++) {
        int x2 = rt->x[i + 1], y2 = rt->y[i + 1];
        while (x != x2 || y != y2) {
            int dx = (x2 > x) - (x2 < x), dy = (y2 > y) - (y2 < y);
            uint8_t out = dx > 0 ? LINK_R : dx < 0 ? LINK_L : dy > 0 ? LINK_D : LINK_U;
            f(ctx, x, y, (uint8_t)(in | out));
            in = dx > 0 ? LINK_L : dx < 0 ? LINK_R : dy > 0 ? LINK_U : LINK_D;
            x += dx;
            y += dy;
        }
    }
    f(ctx, x, y, (uint8_t)(in | LINK_R));
}

typedef struct gap_walk {
    router *r;
    const route *rt;
    int n, cap;
    int *x, *y;
    uint8_t *links;
    uint8_t *kind; /* GAP_* */
} gap_walk;

enum { GAP_NO, GAP_EMPTY, GAP_CROSS };

static void gap_collect(void *ctx, int x, int y, uint8_t links)
{
    gap_walk *g = ctx;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->x = xrealloc(g->x, (size_t)g->cap * sizeof(int));
        g->y = xrealloc(g->y, (size_t)g->cap * sizeof(int));
        g->links = xrealloc(g->links, (size_t)g->cap);
        g->kind = xrealloc(g->kind, (size_t)g->cap);
    }
    pcell *c = cell(g->r->pic, x, y);
    const uint8_t H = LINK_L | LINK_R, V = LINK_U | LINK_D;
    uint8_t kind = GAP_NO;
    /* Empty and not a port or run held for edges this one is not kin to;
     * or a straight line met straight across, where ┼ is a true crossing. */
    if (c && c->box < 0 && !c->links && cell_free(g->r, x, y, false, g->rt) &&
        cell_free(g->r, x, y, true, g->rt))
        kind = GAP_EMPTY;
    else if (c && c->box < 0 && ((c->links == V && links == H) || (c->links == H && links == V)) &&
             cell_free(g->r, x, y, links == V, g->rt))
        kind = GAP_CROSS;
    g->x[g->n] = x;
    g->y[g->n] = y;
    g->links[g->n] = links;
    g->kind[g->n] = kind;
    g->n++;
}

/* Whether a line beside path cell i (not on the path) points into it. */
static bool gap_touched(const picture *pic, const gap_walk *g, int i)
{
    static const uint8_t toward[4] = {LINK_L, LINK_U, LINK_R, LINK_D};
    for (int d = 0; d < 4; d++) {
        int nx = g->x[i] + DX[d], ny = g->y[i] + DY[d];
        if ((i > 0 && g->x[i - 1] == nx && g->y[i - 1] == ny) ||
            (i + 1 < g->n && g->x[i + 1] == nx && g->y[i + 1] == ny))
            continue;
        const pcell *n = cell((picture *)pic, nx, ny);
        if (n && n->box < 0 && (n->links & toward[d]))
            return true;
    }
    return false;
}

/* A route that found no way apart: draw only its cells that are empty or
 * cross a straight line straight through, and only where its neighbours
 * along the route are drawn too, so each drawn piece ends in a blank before
 * any other line and never joins or runs along it. */
static void draw_gapped(router *r, const route *rt)
{
    picture *pic = r->pic;
    gap_walk g = {.r = r, .rt = rt};
    walk_route(rt, gap_collect, &g);
    bool *draw = xmalloc((size_t)g.n * sizeof(bool));
    for (int i = 0; i < g.n; i++)
        draw[i] = g.kind[i] != GAP_NO && (i == 0 || g.kind[i - 1] != GAP_NO) &&
                  (i == g.n - 1 || g.kind[i + 1] != GAP_NO) &&
                  (g.kind[i] == GAP_CROSS || !gap_touched(pic, &g, i));
    /* A crossing needs both arms drawn, and nothing ends against an
     * undrawn crossing (that would read as a tee). */
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < g.n; i++) {
            if (!draw[i])
                continue;
            bool prev = i == 0 || draw[i - 1], next = i == g.n - 1 || draw[i + 1];
            bool prev_x = i > 0 && g.kind[i - 1] == GAP_CROSS && !draw[i - 1];
            bool next_x = i + 1 < g.n && g.kind[i + 1] == GAP_CROSS && !draw[i + 1];
            if ((g.kind[i] == GAP_CROSS && !(prev && next)) || prev_x || next_x) {
                draw[i] = false;
                changed = true;
            }
        }
    }
    for (int i = 0; i < g.n; i++)
        if (draw[i])
            cell(pic, g.x[i], g.y[i])->links |= g.links[i];
    free(draw);
    free(g.x);
    free(g.y);
    free(g.links);
    free(g.kind);
}

uint32_t link_glyph(uint8_t l, bool ascii)
{
    uint8_t h = l & (LINK_L | LINK_R), v = l & (LINK_U | LINK_D);
    if (!v)
        return ascii ? '-' : 0x2500;
    if (!h)
        return ascii ? '|' : 0x2502;
    if (ascii)
        return '+';
    switch (l) {
    case LINK_R | LINK_D:
        return 0x256D; /* ╭ */
    case LINK_L | LINK_D:
        return 0x256E; /* ╮ */
    case LINK_R | LINK_U:
        return 0x2570; /* ╰ */
    case LINK_L | LINK_U:
        return 0x256F; /* ╯ */
    case LINK_L | LINK_R | LINK_D:
        return 0x252C; /* ┬ */
    case LINK_L | LINK_R | LINK_U:
        return 0x2534; /* ┴ */
    case LINK_U | LINK_D | LINK_R:
        return 0x251C; /* ├ */
    case LINK_U | LINK_D | LINK_L:
        return 0x2524; /* ┤ */
    default:
        return 0x253C; /* ┼ */
    }
}

uint32_t kind_symbol(node_kind kind, bool ascii)
{
    static const uint32_t uni[] = {0x25C9, 0x03BB, 0x25A3}, asc[] = {'o', '*', '#'};
    return ascii ? asc[kind] : uni[kind];
}

/* Write text at (x, y), at most max cells; returns cells used. */
static int put_text(picture *pic, int x, int y, const char *s, int max, uint8_t style)
{
    int used = 0;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        int32_t cp;
        i += uw_decode(s + i, len - i, &cp);
        int w = uw_cp_width(cp);
        if (w == 0)
            continue; /* combining marks are dropped rather than misplaced */
        if (used + w > max)
            break;
        if (cp < 0x20 || cp == 0x7f)
            cp = '?';
        pcell *c = cell(pic, x + used, y);
        if (c) {
            c->ch = (uint32_t)cp;
            c->style = style;
        }
        if (w == 2 && (c = cell(pic, x + used + 1, y))) {
            c->ch = CELL_WIDE_TAIL;
            c->style = style;
        }
        used += w;
    }
    return used;
}

static void put(picture *pic, int x, int y, uint32_t ch, uint8_t style)
{
    pcell *c = cell(pic, x, y);
    if (c) {
        c->ch = ch;
        c->style = style;
    }
}

static uint32_t badge_glyph(badge b, bool ascii)
{
    static const uint32_t uni[] = {0x2713, '!', 0x2717}, asc[] = {'v', '!', 'X'};
    return ascii ? asc[b] : uni[b];
}

static void draw_box(picture *pic, const canvas *cv, size_t i, badge bd, bool ascii)
{
    const cbox *b = &cv->box[i];
    const node *n = &cv->p->nodes[i];
    uint8_t frame = (uint8_t)(CS_SOURCE + n->kind);
    uint8_t bstyle = (uint8_t)(CS_BADGE_OK + bd);
    for (int y = b->y; y < b->y + b->h; y++)
        for (int x = b->x; x < b->x + b->w; x++)
            put(pic, x, y, ' ', CS_ID);
    char *id = uw_truncate(n->id, cv->compact ? COMPACT_MAX_ID : BOX_MAX_ID, ascii);
    if (cv->compact) {
        put(pic, b->x, b->y, kind_symbol(n->kind, ascii), frame);
        put_text(pic, b->x + 2, b->y, id, b->w - 4, CS_ID);
        put(pic, b->x + b->w - 1, b->y, badge_glyph(bd, ascii), bstyle);
        free(id);
        return;
    }
    int r = b->x + b->w - 1, bot = b->y + b->h - 1;
    uint32_t hz = ascii ? '-' : 0x2500, vt = ascii ? '|' : 0x2502;
    for (int x = b->x + 1; x < r; x++) {
        put(pic, x, b->y, hz, frame);
        put(pic, x, bot, hz, frame);
    }
    for (int y = b->y + 1; y < bot; y++) {
        put(pic, b->x, y, vt, frame);
        put(pic, r, y, vt, frame);
    }
    put(pic, b->x, b->y, ascii ? '+' : 0x256D, frame);
    put(pic, r, b->y, ascii ? '+' : 0x256E, frame);
    put(pic, b->x, bot, ascii ? '+' : 0x2570, frame);
    put(pic, r, bot, ascii ? '+' : 0x256F, frame);
    /* type in the top border, kind symbol, id and badge inside */
    char *type = uw_truncate(n->type, b->w - 5, ascii);
    put(pic, b->x + 1, b->y, ' ', frame);
    int tw = put_text(pic, b->x + 2, b->y, type, b->w - 5, CS_TYPE);
    put(pic, b->x + 2 + tw, b->y, ' ', frame);
    int my = b->y + b->h / 2;
    put(pic, b->x + 1, my, kind_symbol(n->kind, ascii), frame);
    put_text(pic, b->x + 3, my, id, b->w - 6, CS_ID);
    put(pic, r - 1, my, badge_glyph(bd, ascii), bstyle);
    free(type);
    free(id);
}

void picture_build(picture *pic, const canvas *cv, const badge *badges, bool ascii)
{
    memset(pic, 0, sizeof(*pic));
    pic->x0 = cv->min_x - MARGIN;
    pic->y0 = cv->min_y - MARGIN;
    long long w = (long long)cv->max_x - cv->min_x + 2 * MARGIN;
    long long h = (long long)cv->max_y - cv->min_y + 2 * MARGIN;
    if (w * h > PICTURE_MAX_CELLS) {
        pic->clipped = true;
        if (w > 8192)
            w = 8192;
        if (w * h > PICTURE_MAX_CELLS)
            h = PICTURE_MAX_CELLS / w;
    }
    pic->w = (int)w;
    pic->h = (int)h;
    size_t ncell = (size_t)pic->w * (size_t)pic->h;
    pic->cells = xcalloc(ncell, sizeof(pcell));
    for (size_t k = 0; k < ncell; k++)
        pic->cells[k].box = -1;
    for (size_t i = 0; i < cv->n; i++) {
        const cbox *b = &cv->box[i];
        for (int y = b->y; y < b->y + b->h; y++)
            for (int x = b->x; x < b->x + b->w; x++) {
                pcell *c = cell(pic, x, y);
                if (c)
                    c->box = (int32_t)i;
            }
    }
    /* Edges, in a fixed order: by target, then input order. */
    const pipeline *p = cv->p;
    size_t n_edges = 0;
    for (size_t i = 0; i < p->n_nodes; i++)
        n_edges += p->nodes[i].n_inputs;
    pic->routes = xcalloc(n_edges + 1, sizeof(route));
    router r = {pic,
                cv,
                xcalloc(ncell, sizeof(int32_t)),
                xcalloc(ncell, sizeof(int32_t)),
                xcalloc(ncell, sizeof(int32_t)),
                xcalloc(ncell, sizeof(int32_t))};
    bool *has_out = xcalloc(p->n_nodes + 1, sizeof(bool)),
         *has_in = xcalloc(p->n_nodes + 1, sizeof(bool));
    for (size_t i = 0; i < p->n_nodes; i++)
        for (size_t k = 0; k < p->nodes[i].n_inputs; k++) {
            ptrdiff_t from = pipeline_index_of(p, p->nodes[i].inputs[k]);
            if (from >= 0 && (size_t)from != i) {
                has_out[from] = true;
                has_in[i] = true;
            }
        }
    reserve_ports(&r, has_out, has_in);
    free(has_out);
    free(has_in);
    for (size_t i = 0; i < p->n_nodes; i++) {
        const node *n = &p->nodes[i];
        for (size_t k = 0; k < n->n_inputs; k++) {
            ptrdiff_t from = pipeline_index_of(p, n->inputs[k]);
            if (from < 0 || (size_t)from == i)
                continue;
            route *rt = &pic->routes[pic->n_routes++];
            rt->from = (size_t)from;
            rt->to = i;
            route_edge(&r, rt);
            if (!rt->gapped)
                draw_route(pic, rt);
        }
    }
    for (size_t e = 0; e < pic->n_routes; e++)
        if (pic->routes[e].gapped)
            draw_gapped(&r, &pic->routes[e]);
    for (size_t k = 0; k < ncell; k++) {
        pcell *c = &pic->cells[k];
        if (c->links && c->box < 0) {
            c->ch = link_glyph(c->links, ascii);
            c->style = CS_EDGE;
        }
    }
    for (size_t e = 0; e < pic->n_routes; e++) {
        const route *rt = &pic->routes[e];
        int x = rt->x[rt->n - 1], y = rt->y[rt->n - 1];
        /* A gapped edge's arrow only where the cell is its target's own
         * port, not one it shares with the box on its left. */
        if (!rt->gapped || (cell_free(&r, x, y, false, rt) && cell_free(&r, x, y, true, rt)))
            put(pic, x, y, ascii ? '>' : 0x25B6, CS_EDGE);
    }
    free(r.h_src);
    free(r.h_tgt);
    free(r.v_src);
    free(r.v_tgt);
    for (size_t i = 0; i < cv->n; i++)
        draw_box(pic, cv, i, badges ? badges[i] : BADGE_OK, ascii);
}

void picture_free(picture *pic)
{
    free(pic->cells);
    free(pic->routes);
    memset(pic, 0, sizeof(*pic));
}
